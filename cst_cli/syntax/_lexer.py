"""The hand-written lexer: source text -> parallel token arrays for the LALR driver in _driver.py.

Owns string escapes and `${...}` interpolation, durations and rates, the lambda look-ahead and the bracket
nesting limit. Keyword and punctuation spellings come from grammar.lark. Imports only cst_cli.diagnostics.
"""

from __future__ import annotations

import re
from itertools import accumulate, compress, repeat
from operator import sub
from typing import Final

from cst_cli.diagnostics import Diagnostic, Source, Span, error

ERROR: Final = "$ERROR"  # a token the grammar has no use for: carries a ready-made diagnostic
END: Final = "$END"

MAX_BRACKETS: Final = 100  # nested (, [, {, ${ beyond this are E042
INT_MAX: Final = 2**63 - 1

_UNITS = "ms|min|s|h|d"
# A hyphen joins two name characters only.
_NAME = r"[A-Za-z_][A-Za-z0-9_]*+(?:-[A-Za-z0-9_]++)*+"
_TRIVIA = r"[ \t\r\n]*+(?:\#[^\n]*+[ \t\r\n]*+)*+"
# Each match is optional trivia (whitespace, comments) and then one token; `other` matches any character
# left, so the matches tile the text and finditer() walks it in one pass. The commonest tokens come first.
# `fast_int` is an INT that nothing else can match (the maximal run of digits, not followed by what would
# make it a rate, a duration, a float or a bad number); the slower alternatives below handle the rest.
# `{punct}` and `{brackets}` are filled in from the grammar's spellings.
_ALTERNATIVES: Final = (
    ("name", _NAME),
    ("punct", "{punct}"),
    ("fast_int", r"\d+(?![\dA-Za-z_.\t /])"),
    ("bracket", "{brackets}"),
    ("simple_string", r'"[^"\\$\n]*"'),
    ("escaped_string", r'"(?:[^"\\$\n]|\\[ntr\\"$]|\$(?!\{))*"'),
    ("rate", rf"\d+[ \t]*/[ \t]*\d+(?:{_UNITS})(?![A-Za-z0-9_])"),
    ("duration", rf"\d+(?:{_UNITS})(?![A-Za-z0-9_])"),
    ("float", r"\d+\.\d+(?:[eE][+-]?\d+)?(?![A-Za-z0-9_])"),
    ("badnum", r"\d+(?:\.\d+)?[A-Za-z_][A-Za-z0-9_]*"),
    ("int", r"\d+"),
    ("string", '"'),
    ("annotation", rf"@{_NAME}"),
    ("version", r"@\d+"),
    ("control", r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]+"),
    ("eof", r"\Z"),
    ("other", "."),
)
_TOKEN_RE = _TRIVIA + "(?:" + "|".join(f"(?P<{name}>{pattern})" for name, pattern in _ALTERNATIVES) + ")"
# The same tokens for re.split(), which tiles the text in C: a group for the trivia, then four, (names,
# punctuation and brackets), (fast_int), (simple_string) and (the rest, in the same order). Only alternatives that
# begin with different characters change places, so each match is the same as with _TOKEN_RE.
_FAST_GROUPS: Final = (("name", "bracket", "punct"), ("fast_int",), ("simple_string",))
_SPLIT_RE = (
    f"({_TRIVIA})"
    + "(?:"
    + "|".join(
        "(" + "|".join(dict(_ALTERNATIVES)[name] for name in group) + ")"
        for group in (
            *_FAST_GROUPS,
            tuple(n for n, _ in _ALTERNATIVES if n != "eof" and all(n not in g for g in _FAST_GROUPS)),
        )
    )
    + r"|\Z)"
)
_ESCAPE_RE = re.compile(r"\\(.)")
_STRING_CHUNK = re.compile(r'[^"\\$\n]+')
_ESCAPES: Final = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "$": "$"}
_DECL_KEYWORDS: Final = frozenset({"TYPE", "USE", "IN", "OUT", "ANNOTATION"})
_OPENERS: Final = frozenset({"LPAR", "LSQB", "LBRACE"})
_NESTING_OPENERS: Final = frozenset({"LPAR", "LAMBDA_LPAR", "LSQB", "LBRACE", "ISTR_START"})
_NESTING_CLOSERS: Final = frozenset({"RPAR", "RSQB", "RBRACE", "ISTR_END"})
_CLOSERS: Final = frozenset({"RPAR", "RSQB", "RBRACE"})
_BRACKET_STEP: Final = {**dict.fromkeys(_OPENERS, 1), **dict.fromkeys(_CLOSERS, -1)}
# Tokens that may appear between the parentheses of a lambda's parameter list (names and types).
_PARAM_TOKENS: Final = frozenset({"NAME", "COMMA", "COLON", "LT", "GT", "LBRACE", "RBRACE", "BAR", "PLUS"})


def control_char_message(run: str) -> str:
    """The E040 message for a run of control characters; decode() and the lexer must agree on it."""
    first = f"U+{ord(run[0]):04X}"
    if len(run) == 1:
        return f"control character {first} is not allowed in source text"
    return f"{len(run)} control characters (the first is {first}) are not allowed in source text"


class Tokens:
    """Parallel arrays, one entry per token, ending with an END token.

    `values` holds the decoded value: the text of a NAME (and keywords and punctuation), an int for
    INT and VERSION (None if too long to convert), a float for FLOAT, the decoded text for the string
    tokens, (amount, unit) for DURATION, (count, amount, unit, per_start) for RATE, the name without
    '@' for ANNOTATION, and a Diagnostic for ERROR.
    """

    __slots__ = ("diagnostics", "ends", "starts", "types", "values")

    def __init__(self) -> None:
        self.types: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.values: list[object] = []
        self.diagnostics: list[Diagnostic] = []  # problems that do not stop parsing (bad escapes, ...)


class Spelling:
    """Terminal names by spelling, read from the grammar's literal terminals."""

    __slots__ = ("keywords", "kinds", "punct", "regex", "split_regex")

    def __init__(self, literals: dict[str, str]) -> None:
        self.keywords = {text: name for name, text in literals.items() if text.isidentifier()}
        self.punct = {text: name for name, text in literals.items() if not text.isidentifier()}
        brackets = _OPENERS | _CLOSERS
        plain = [p for p, name in self.punct.items() if name not in brackets]
        # Longer spellings first (`->` before `-`); the single characters as classes, those that begin no
        # longer spelling before the longer ones.
        longer = [re.escape(p) for p in sorted(plain, key=len, reverse=True) if len(p) > 1]
        singles = sorted(p for p in plain if len(p) == 1)
        lone = "".join(_class_char(p) for p in singles if not any(q.startswith(p) for q in plain if len(q) > 1))
        prefixes = "".join(_class_char(p) for p in singles if any(q.startswith(p) for q in plain if len(q) > 1))
        alternatives = "|".join([f"[{lone}]"] * bool(lone) + longer + [f"[{prefixes}]"] * bool(prefixes))
        bracket_class = "".join(_class_char(p) for p, name in sorted(self.punct.items()) if name in brackets)
        brackets_re = f"[{bracket_class}]"
        self.regex = re.compile(_TOKEN_RE.replace("{punct}", alternatives).replace("{brackets}", brackets_re))
        self.split_regex = re.compile(_SPLIT_RE.replace("{punct}", alternatives).replace("{brackets}", brackets_re))
        self.kinds = {**self.keywords, **self.punct}


def _class_char(c: str) -> str:
    """One character, written to stand for itself inside a regex character class."""
    return "\\" + c if c in "\\]^-[" else c


def tokenize(source: Source, spelling: Spelling) -> Tokens:
    """Split the source into tokens; lexical errors become ERROR tokens or entries in `diagnostics`."""
    return _Lexer(source, spelling).run()


class _Lexer:
    def __init__(self, source: Source, spelling: Spelling) -> None:
        self.source = source
        self.text = source.text
        self.file = source.name
        self.spelling = spelling
        self.out = Tokens()
        # One entry per open `${`: [brace depth inside it, offset of the `$`].
        self.interp: list[list[int]] = []
        self.lpars: list[int] = []  # indices of the `(` tokens, for _mark_lambdas
        self.depth = 0  # brackets open
        self.deep = False  # were more than MAX_BRACKETS open at some point?

    def span(self, start: int, end: int) -> Span:
        return Span(file=self.file, start=start, end=end)

    def where(self, offset: int) -> str:
        p = self.source.position(offset)
        return f"{p.line}:{p.column}"

    def emit_error(
        self, start: int, end: int, code: str, message: str, hint: str | None = None, *, at: int | None = None
    ) -> None:
        """An ERROR token for the text [start, end); placed at offset `at` if given (tokens stay in order)."""
        out = self.out
        out.types.append(ERROR)
        out.starts.append(start if at is None else at)
        out.ends.append(end if at is None else at)
        out.values.append(error(code, message, self.span(start, end), hint))

    def run(self) -> Tokens:
        """Tokenize the whole text; the loop restarts only after a string scanned by hand."""
        pos = self.split_scan()
        while pos >= 0:
            pos = self.scan(pos)
        if self.interp:
            start = self.interp[-1][1]
            self.emit_error(
                start,
                start + 2,
                "E020",
                f"expected '}}' to close the interpolation '${{' opened at {self.where(start)}",
                at=len(self.text),
            )
        out = self.out
        n = len(self.text)
        out.types.append(END)
        out.starts.append(n)
        out.ends.append(n)
        out.values.append(None)
        _mark_lambdas(out.types, self.lpars)
        if self.deep:
            _limit_nesting(out, self.file)
        return out

    def split_scan(self) -> int:
        """Tokenize the text with re.split() up to its first hand-scanned string; return where to go on.

        The same tokens as scan() (the split regex makes the same matches), built with list operations
        that run in C: names, punctuation, plain INTs and plain strings need no Python code per token;
        the rarer kinds are matched again one by one. Returns the offset of the first `"` that opens a
        string scanned by hand (scan() goes on from there), or -1 at the end of the text.

        Only the lines before the first `${` are split: an interpolation is scanned by hand, and no token
        runs over a line break, so those lines make the same tokens alone as in the whole text.
        """
        text = self.text
        spelling = self.spelling
        interpolation = text.find("${")
        limit = len(text) if interpolation < 0 else text.rfind("\n", 0, interpolation) + 1
        if limit < len(text):
            text = text[:limit]
        parts = spelling.split_regex.split(text)
        # parts: ("", trivia, word, fast int, simple string, rarer token) per match, then "" (the matches
        # tile the text: the `other` alternative takes any character left, `\Z` the end)
        words = parts[2::6]
        ints = parts[3::6]
        strings = parts[4::6]
        rarer = parts[5::6]
        n = len(words)
        while n and words[n - 1] is None and ints[n - 1] is None and strings[n - 1] is None and rarer[n - 1] is None:
            n -= 1  # the end of the text (the `\Z` alternative)
        del words[n:]
        types: list[str] = list(map(spelling.kinds.get, words, repeat("NAME")))
        values: list[object] = list(words)
        int_at = list(compress(range(n), ints))
        string_at = list(compress(range(n), strings)) if strings.count(None) < len(strings) else []
        rarer_at = list(compress(range(n), rarer)) if rarer.count(None) < len(rarer) else []
        for k in int_at:
            digits: str = ints[k]
            words[k] = digits
            types[k] = "INT"
            values[k] = int(digits) if len(digits) <= 20 else None
        for k in string_at:
            word: str = strings[k]
            words[k] = word
            types[k] = "STRING"
            values[k] = word[1:-1]
        for k in rarer_at:
            words[k] = rarer[k]
        # Offsets: the lengths of the trivia and the tokens, summed in order.
        pieces: list[str | None] = [None] * (2 * n)
        pieces[0::2] = parts[1 : 6 * n : 6]
        pieces[1::2] = words
        offsets = list(accumulate(map(len, pieces)))  # type: ignore[arg-type]
        starts = offsets[0::2]
        ends = offsets[1::2]
        cut = n
        resume = -1 if limit == len(self.text) else limit
        if rarer_at:
            regex = spelling.regex
            out = self.out
            for k in rarer_at:
                m = regex.match(text, starts[k])
                assert m is not None
                g: int = m.lastindex  # type: ignore[assignment]
                kind = m.lastgroup
                if kind == "string":
                    cut = k
                    break
                self.out = one = Tokens()
                try:
                    self.rare_token(m, g, kind, starts[k], ends[k])
                finally:
                    self.out = out
                types[k] = one.types[0]
                values[k] = one.values[0]
                starts[k] = one.starts[0] if one.starts else starts[k]
                ends[k] = one.ends[0] if one.ends else ends[k]
                out.diagnostics.extend(one.diagnostics)
            if cut < n:
                resume = starts[cut]
                del types[cut:], values[cut:], starts[cut:], ends[cut:]
        out = self.out
        out.types, out.values, out.starts, out.ends = types, values, starts, ends
        # Only a `(` followed by `) =>` can be a lambda's (see _mark_lambdas): when scan() goes on, the
        # `=>` may come in its part.
        if resume >= 0 or "FATARROW" in types:
            self.lpars = list(compress(range(cut), map("LPAR".__eq__, types)))
        # The bracket depth as scan() counts it (never below 0): the running sum of +1 and -1, less its
        # lowest value so far when that is negative.
        sums = list(accumulate(map(_BRACKET_STEP.__getitem__, filter(_BRACKET_STEP.__contains__, types))))
        if sums:
            lowest = list(accumulate(sums, min))
            depths = list(map(sub, sums, map(min, lowest, repeat(0))))
            self.deep = max(depths) > MAX_BRACKETS
            self.depth = depths[-1]
        return resume

    def scan(self, pos: int) -> int:
        """Tokenize from `pos`; return where to resume after a hand-scanned string, or -1 at the end."""
        text = self.text
        groups = self.spelling.regex.groupindex
        g_name, g_punct, g_int = groups["name"], groups["punct"], groups["fast_int"]
        g_bracket, g_simple, g_eof = groups["bracket"], groups["simple_string"], groups["eof"]
        keywords = self.spelling.keywords
        punct = self.spelling.punct
        out = self.out
        types, starts, ends, values = out.types, out.starts, out.ends, out.values
        add_type, add_start, add_end, add_value = types.append, starts.append, ends.append, values.append
        interp = self.interp
        lpars = self.lpars
        # One flat dispatch loop: the fast way to lex in Python.
        for m in self.spelling.regex.finditer(text, pos):
            g: int = m.lastindex  # type: ignore[assignment]  # every alternative is a group
            start, end = m.span(g)
            if interp and "\n" in text[m.start() : start]:
                opened = interp[-1][1]
                self.emit_error(
                    opened,
                    opened + 2,
                    "E020",
                    f"expected '}}' to close the interpolation '${{' opened at {self.where(opened)}",
                    "an interpolation must end on the line where it starts",
                    at=start,
                )
                self.depth -= len(interp)
                interp.clear()
            if g == g_name:
                word = m.group(g)
                add_type(keywords.get(word, "NAME"))
                add_value(word)
            elif g == g_punct:
                word = m.group(g)
                add_type(punct[word])
                add_value(word)
            elif g == g_int:
                digits = m.group(g)
                add_type("INT")
                add_value(int(digits) if len(digits) <= 20 else None)
            elif g == g_bracket:
                word = m.group(g)
                t = punct[word]
                if t in _OPENERS:
                    if t == "LPAR":
                        lpars.append(len(types))
                    elif interp and t == "LBRACE":
                        interp[-1][0] += 1
                    self.open_bracket(start, end)
                else:
                    if interp and t == "RBRACE":
                        if interp[-1][0] == 0:
                            interp.pop()
                            self.close_bracket()
                            return self.string_rest(start, end, continuation=True)
                        interp[-1][0] -= 1
                    self.close_bracket()
                add_type(t)
                add_value(word)
            elif g == g_simple:
                types.append("STRING")
                values.append(text[start + 1 : end - 1])
            elif g == g_eof:
                return -1
            else:
                kind = m.lastgroup
                if kind == "string":
                    return self.string_rest(start, end, continuation=False)
                if not self.rare_token(m, g, kind, start, end):
                    continue
            add_start(start)
            add_end(end)
        return -1  # pragma: no cover - the eof alternative always matches last

    def rare_token(self, m: re.Match[str], g: int, kind: str | None, start: int, end: int) -> bool:
        """Emit the type and value of a token of the rarer kinds (all but `string`); an ERROR token if bad.

        Returns whether the caller must still add the token's start and end (not for an ERROR token).
        """
        out = self.out
        types, values = out.types, out.values
        if kind == "int":
            digits = m.group(g)
            types.append("INT")
            values.append(int(digits) if len(digits) <= 20 else None)
        elif kind == "escaped_string":
            types.append("STRING")
            values.append(_ESCAPE_RE.sub(_unescape, self.text[start + 1 : end - 1]))
        elif kind == "float":
            value = float(m.group(g))
            if value == float("inf"):
                message = f"float literal out of range: {_short(m.group(g))}"
                out.diagnostics.append(error("E041", message, self.span(start, end)))
            types.append("FLOAT")
            values.append(value)
        elif kind == "duration":
            word = m.group(g)
            digits = word.rstrip("mindsh")
            types.append("DURATION")
            values.append((self.small_int(digits, start), word[len(digits) :]))
        elif kind == "rate":
            word = m.group(g)
            count_text, per_text = (part.strip(" \t") for part in word.split("/"))
            amount_text = per_text.rstrip("mindsh")
            per_start = end - len(per_text)
            count = self.small_int(count_text, start)
            amount = self.small_int(amount_text, per_start)
            types.append("RATE")
            values.append((count, amount, per_text[len(amount_text) :], per_start))
        elif kind == "annotation":
            types.append("ANNOTATION")
            values.append(m.group(g)[1:])
        elif kind == "version":
            types.append("VERSION")
            values.append(self.small_int(m.group(g)[1:], start + 1))
        else:
            self.bad_token(kind, m.group(g), start, end)
            return False
        return True

    def bad_token(self, kind: str | None, word: str, start: int, end: int) -> None:
        if kind == "badnum":
            hint = None
            if word.rstrip("abcdefghijklmnopqrstuvwxyz") != word:
                hint = "a duration is a whole number and a unit: ms, s, min, h or d"
            self.emit_error(start, end, "E021", f"invalid number '{_short(word)}'", hint)
        elif kind == "control":
            self.emit_error(start, end, "E040", control_char_message(word))
        elif word == "@":
            message = "unexpected '@': expected an annotation name or a version number after it"
            self.emit_error(start, end, "E021", message)
        elif word.isprintable():
            self.emit_error(start, end, "E021", f"unexpected character '{word}'")
        else:
            self.emit_error(start, end, "E021", f"unexpected character U+{ord(word):04X}")

    def open_bracket(self, start: int, end: int) -> None:
        self.depth += 1
        if self.depth > MAX_BRACKETS:
            self.deep = True

    def close_bracket(self) -> None:
        if self.depth > 0:
            self.depth -= 1

    def small_int(self, digits: str, start: int) -> int:
        """A non-negative integer that must fit in 64 bits (durations, rates, versions)."""
        if len(digits) <= 19 and int(digits) <= INT_MAX:
            return int(digits)
        self.out.diagnostics.append(
            error(
                "E041",
                f"integer out of range (64-bit): {_short(digits)}",
                self.span(start, start + len(digits)),
            )
        )
        return INT_MAX

    def string_rest(self, token_start: int, pos: int, *, continuation: bool) -> int:
        """Scan string text from `pos` (just after `"` or after the `}` of an interpolation).

        Emits STRING, ISTR_START, ISTR_MID or ISTR_END and returns the offset after it.
        """
        text = self.text
        n = len(text)
        chunks: list[str] = []
        chunk = _STRING_CHUNK.match
        while True:
            m = chunk(text, pos)
            if m is not None:
                chunks.append(m.group())
                pos = m.end()
            if pos >= n or text[pos] == "\n":
                opener = token_start if not continuation else self._string_opener(token_start)
                self.emit_error(
                    opener,
                    pos,
                    "E020",
                    f"expected '\"' to close the string opened at {self.where(opener)}",
                    "a string ends on the line where it starts; write a line break as \\n",
                    at=token_start,
                )
                return pos
            c = text[pos]
            if c == '"':
                kind = "ISTR_END" if continuation else "STRING"
                pos += 1
                break
            if c == "$":
                if text.startswith("${", pos):
                    kind = "ISTR_MID" if continuation else "ISTR_START"
                    self.interp.append([0, pos])
                    self.open_bracket(pos, pos + 2)
                    pos += 2
                    break
                chunks.append("$")
                pos += 1
                continue
            # a backslash
            escaped = text[pos + 1 : pos + 2]
            value = _ESCAPES.get(escaped)
            if value is None:
                if escaped in ("", "\n"):
                    message = "a backslash at the end of a line does not escape anything"
                elif escaped.isprintable():
                    message = f"unknown escape sequence '\\{escaped}' in a string"
                else:
                    message = f"unknown escape sequence: '\\' followed by U+{ord(escaped):04X}"
                span = self.span(pos, pos + 1 + len(escaped.strip("\n")))
                hint = 'the escapes are \\n \\t \\r \\\\ \\" and \\$'
                self.out.diagnostics.append(error("E020", message, span, hint))
                value = escaped
                if escaped in ("", "\n"):
                    pos += 1
                    continue
            chunks.append(value)
            pos += 2
        out = self.out
        out.types.append(kind)
        out.starts.append(token_start)
        out.ends.append(pos)
        out.values.append("".join(chunks))
        return pos

    def _string_opener(self, pos: int) -> int:
        """The opening quote of the string whose interpolation ended at `pos` (for messages)."""
        starts, types = self.out.starts, self.out.types
        for k in range(len(types) - 1, -1, -1):
            if types[k] == "ISTR_START":
                return starts[k]
        return pos  # pragma: no cover - an interpolation always has a start


def _unescape(m: re.Match[str]) -> str:
    return _ESCAPES[m.group(1)]


def _mark_lambdas(types: list[str], lpars: list[int]) -> None:
    """Turn `(` into LAMBDA_LPAR where a parameter list and `) =>` follow.

    The scan from one `(` stops at the first token that cannot be in a parameter list, `(` included,
    so the scans never overlap and the whole pass is linear.
    """
    accept = _PARAM_TOKENS
    for i in lpars:
        j = i + 1
        while types[j] in accept:
            j += 1
        if types[j] == "RPAR" and types[j + 1] == "FATARROW":
            types[i] = "LAMBDA_LPAR"


def is_decl_start(types: list[str], j: int) -> bool:
    """Does token j look like the start of a declaration (used to resynchronise after an error)?"""
    t = types[j]
    if t in _DECL_KEYWORDS:
        return True
    return t == "NAME" and types[j + 1] == "EQUAL" and (j == 0 or types[j - 1] not in ("LPAR", "COMMA"))


def _limit_nesting(tokens: Tokens, file: str) -> None:
    """Turn the bracket that opens one level too many into an E042 error token.

    Counted per declaration (an unclosed bracket in one declaration does not count in the next), so
    this runs only when the lexer saw too many brackets open at some point.
    """
    types, starts, ends, values = tokens.types, tokens.starts, tokens.ends, tokens.values
    depth = 0
    reported = False
    for j, t in enumerate(types):
        if t in _NESTING_OPENERS:
            depth += 1
            if depth > MAX_BRACKETS and not reported:
                reported = True
                span = Span(file=file, start=starts[j], end=ends[j])
                message = f"nesting too deep: more than {MAX_BRACKETS} brackets are open here"
                types[j] = ERROR
                values[j] = error("E042", message, span, "split the expression into several bindings")
        elif t in _NESTING_CLOSERS:
            depth = max(0, depth - 1)
        elif is_decl_start(types, j):
            depth = 0
            reported = False


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
