"""Mangled programs, random bytes, deep nesting and huge inputs give diagnostics, never exceptions."""

from __future__ import annotations

import os
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cst_cli.diagnostics import Diagnostic, Source, sort_key
from cst_cli.syntax import ast
from cst_cli.syntax._lexer import END, Spelling, tokenize
from cst_cli.syntax._table import load_table
from cst_cli.syntax.parser import decode, parse, parse_expression
from tests.syntax._helpers import SAMPLES, walk

# CST_SYNTAX_EXAMPLES=5000 for a longer fuzzing run.
EXAMPLES = int(os.environ.get("CST_SYNTAX_EXAMPLES", "300"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TEXTS = [p.read_text() for p in SAMPLES]
# Characters and words most likely to confuse a parser.
NOISE = [
    *'(){}[]<>"$\\#,:;=-+*/.@|?!_ \n\t\r\x00\x07é→',
    "${",
    "=>",
    "->",
    "??",
    " with ",
    " if ",
    " else ",
    " match ",
    " branch ",
    " otherwise ",
    "lazy",
    "in ",
    "out ",
    "type ",
    "use ",
    "@example(",
    "200ms",
    "10/1s",
    "@2",
    "99999999999999999999",
    "1.5e999",
]


def _check(text: str, diagnostics: list[Diagnostic], result: object) -> None:
    assert not any("internal error" in d.message for d in diagnostics), diagnostics
    assert diagnostics == sorted(diagnostics, key=sort_key)
    for d in diagnostics:
        assert 0 <= d.span.start <= d.span.end <= len(text), d
        assert d.message and "Token(" not in d.message and "$END" not in d.message, d.message
    if result is None:
        assert any(d.is_error for d in diagnostics), text
    else:
        assert not any(d.is_error for d in diagnostics)
        for node in walk(result):
            assert 0 <= node.span.start <= node.span.end <= len(text)


def _parse(text: str) -> None:
    tokens = tokenize(Source("m.cst", text), Spelling(load_table().literals))
    assert tokens.starts == sorted(tokens.starts), "tokens out of order"
    result, diagnostics = parse(Source("m.cst", text))
    _check(text, diagnostics, result)
    expression, diagnostics = parse_expression(text)
    _check(text, diagnostics, expression)


@SETTINGS
@given(st.sampled_from(TEXTS), st.data())
def test_mangled_characters(text: str, data: st.DataObject) -> None:
    for _ in range(data.draw(st.integers(1, 6))):
        i = data.draw(st.integers(0, len(text)))
        j = data.draw(st.integers(i, min(len(text), i + 12)))
        edit = data.draw(st.sampled_from(["delete", "insert", "duplicate", "replace"]))
        if edit == "delete":
            text = text[:i] + text[j:]
        elif edit == "insert":
            text = text[:i] + data.draw(st.sampled_from(NOISE)) + text[i:]
        elif edit == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        else:
            text = text[:i] + data.draw(st.text(max_size=3)) + text[j:]
    _parse(text)


@SETTINGS
@given(st.sampled_from(TEXTS), st.randoms(use_true_random=False))
def test_mangled_tokens(text: str, rng: random.Random) -> None:
    tokens = tokenize(Source("m.cst", text), Spelling(load_table().literals))
    pieces = [text[s:e] for s, e, t in zip(tokens.starts, tokens.ends, tokens.types, strict=True) if t != END]
    for _ in range(rng.randint(1, 4)):
        k = rng.randrange(len(pieces))
        edit = rng.choice(["delete", "duplicate", "swap", "move"])
        if edit == "delete":
            del pieces[k]
        elif edit == "duplicate":
            pieces.insert(k, pieces[k])
        elif edit == "swap" and k + 1 < len(pieces):
            pieces[k], pieces[k + 1] = pieces[k + 1], pieces[k]
        else:
            pieces.insert(rng.randrange(len(pieces)), pieces.pop(k))
    _parse(" ".join(pieces))


@SETTINGS
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    source, diagnostics = decode(data, "b.cst")
    if source is None:
        assert [d.code for d in diagnostics] == ["E040"]
        return
    assert all(d.code == "E040" for d in diagnostics)
    _parse(source.text)


@SETTINGS
@given(st.lists(st.sampled_from(NOISE + list("abxy019 ")), max_size=40))
def test_random_token_soup(pieces: list[str]) -> None:
    _parse("".join(pieces))


def test_ten_thousand_nested_parens_and_lists() -> None:
    for opener, closer in [("(", ")"), ("[", "]"), ("{a: ", "}"), ("F(", ")"), ('"${', '}"')]:
        text = f"in a: Int\nx = {opener * 10_000}a{closer * 10_000}\nout x\n"
        result, diagnostics = parse(Source("deep.cst", text))
        assert result is None
        assert [d.code for d in diagnostics] == ["E042"], diagnostics
        assert diagnostics[0].message == "nesting too deep: more than 100 brackets are open here"


def test_deep_nesting_without_brackets() -> None:
    for text in [
        "x = " + "not " * 5000 + "a",
        "x = " + "- " * 5000 + "a",
        "x = a" + " ?? a" * 5000,
        "x = a" + " + a" * 5000,
        "x = " + "if (c) a else " * 2000 + "b",
        "x = " + "(a) => " * 2000 + "a",
        "x = a" + ".f" * 5000,
        "x = a" + " when c" * 5000,
    ]:
        result, diagnostics = parse(Source("deep.cst", text + "\nout x\n"))
        assert result is None
        assert [d.code for d in diagnostics] == ["E042"], (text[:30], diagnostics)
        assert "nested more than 200 levels" in diagnostics[0].message


def test_nesting_just_under_the_limits_is_fine() -> None:
    text = "in a: Int\nx = " + "(" * 100 + "a" + ")" * 100 + "\ny = " + "- " * 150 + "a\nout x\nout y\n"
    result, diagnostics = parse(Source("ok.cst", text))
    assert result is not None and not diagnostics
    binding = result.decls[2]
    assert isinstance(binding, ast.Binding)
    depth = 0
    node: ast.Expr = binding.value
    while isinstance(node, ast.UnaryOp):
        node, depth = node.operand, depth + 1
    assert depth == 150


def test_huge_literals_and_lines() -> None:
    digits = "9" * 100_000
    text = f'x = {digits}\ny = "{"z" * 1_000_000}"\nz = [{", ".join(["1"] * 50_000)}]\nout x\n'
    result, diagnostics = parse(Source("huge.cst", text))
    assert result is None
    assert [d.code for d in diagnostics] == ["E041"]
    assert len(diagnostics[0].message) < 120
    result, diagnostics = parse(Source("huge.cst", text.replace(digits, "1")))
    assert result is not None and not diagnostics


def test_many_broken_declarations_each_reported_once() -> None:
    text = "".join(f"x{k} = F(a\n" for k in range(2000)) + "out x0\n"
    result, diagnostics = parse(Source("many.cst", text))
    assert result is None
    assert len(diagnostics) == 2000
    assert {d.code for d in diagnostics} == {"E020"}
