"""Decoding bytes into a Source, and the lexical rules: names, keywords, numbers, durations, line ends."""

from __future__ import annotations

from cst_cli.diagnostics import Source, sorted_diagnostics
from cst_cli.syntax import ast
from cst_cli.syntax.parser import decode, parse
from tests.syntax._helpers import errors, expr, program, strip


def test_decode_plain_and_bom() -> None:
    source, diagnostics = decode("in q: String # é\n".encode(), "a.cst")
    assert source is not None and not diagnostics
    assert source.text == "in q: String # é\n" and source.name == "a.cst"
    source, diagnostics = decode(b"\xef\xbb\xbfout x\n", "b.cst")
    assert source is not None and source.text == "out x\n" and not diagnostics


def test_decode_not_utf8_points_at_the_first_bad_byte() -> None:
    source, diagnostics = decode("x = 1\nin q: é".encode() + b"\xff\xfe rest", "c.cst")
    assert source is None
    (d,) = diagnostics
    assert d.code == "E040"
    assert d.message == "the file is not valid UTF-8: byte 0xFF at line 2, column 8 cannot be decoded"
    assert (d.span.start, d.span.end) == (13, 14)  # in characters: the é counts once
    source, diagnostics = decode("é".encode()[:1], "d.cst")
    assert source is None and "byte 0xC3 at line 1, column 1" in diagnostics[0].message


def test_decode_control_characters_still_give_a_source() -> None:
    data = b"x = 1\x00\x00\ny = \x07 2\n\x1b"
    source, diagnostics = decode(data, "e.cst")
    assert source is not None
    assert [(d.code, d.span.start, d.span.end) for d in diagnostics] == [
        ("E040", 5, 7),
        ("E040", 12, 13),
        ("E040", 16, 17),
    ]
    assert diagnostics[0].message == "2 control characters (the first is U+0000) are not allowed in source text"
    assert diagnostics[1].message == "control character U+0007 is not allowed in source text"
    # parsing reports the same ones (so that merged lists have each once), and nothing else
    program_, parse_diagnostics = parse(source)
    assert program_ is None
    assert sorted_diagnostics(diagnostics + parse_diagnostics) == diagnostics
    # tabs, carriage returns and line feeds are fine
    assert decode(b"x = 1\t\r\n", "f.cst")[1] == []


def test_decode_many_control_characters_are_summarised() -> None:
    source, diagnostics = decode(b"\x01 " * 100, "g.cst")
    assert source is not None
    assert len(diagnostics) == 21
    assert diagnostics[-1].message == "80 more runs of control characters are not shown"


def test_names_keywords_and_option_words() -> None:
    p = program("retry = 1\ntimeout = retry\nin-range = timeout\neq-int2 = in-range\nout eq-int2\n")
    assert [d.name for d in p.decls if isinstance(d, ast.Binding)] == ["retry", "timeout", "in-range", "eq-int2"]
    for word in ["type", "in", "out", "if", "else", "true", "use", "as", "and", "when", "match", "is", "lazy"]:
        assert "E02" in errors(f"{word} = 1\n"), word
    assert strip(expr("_")) == ("Ref", ("name", "_"))


def test_numbers_and_durations() -> None:
    p = program("x = F() with a: 0ms, b: 15s, c: 10min, d: 2h, e: 1d, f: 3/1s, g: 3/ 250ms, h: 0.5, i: 007\n")
    binding = p.decls[0]
    assert isinstance(binding, ast.Binding) and isinstance(binding.value, ast.Call)
    values = [strip(o.value) for o in binding.value.options]
    assert values[:5] == [
        ("Duration", ("amount", n), ("unit", u)) for n, u in [(0, "ms"), (15, "s"), (10, "min"), (2, "h"), (1, "d")]
    ]
    assert values[6] == ("Rate", ("count", 3), ("per", ("Duration", ("amount", 250), ("unit", "ms"))))
    assert values[7:] == [("FloatLit", ("value", 0.5)), ("IntLit", ("value", 7))]
    assert ast.Duration(span=binding.span, amount=2, unit="h").seconds == 7200.0
    assert "invalid number '1.5s'" in errors("x = F() with timeout: 1.5s\n")
    assert "E041" in errors("x = F() with timeout: 99999999999999999999s\n")
    assert "E041" in errors("x = T@99999999999999999999(a)\n")


def test_windows_line_ends_and_tabs() -> None:
    text = "in q: String\r\n\tx = Trim(q)\r\nout x\r\n"
    p = program(text)
    binding = p.decls[1]
    assert isinstance(binding, ast.Binding)
    assert text[binding.span.start : binding.span.end] == "x = Trim(q)"
    assert Source("w.cst", text).position(binding.span.start).line == 2


def test_comments_anywhere_between_tokens() -> None:
    text = "x = F( # the call\n  a, # first\n  b # second\n) # done\nout x # end"
    assert strip(program(text)) == strip(program("x = F(a, b)\nout x"))
    assert strip(expr('"# not a comment"')) == ("StrLit", ("value", "# not a comment"))
