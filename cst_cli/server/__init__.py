"""The `cst serve` HTTP API over the same library calls as the CLI: compile, execute, pipelines, modules,
health, Prometheus metrics and cost. Imports runtime, dag, check, modules, types, syntax, render, diagnostics;
never the CLI. Never prints or exits: problems go to the `cst.server` logger.
"""

from cst_cli.server._serve import serve
from cst_cli.server.app import App
from cst_cli.server.auth import ApiKeys, parse_keys
from cst_cli.server.metrics import ServerMetrics
from cst_cli.server.settings import ServerSettings

__all__ = ["ApiKeys", "App", "ServerMetrics", "ServerSettings", "parse_keys", "serve"]
