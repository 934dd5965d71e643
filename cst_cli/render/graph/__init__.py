"""The pipeline picture shared by `cst graph`'s formats (tree, dot, mermaid, json): see `view.build_view`."""

from cst_cli.render.graph.view import GraphView, Measured, RunSummary, TraceMismatch, ViewEdge, ViewNode, build_view

__all__ = ["GraphView", "Measured", "RunSummary", "TraceMismatch", "ViewEdge", "ViewNode", "build_view"]
