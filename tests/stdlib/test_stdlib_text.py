"""Behaviour of stdlib.string and the text example modules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

Call = Callable[..., Any]


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("concat", ("ab", "cd"), "abcd"),
        ("string-length", ("héllo",), 5),
        ("string-length", ("",), 0),
        ("join", (["a", "b", "c"], ", "), "a, b, c"),
        ("join", ([], "-"), ""),
        ("split", ("a,b,,c", ","), ["a", "b", "", "c"]),
        ("split", ("a.b", "."), ["a", "b"]),  # literal, not a regular expression
        ("split", ("abc", ""), ["a", "b", "c"]),
        ("split", ("", ","), [""]),
        ("contains", ("pipeline", "pipe"), True),
        ("contains", ("pipeline", "Pipe"), False),
        ("trim", ("  a b \n\t",), "a b"),
        ("replace", ("a-b-c", "-", "+"), "a+b+c"),
        ("replace", ("aaa", "aa", "b"), "ba"),
    ],
)
def test_string(call: Call, name: str, args: tuple[Any, ...], expected: Any) -> None:
    assert call(f"stdlib.string.{name}", *args) == expected


@given(st.lists(st.text(alphabet="ab ,"), min_size=1), st.sampled_from([",", ", ", "--"]))
def test_split_undoes_join(parts: list[str], sep: str) -> None:
    from stdlib_modules.string import join, split

    text = join(parts, sep)
    assert join(split(text, sep), sep) == text


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("Uppercase", ("Hello, World",), "HELLO, WORLD"),
        ("Lowercase", ("Hello, World",), "hello, world"),
        ("Trim", ("  padded  ",), "padded"),
        ("Replace", ("the cat sat", "at", "og"), "the cog sog"),
        ("WordCount", ("  a  b ",), 2),
        ("WordCount", ("one\ttwo\nthree",), 3),
        ("WordCount", ("",), 0),
        ("WordCount", ("   ",), 0),
        ("TextLength", ("hello",), 5),
        ("Contains", ("hello world", "o w"), True),
        ("Contains", ("hello", "xyz"), False),
        ("SplitLines", ("a\nb\r\nc",), ["a", "b", "c"]),
        ("SplitLines", ("a\nb\n",), ["a", "b"]),
        ("SplitLines", ("a\n\nb",), ["a", "", "b"]),
        ("SplitLines", ("",), []),
        ("Split", ("a,b,,c", ","), ["a", "b", "", "c"]),
        ("Split", ("a|b", "|"), ["a", "b"]),
        ("Split", ("ab", ""), ["a", "b"]),
    ],
)
def test_text_modules(call: Call, name: str, args: tuple[Any, ...], expected: Any) -> None:
    assert call(name, *args) == expected


@given(st.text())
def test_word_count_counts_non_empty_whitespace_separated_parts(text: str) -> None:
    from stdlib_modules.text import WordCount

    assert WordCount(text) == len([p for p in text.split() if p])
