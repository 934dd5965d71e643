"""The LLM client against a stub server on loopback: success with token cost, HTTP 500, timeout, malformed
replies, no LLM configured; and the LLM query parser with its fallback to the rules."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from stdlib_modules.search import llm, query
from tests.search.llm_stub import StubLLM, running_stub


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[StubLLM]:
    with running_stub() as s:
        monkeypatch.setenv("CST_LLM_BASE_URL", s.base_url)
        monkeypatch.setenv("CST_LLM_MODEL", "stub-model")
        monkeypatch.setenv("CST_LLM_API_KEY", "sk-test")
        monkeypatch.setenv("CST_LLM_PRICE_INPUT_PER_1K", "0.5")
        monkeypatch.setenv("CST_LLM_PRICE_OUTPUT_PER_1K", "2.0")
        yield s


def test_complete_returns_the_reply_and_prices_its_tokens(stub: StubLLM) -> None:
    stub.content = "Paris"
    answer = llm.llm_complete("Capital of France?")
    assert answer == "Paris"
    # 120 prompt tokens at $0.5/1k + 30 completion tokens at $2/1k
    assert llm.cost_of(answer) == pytest.approx(0.06 + 0.06)
    assert llm.cost_of("a string no LLM call returned") == 0.0
    req = stub.requests[-1]
    assert req["path"] == "/v1/chat/completions"
    assert req["auth"] == "Bearer sk-test"
    assert req["body"]["model"] == "stub-model"
    assert req["body"]["messages"] == [{"role": "user", "content": "Capital of France?"}]


def test_the_cost_function_is_the_modules(stub: StubLLM) -> None:
    from cst_cli.modules.api import spec_of

    spec = spec_of(llm.llm_complete)
    assert spec is not None and spec.cost.per_call_fn is not None
    stub.content = "forty-two"
    assert spec.cost.per_call_fn(llm.llm_complete("?")) == pytest.approx(0.12)


def test_extract_returns_a_map_of_text(stub: StubLLM) -> None:
    stub.content = '```json\n{"city": "Paris", "population": 2100000, "tags": ["a"], "mayor": null}\n```'
    out = llm.llm_extract("Paris has 2.1M people", "city, population, tags, mayor")
    assert out == {"city": "Paris", "population": "2100000", "tags": '["a"]'}
    assert llm.cost_of(out) == pytest.approx(0.12)
    assert stub.requests[-1]["body"]["response_format"] == {"type": "json_object"}


def test_http_500_raises(stub: StubLLM) -> None:
    stub.mode = "http500"
    with pytest.raises(llm.LLMError, match="HTTP 500"):
        llm.llm_complete("hi")


def test_a_slow_server_times_out(stub: StubLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    stub.mode, stub.delay = "slow", 1.0
    monkeypatch.setenv("CST_LLM_TIMEOUT", "0.2")
    started = time.monotonic()
    with pytest.raises(llm.LLMError, match=r"timed out after 0\.2s"):
        llm.llm_complete("hi")
    assert time.monotonic() - started < 0.95  # the 0.2 s timeout fired, not the server's 1 s delay


@pytest.mark.parametrize("mode", ["bad-body", "no-choices"])
def test_malformed_replies_raise(stub: StubLLM, mode: str) -> None:
    stub.mode = mode
    with pytest.raises(llm.LLMError, match="malformed LLM reply"):
        llm.llm_complete("hi")


def test_extract_refuses_a_reply_that_is_not_a_json_object(stub: StubLLM) -> None:
    stub.content = "Sure! The city is Paris."
    with pytest.raises(llm.LLMError, match="valid JSON"):
        llm.llm_extract("Paris", "city")
    stub.content = "[1, 2]"
    with pytest.raises(llm.LLMError, match="not an object"):
        llm.llm_extract("Paris", "city")


def test_an_unreachable_server_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    with running_stub() as s:
        url = s.base_url
    monkeypatch.setenv("CST_LLM_BASE_URL", url)  # closed: nothing listens there any more
    with pytest.raises(llm.LLMError, match="LLM call failed"):
        llm.llm_complete("hi")


def test_no_llm_configured_fails_at_once() -> None:
    started = time.monotonic()
    with pytest.raises(llm.LLMNotConfigured, match=r"no LLM configured \(set CST_LLM_BASE_URL"):
        llm.llm_complete("hi")
    with pytest.raises(llm.LLMNotConfigured):
        query.llm_query_parser("red dress")
    assert time.monotonic() - started < 2.0  # nothing is waited for (the timeout would be 30 s); room for load


def test_openai_variables_are_a_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    cfg = llm.config_from_env()
    assert (cfg.base_url, cfg.api_key, cfg.model) == (llm.DEFAULT_OPENAI_URL, "sk-openai", llm.DEFAULT_MODEL)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1/")
    monkeypatch.setenv("CST_LLM_MODEL", "llama3")
    cfg = llm.config_from_env()
    assert (cfg.base_url, cfg.model) == ("http://127.0.0.1:9/v1", "llama3")
    monkeypatch.setenv("CST_LLM_TIMEOUT", "soon")
    with pytest.raises(llm.LLMError, match="CST_LLM_TIMEOUT must be a number"):
        llm.config_from_env()


# --------------------------------------------------------------------------------------- the query parsers


def test_the_llm_parser_validates_the_reply(stub: StubLLM, data_dir: Path) -> None:
    stub.content = json.dumps(
        {"text": "dress", "category": "dresses", "colour": "Red", "brand": None, "min_price": None, "max_price": "$100"}
    )
    p = query.llm_query_parser("cheap red dress for a wedding, max 100")
    assert (p.text, p.category, p.colour, p.brand, p.min_price, p.max_price) == (
        "dress",
        "Dresses",
        "red",
        None,
        None,
        100.0,
    )
    assert p.parser == "llm:stub-model"
    assert p.entities == {"category": "Dresses", "colour": "red", "max_price": "100"}
    assert llm.cost_of(p) == pytest.approx(0.12)
    system = stub.requests[-1]["body"]["messages"][0]["content"]
    assert "JSON" in system


def test_unknown_categories_and_colours_are_dropped(stub: StubLLM) -> None:
    stub.content = json.dumps({"text": "x", "category": "Spaceships", "colour": "ultraviolet"})
    p = query.llm_query_parser("x")
    assert (p.category, p.colour) == (None, None)


@pytest.mark.parametrize(
    "content",
    ["not json at all", '{"max_price": "cheap"}', '{"max_price": -5}', '{"brand": 7}', '["a"]'],
)
def test_the_llm_parser_raises_on_a_bad_reply(stub: StubLLM, content: str) -> None:
    stub.content = content
    with pytest.raises(llm.LLMError):
        query.llm_query_parser("red dress")


def test_query_parser_falls_back_to_the_rules_when_the_llm_fails(stub: StubLLM, data_dir: Path) -> None:
    stub.content = "I think you want a red dress!"
    p = query.query_parser("red dress under $100")
    assert p.parser.startswith("rules (llm failed: the LLM did not reply with valid JSON")
    assert (p.colour, p.max_price) == ("red", 100.0)
    stub.content = json.dumps({"text": "red dress", "colour": "red", "max_price": 100})
    assert query.query_parser("red dress under $100").parser == "llm:stub-model"
