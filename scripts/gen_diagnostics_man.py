"""Write man/cst-diagnostics.7 from the code table and samples/errors (one example program per code).

Run: python scripts/gen_diagnostics_man.py   (tests/test_docs.py fails when the page is out of date)
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402

from cst_cli.check import compile_source  # noqa: E402
from cst_cli.diagnostics import CODES  # noqa: E402
from cst_cli.modules.registry import load_registry  # noqa: E402
from cst_cli.render.diagnostics import render_text  # noqa: E402

HEADER = r""".TH CST-DIAGNOSTICS 7 "2026-12-04" "cst 0.1.0" "cst manual"
.SH NAME
cst-diagnostics \- every diagnostic code of cst, with an example
.SH DESCRIPTION
Every problem
.B cst check
finds is a diagnostic with a stable code, a severity, a message, a place and, where it helps, a hint.
Codes E001\-E031 are the reference engine's and keep their numbers; E040 and later, and the W codes, are
cst's own. Errors make
.B cst check
exit 1; warnings do not, unless
.BR \-\-strict .
Each example below is the program in
.B samples/errors/
and what
.B cst check
prints for it (this page is generated from them by
.BR scripts/gen_diagnostics_man.py ).
.SH CODES
"""

FOOTER = r""".SH SEE ALSO
.BR cst-check (1),
.BR cst-language (7)
"""

NO_SAMPLE_TEXT = {
    "E005": (
        "A simple name matches modules in more than one visible namespace, e.g. after `use acme.text` and "
        "`use other.text`, both defining `Clean`: `x = Clean(s)` gives `Ambiguous function: Clean is defined in "
        "acme.text.Clean, other.text.Clean` with the hint `write the qualified name, e.g. acme.text.Clean`. "
        "The built-in library has no two modules with one simple name, so no sample program can show it; "
        "tests/check covers it with clashing test modules."
    ),
    "W006": (
        "A module plugin (an entry point in the group cst.modules) could not be loaded: its import failed, or it "
        "declares a module with an unsupported type hint. The warning names the plugin; the other modules load."
    ),
}


def roff_lines(text: str) -> str:
    out = []
    for line in text.rstrip("\n").split("\n"):
        line = line.replace("\\", "\\e")
        if line.startswith((".", "'")):
            line = "\\&" + line
        out.append(line)
    return "\n".join(out)


def render_sample(path: Path) -> str:
    registry = load_registry()
    rel = path.relative_to(ROOT).as_posix()
    result = compile_source(path.read_bytes(), rel, registry)
    buf = io.StringIO()
    render_text(result.diagnostics, {rel: result.source}, Console(file=buf, width=100, no_color=True, soft_wrap=True))
    return buf.getvalue()


def build() -> str:
    samples = {p.name.split("-")[0]: p for p in sorted((ROOT / "samples" / "errors").glob("*.cst"))}
    parts = [HEADER]
    for code, meaning in CODES.items():
        parts.append(f".SS {code} \\- {meaning}\n")
        path = samples.get(code)
        if path is None:
            parts.append(NO_SAMPLE_TEXT.get(code, "No example.") + "\n")
            continue
        source = path.read_bytes().decode("utf-8", "replace")
        printable = "".join(c if c >= " " or c in "\n\t" else f"<U+{ord(c):04X}>" for c in source)
        if len(printable) > 1500:
            printable = printable[:1500] + "\n... (truncated)"
        parts.append(f"Example ({path.relative_to(ROOT).as_posix()}):\n.PP\n.nf\n.RS 4\n")
        parts.append(roff_lines(printable) + "\n.RE\n.fi\n.PP\n")
        parts.append("gives:\n.PP\n.nf\n.RS 4\n" + roff_lines(render_sample(path)) + "\n.RE\n.fi\n")
    parts.append(FOOTER)
    return "".join(parts)


def main() -> None:
    (ROOT / "man" / "cst-diagnostics.7").write_text(build())


if __name__ == "__main__":
    main()
