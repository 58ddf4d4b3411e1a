"""Pure Plotly figure builders for the network and the timeline."""

from viz.figures.common import NODE_STYLE, modebar_config
from viz.figures.network import network_figure
from viz.figures.timeline import timeline_figure

__all__ = ["NODE_STYLE", "modebar_config", "network_figure", "timeline_figure"]
