"""The runtime: policy (with-options), the pure scheduler, the trio runner, caches, breakers, cst.yaml and the
trace. Imports dag, check, modules, types, syntax and diagnostics; never cli, server or render.

The public face is `cst_cli.api` (Pipeline, RunResult); `Runtime` is the state several runs share. Importing
this package stays light (no trio) until `Runtime` is used, so tools that only read traces start fast.
"""

from typing import Any

from cst_cli.runtime.config import Config, ConfigError, load_config
from cst_cli.runtime.trace import TRACE_FORMAT, RunError, Trace, decode_trace, encode_trace

__all__ = [
    "TRACE_FORMAT",
    "Config",
    "ConfigError",
    "RunError",
    "Runtime",
    "Trace",
    "decode_trace",
    "encode_trace",
    "load_config",
]


def __getattr__(name: str) -> Any:
    if name == "Runtime":
        from cst_cli.runtime.runner import Runtime

        return Runtime
    raise AttributeError(name)
