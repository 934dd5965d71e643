"""Entry point of the `cst` command (placeholder until the CLI lands)."""


def main() -> None:
    raise SystemExit(0)
