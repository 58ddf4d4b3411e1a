"""The network: graph, array index, positions, queries, analytics."""
