"""Parse errors in words: a golden file of messages for broken inputs, plus the recovery behaviour."""

from __future__ import annotations

from pathlib import Path

from cst_cli.diagnostics import Source
from cst_cli.syntax.parser import parse, parse_expression
from tests.syntax._helpers import describe, errors

# (what it shows, broken source). The golden file has each case's source and its diagnostics as
# `line:col CODE message [hint]`; review the diff after `pytest --snapshot-update`.
CASES: list[tuple[str, str]] = [
    ("unclosed call", "in q: String\nx = Trim(q\nout x\n"),
    ("unclosed call at end of file", "in q: String\nx = stdlib.string.trim(q,"),
    ("missing expression", "x = \nout x\n"),
    ("closing brace instead of expression", "x = }\n"),
    ("missing type", "in q:\nout q\n"),
    ("missing colon in input", "in q String\nout q\n"),
    ("missing else", "in c: Boolean\nx = if (c) 1\nout x\n"),
    ("if without parentheses", "x = if c 1 else 2\n"),
    ("chained comparison", "x = a < b < c\n"),
    ("not after comparison", "x = a == not b\n"),
    ("missing comma in call", "x = F(a b)\n"),
    ("wrong closing bracket", "x = F(a})\n"),
    ("unclosed list", "x = [1, 2\ny = 3\n"),
    ("missing comma in list", "x = [1 2]\n"),
    ("duration outside with", "x = 5s\n"),
    ("rate outside with", "x = F(10/1s)\n"),
    ("two values in a row", "x = a b\nout x\n"),
    ("option without colon", "x = F(a) with retry 3\n"),
    ("empty with", "x = F(a) with\n"),
    ("with on a non-call", "x = a with retry: 3\n"),
    ("trailing comma in with", "x = F(a) with retry: 3,\ny = 2\n"),
    ("type without name", "type = Int\n"),
    ("type without equals", "type X Int\n"),
    ("use without path", "use\n"),
    ("use with dangling dot", "use stdlib.\n"),
    ("out without name", "out\n"),
    ("stray closing paren", ")\n"),
    ("extra closing paren", "x = F(a))\n"),
    ("branch without otherwise", "x = branch { a -> 1 }\n"),
    ("branch case without arrow", "x = branch { a 1, otherwise -> 2 }\n"),
    ("match with a name pattern", "x = match (r) { a -> 1 }\n"),
    ("match case without arrow", "x = match (r) { { a } 1 }\n"),
    ("match without parentheses", "x = match r { _ -> 1 }\n"),
    ("unterminated string", 'x = "abc\nout x\n'),
    ("two values in an interpolation", 'x = "a ${b c} d"\n'),
    ("unclosed interpolation", 'x = "a ${b\nout x\n'),
    ("unknown escape", 'x = "a \\q"\n'),
    ("integer out of range", "x = 99999999999999999999\n"),
    ("lowest integer is fine, its negation is not", "x = -9223372036854775808\ny = 9223372036854775808\n"),
    ("float out of range", "x = 1.0e999\n"),
    ("unknown character", "x = a % b\n"),
    ("invalid number", "x = 12abc\n"),
    ("lambda without body", "x = map(xs, (y) => )\n"),
    ("no tuples", "x = (a, b)\n"),
    ("unclosed type arguments", "in x: List<Int\nout x\n"),
    ("unclosed record type", "in x: { a: Int\nout x\n"),
    ("dangling dot", "x = a.\nout x\n"),
    ("annotation before a binding", "@example(1)\nx = 2\n"),
    ("record field without value", "x = { a: 1, b }\n"),
    ("operator at end of line", "x = a +\n"),
    ("name swallowed by the line before", "x = 2 +\ny = 3\nout y\n"),
    ("lone at sign", "x = @\n"),
    ("control characters", "x = \x00\x01 1\n"),
    ("several broken declarations", "in q: String\nx = Trim(q))\ny = [1,\nz = F(\nout z\n"),
]


def test_error_messages_golden(snapshot: object) -> None:
    blocks = []
    for title, text in CASES:
        result, diagnostics = parse(Source("t.cst", text))
        assert result is None and diagnostics, title
        shown = "".join(c if c >= " " or c in "\n\t" else f"\\x{ord(c):02x}" for c in text.rstrip())
        blocks.append(f"== {title}\n{shown}\n--\n{describe(text, diagnostics)}\n")
    snapshot.snapshot_dir = Path(__file__).parent / "snapshots"  # type: ignore[attr-defined]
    snapshot.assert_match("\n".join(blocks), "parse_errors.txt")  # type: ignore[attr-defined]


def test_the_messages_of_the_brief() -> None:
    assert (
        errors("in q: String\nx = Trim(q\nout x\n") == "2:11 E020 expected ')' to close the call to Trim opened at 2:9"
    )
    assert errors("x = \n") == "1:4 E020 expected an expression after '='"
    assert errors("in q:\nout q\n") == "1:6 E020 expected a type after ':' in the input declaration"
    assert errors("x = if (c) 1\n") == "1:13 E020 expected 'else' after the 'if' branch"
    assert errors("}") == "1:1 E021 unexpected '}'  [hint: no bracket is open here]"


def test_unclosed_bracket_has_a_note_at_the_opener() -> None:
    _, diagnostics = parse(Source("t.cst", "x = F(a,\n"))
    (d,) = diagnostics
    (note,) = d.notes
    assert note.message == "the call to F opened here"
    assert note.span is not None and (note.span.start, note.span.end) == (5, 6)


def test_one_diagnostic_per_broken_declaration_and_the_rest_still_checked() -> None:
    text = "x = (1\ny = 2 *\nin q\nz = [1 2]\nout z\n"
    assert errors(text).splitlines() == [
        "1:7 E020 expected ')' to close the parenthesis opened at 1:5",
        "2:8 E020 expected an expression after '*'",
        "3:5 E020 expected ':' and a type after the input name 'q'",
        "4:8 E020 expected ',' or ']' after '1', found '2'",
    ]


def test_diagnostics_are_sorted_and_lexical_errors_are_all_reported() -> None:
    text = 'x = "a\ny = 1 % 2\nz = "b\n'
    lines = errors(text).splitlines()
    assert [line.split()[0] for line in lines] == ["1:5", "2:7", "3:5"]


def test_expression_errors() -> None:
    assert parse_expression("a b")[1][0].message == "unexpected 'b' after the end of the expression"
    assert parse_expression("")[1][0].message == "expected an expression"
    assert parse_expression("a +")[1][0].message == "expected an expression after '+'"
    assert parse_expression("x = 1")[1][0].message == "unexpected '=' after the end of the expression"


def test_messages_never_show_parser_internals() -> None:
    for _, text in CASES:
        _, diagnostics = parse(Source("t.cst", text))
        for d in diagnostics:
            for word in ("Token", "$END", "LPAR", "RPAR", "NAME", "__ANON", "Traceback", "lark"):
                assert word not in d.message and word not in (d.hint or ""), d.message
