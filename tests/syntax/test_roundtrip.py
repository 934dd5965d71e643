"""Generated programs: unparse -> parse gives them back, unparse is a fixed point, whitespace is free."""

from __future__ import annotations

import os
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cst_cli.diagnostics import Source
from cst_cli.syntax import ast
from cst_cli.syntax._lexer import END, Spelling, tokenize
from cst_cli.syntax._table import load_table
from cst_cli.syntax.unparse import unparse, unparse_expr
from tests.syntax import _strategies as gen
from tests.syntax._helpers import SAMPLES, expr, program, strip

# CST_SYNTAX_EXAMPLES=5000 for a longer run.
EXAMPLES = int(os.environ.get("CST_SYNTAX_EXAMPLES", "150"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(gen.programs)
def test_generated_programs_round_trip(generated: ast.Program) -> None:
    text = unparse(generated)
    parsed = program(text)
    assert strip(parsed) == strip(generated), text
    assert unparse(parsed) == text


@SETTINGS
@given(gen.exprs)
def test_generated_expressions_round_trip(generated: ast.Expr) -> None:
    text = unparse_expr(generated)
    assert strip(expr(text)) == strip(generated), text


def _respace(text: str, rng: random.Random) -> str:
    """The same tokens with other whitespace and comments between them (never inside a `${...}`)."""
    source = Source("r.cst", text)
    tokens = tokenize(source, Spelling(load_table().literals))
    out: list[str] = []
    interp = 0
    for k, t in enumerate(tokens.types):
        if t == END:
            break
        if k:
            if interp:
                out.append(rng.choice([" ", "  ", "\t"]))
            else:
                out.append(rng.choice([" ", "\n", "  \n\t", " # a comment ( [ {\n", "\r\n", "\n\n# }\n  "]))
        out.append(text[tokens.starts[k] : tokens.ends[k]])
        if t == "ISTR_START":
            interp += 1
        elif t == "ISTR_END":
            interp -= 1
    return "".join(out)


@settings(max_examples=max(60, EXAMPLES // 3), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(gen.programs, st.randoms(use_true_random=False))
def test_whitespace_and_comments_between_tokens_do_not_matter(generated: ast.Program, rng: random.Random) -> None:
    text = unparse(generated)
    respaced = _respace(text, rng)
    assert strip(program(respaced)) == strip(generated), respaced


def test_samples_round_trip() -> None:
    for path in SAMPLES:
        parsed = program(path.read_text(), path.name)
        text = unparse(parsed)
        again = program(text)
        assert strip(again) == strip(parsed), path.name
        assert unparse(again) == text
