"""cst.yaml: module defaults, breaker, pins, cache dir, prices; errors name the key's path."""

from __future__ import annotations

from pathlib import Path

import pytest

from cst_cli.runtime.config import Config, ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "cst.yaml"
    p.write_text(text)
    return p


def test_full_config(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        """
modules:
  Trim: {retry: 3, delay: 200ms, backoff: exponential, timeout: 2s, throttle: 10/1s, priority: high}
  stdlib.math.add: {cache: 10min, cache_backend: disk, on_error: skip, breaker_threshold: 2}
breaker: {threshold: 3, cooldown: 1min}
pins: {TextEmbedding: 1}
cache_dir: /tmp/c
prices: {Trim: 0.002}
max_concurrency: 8
""",
    )
    c = load_config(p)
    trim = c.modules["Trim"]
    assert (trim.retry, trim.delay, trim.backoff, trim.timeout, trim.throttle, trim.priority) == (
        3,
        0.2,
        "exponential",
        2.0,
        (10, 1.0),
        75,
    )
    add = c.modules["stdlib.math.add"]
    assert (add.cache, add.cache_backend, add.on_error, add.breaker_threshold) == (600.0, "disk", "skip", 2)
    assert (c.breaker_threshold, c.breaker_cooldown) == (3, 60.0)
    assert c.pins == {"TextEmbedding": 1} and c.cache_dir == "/tmp/c" and c.prices == {"Trim": 0.002}
    assert c.max_concurrency == 8


def test_missing_file_in_cwd_is_defaults(tmp_path: Path) -> None:
    assert load_config(cwd=tmp_path) == Config()
    write(tmp_path, "pins: {A: 2}\n")
    assert load_config(cwd=tmp_path).pins == {"A": 2}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("modules:\n  Trim:\n    retry: x\n", 'modules.Trim.retry: expected an integer, got "x"'),
        ("modulez: {}\n", "unknown key `modulez`"),
        ("modules:\n  Trim: {retri: 3}\n", "modules.Trim: unknown key `retri`"),
        ("modules:\n  Trim: {timeout: 2 parsecs}\n", "modules.Trim.timeout: expected a duration"),
        ("modules:\n  Trim: {timeout: 0}\n", "modules.Trim.timeout: must be > 0"),
        ("modules:\n  Trim: {throttle: lots}\n", "modules.Trim.throttle: expected N/duration"),
        ("breaker: {threshold: 0}\n", "breaker.threshold: expected an integer >= 1"),
        ("pins: {A: one}\n", 'pins.A: expected an integer, got "one"'),
        ("prices: {A: -1}\n", "prices.A: expected a price in USD >= 0, got -1"),
        ("- a list\n", "expected a mapping at the top level"),
        ("a: [\n", "not valid YAML"),
    ],
)
def test_errors_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert message in str(info.value)
    assert str(info.value).startswith(str(tmp_path / "cst.yaml"))
