"""Pure Plotly figure builders for the network and the timeline."""

from viz.render.figures.common import NODE_STYLE, modebar_config
from viz.render.figures.network import network_figure
from viz.render.figures.timeline import timeline_figure

__all__ = ["NODE_STYLE", "modebar_config", "network_figure", "timeline_figure"]
