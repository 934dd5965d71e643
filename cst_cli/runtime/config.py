"""`cst.yaml`: per-module option defaults, breaker settings, version pins, cache directory and prices.

Decoded with msgspec into Structs: an unknown key or a wrong type is a ConfigError naming the key's path
(`cst.yaml: modules.Trim.retry: expected an integer, got "x"`). Durations are seconds (numbers) or text
with a unit (`200ms`, `2s`, `10min`, `1h`, `1d`). See cst.yaml(5).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import msgspec

from cst_cli.modules.api import PRIORITY_NAMES, Backoff, OnError, Options

CONFIG_NAME = "cst.yaml"


class ConfigError(Exception):
    """cst.yaml is unreadable or invalid; the message names the file and the key path."""


class ModuleConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    retry: int | None = None
    delay: float | str | None = None
    backoff: Backoff | None = None
    timeout: float | str | None = None
    cache: float | str | None = None
    cache_backend: str | None = None
    throttle: str | None = None  # "10/1s"
    concurrency: int | None = None
    on_error: OnError | None = None
    lazy: bool | None = None
    priority: int | str | None = None
    breaker_threshold: int | None = None
    breaker_cooldown: float | str | None = None


class BreakerConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    threshold: int = 5
    cooldown: float | str = 30.0


class _RawConfig(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    modules: dict[str, Any] = {}
    breaker: BreakerConfig = BreakerConfig()
    pins: dict[str, Any] = {}
    cache_dir: str | None = None
    prices: dict[str, Any] = {}
    max_concurrency: int | None = None


class Config(msgspec.Struct, frozen=True, kw_only=True):
    """The resolved configuration (durations in seconds, module defaults as Options)."""

    modules: dict[str, Options] = {}
    breaker_threshold: int = 5
    breaker_cooldown: float = 30.0
    pins: dict[str, int] = {}
    cache_dir: str | None = None
    prices: dict[str, float] = {}
    max_concurrency: int | None = None
    path: str | None = None


_UNITS = {"ms": 0.001, "s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|h|d)\s*$")


def parse_duration(value: float | str, where: str) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value < 0:
            raise ConfigError(f"{where}: expected a duration >= 0, got {value}")
        return float(value)
    m = _DURATION.match(str(value))
    if not m:
        raise ConfigError(f'{where}: expected a duration such as 200ms, 2s or 10min, got "{value}"')
    return float(m.group(1)) * _UNITS[m.group(2)]


def _module_options(name: str, m: ModuleConfig, file: str) -> Options:
    where = f"{file}: modules.{name}"
    out: dict[str, Any] = {}
    for f in ("retry", "backoff", "cache_backend", "concurrency", "on_error", "lazy", "breaker_threshold"):
        v = getattr(m, f)
        if v is not None:
            if isinstance(v, int) and not isinstance(v, bool) and v < 0:
                raise ConfigError(f"{where}.{f}: expected a number >= 0, got {v}")
            out[f] = v
    for f in ("delay", "timeout", "cache", "breaker_cooldown"):
        v = getattr(m, f)
        if v is not None:
            out[f] = parse_duration(v, f"{where}.{f}")
    if m.timeout is not None and out["timeout"] <= 0:
        raise ConfigError(f"{where}.timeout: must be > 0")
    if m.throttle is not None:
        tm = re.match(r"^\s*(\d+)\s*/\s*(.+)$", m.throttle)
        if not tm:
            raise ConfigError(f'{where}.throttle: expected N/duration such as 10/1s, got "{m.throttle}"')
        out["throttle"] = (int(tm.group(1)), parse_duration(tm.group(2), f"{where}.throttle"))
    if m.priority is not None:
        p = m.priority
        if isinstance(p, str):
            if p not in PRIORITY_NAMES:
                raise ConfigError(f'{where}.priority: expected one of {", ".join(PRIORITY_NAMES)} or 0-100, got "{p}"')
            p = PRIORITY_NAMES[p]
        if not 0 <= p <= 100:
            raise ConfigError(f"{where}.priority: expected 0-100, got {p}")
        out["priority"] = p
    return Options(**out)


def _type_message(exc: msgspec.ValidationError, file: str, prefix: str) -> str:
    """msgspec says `Expected `int`, got `str` - at `$.modules.Trim.retry``; say it the cst.yaml way."""
    text = str(exc)
    m = re.match(r"^(.*?)(?: - at `\$\.?(.*)`)?$", text)
    msg, path = (m.group(1), m.group(2)) if m else (text, None)
    msg = re.sub(r"Expected `([^`]*)`", lambda g: "expected " + _EXPECTED.get(g.group(1), f"`{g.group(1)}`"), msg)
    msg = re.sub(r"got `(\w+)`", lambda g: f"got {_KIND.get(g.group(1), g.group(1))}", msg)
    msg = msg.replace("Object contains unknown field", "unknown key")
    if path:
        path = re.sub(r"\['([^']*)'\]", r".\1", path).lstrip(".")
    full = ".".join(p for p in (prefix, path or "") if p)
    return f"{file}: {full}: {msg}" if full else f"{file}: {msg}"


_EXPECTED = {
    "int": "an integer",
    "int | null": "an integer",
    "float": "a number",
    "float | str | null": "a duration (seconds, or text such as 2s)",
    "float | str": "a duration (seconds, or text such as 2s)",
    "int | str | null": "an integer or a name",
    "str": "text",
    "str | null": "text",
    "bool": "true or false",
    "bool | null": "true or false",
    "object": "a mapping",
    "object | null": "a mapping",
    "'fixed', 'linear', 'exponential'": "one of fixed, linear, exponential",
}
_KIND = {"str": "text", "int": "an integer", "float": "a number", "bool": "a boolean", "null": "null"}


def _got_value(data: Any, exc: msgspec.ValidationError) -> str | None:
    """The offending value, quoted, when the error path leads to one (for `got "x"`)."""
    m = re.search(r"at `\$(.*)`", str(exc))
    if not m:
        return None
    cur = data
    for part in re.findall(r"\.(\w[\w-]*)|\['([^']*)'\]|\[(\d+)\]", m.group(1)):
        key = part[0] or part[1]
        try:
            cur = cur[int(part[2])] if part[2] else cur[key]
        except (KeyError, IndexError, TypeError):
            return None
    return msgspec.json.encode(cur).decode() if isinstance(cur, (str, int, float, bool)) else None


def _convert(data: Any, into: type[Any], file: str, prefix: str) -> Any:
    try:
        return msgspec.convert(data, into, strict=True)
    except msgspec.ValidationError as exc:
        msg = _type_message(exc, file, prefix)
        got = _got_value(data, exc)
        if got is not None:
            msg = re.sub(r"got (text|an integer|a number|a boolean)$", f"got {got}", msg)
        raise ConfigError(msg) from None


def load_config(path: str | Path | None = None, *, cwd: str | Path | None = None) -> Config:
    """Read `path`, or `cst.yaml` in `cwd` (default: the working directory) when it exists; else defaults.

    Raises:
        ConfigError: the file cannot be read or is invalid (the message names the key's path).
    """
    if path is None:
        candidate = Path(cwd or ".") / CONFIG_NAME
        if not candidate.is_file():
            return Config()
        path = candidate
    import yaml  # only when there is a file to read: most runs have none

    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:  # one line, as load_prices says it (PyYAML's own text spans several)
        problem = getattr(exc, "problem", None) or "invalid syntax"
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise ConfigError(f"{file}: not valid YAML: {problem}{where}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{file}: expected a mapping at the top level")
    raw = _convert(data, _RawConfig, file, "")
    modules: dict[str, Options] = {}
    for name, body in raw.modules.items():
        mc = _convert(body if body is not None else {}, ModuleConfig, file, f"modules.{name}")
        modules[str(name)] = _module_options(str(name), mc, file)
    breaker_cooldown = parse_duration(raw.breaker.cooldown, f"{file}: breaker.cooldown")
    if raw.breaker.threshold < 1:
        raise ConfigError(f"{file}: breaker.threshold: expected an integer >= 1, got {raw.breaker.threshold}")
    for name, major in raw.pins.items():
        if not isinstance(major, int) or isinstance(major, bool) or major < 0:
            got = msgspec.json.encode(major).decode()
            raise ConfigError(f"{file}: pins.{name}: expected an integer, got {got} (a major version >= 0)")
    for name, price in raw.prices.items():
        if not isinstance(price, (int, float)) or isinstance(price, bool) or price < 0:
            got = msgspec.json.encode(price).decode()
            raise ConfigError(f"{file}: prices.{name}: expected a price in USD >= 0, got {got}")
    if raw.max_concurrency is not None and raw.max_concurrency < 1:
        raise ConfigError(f"{file}: max_concurrency: expected an integer >= 1, got {raw.max_concurrency}")
    return Config(
        modules=modules,
        breaker_threshold=raw.breaker.threshold,
        breaker_cooldown=breaker_cooldown,
        pins={str(k): int(v) for k, v in raw.pins.items()},
        cache_dir=raw.cache_dir,
        prices={str(k): float(v) for k, v in raw.prices.items()},
        max_concurrency=raw.max_concurrency,
        path=file,
    )
