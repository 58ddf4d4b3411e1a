"""Exports of the graph and record to other tools (GraphML, GEXF, CSV, TimelineJS, FtM)."""
