"""cst: a typed pipeline language for ML/AI pipelines: check, graph, run, bench and cost them."""

__version__ = "0.1.0"
