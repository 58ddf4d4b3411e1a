"""Figure builders: base figures (network, timeline), their patches, and shared styles."""

from viz.render.figures.common import NODE_STYLE, modebar_config
from viz.render.figures.timeline import timeline_figure

__all__ = ["NODE_STYLE", "modebar_config", "timeline_figure"]
