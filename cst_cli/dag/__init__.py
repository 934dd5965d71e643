"""The DAG IR of a checked pipeline: span-free nodes keyed by index and id, a structural hash, and side
tables (node id -> span, module key -> spec). Imports check, modules, types; never the runtime."""

from cst_cli.dag.build import BuiltDag, build_dag, structural_hash
from cst_cli.dag.ir import AnyNode, CallNode, Dag, DagInput, DagOutput, module_key

__all__ = [
    "AnyNode",
    "BuiltDag",
    "CallNode",
    "Dag",
    "DagInput",
    "DagOutput",
    "build_dag",
    "module_key",
    "structural_hash",
]
