"""LLMComplete and LLMExtract: a small client for OpenAI-compatible chat-completions endpoints (OpenAI,
Ollama, llama.cpp's server, vLLM, ...), through httpx.

Configuration comes from the environment: `CST_LLM_BASE_URL` (e.g. `http://127.0.0.1:11434/v1`),
`CST_LLM_MODEL`, `CST_LLM_API_KEY`, with `OPENAI_BASE_URL`, `OPENAI_MODEL`, `OPENAI_API_KEY` as fallbacks;
`CST_LLM_TIMEOUT` (seconds, default 30); prices `CST_LLM_PRICE_INPUT_PER_1K` / `CST_LLM_PRICE_OUTPUT_PER_1K`
(USD per 1,000 tokens). With nothing configured every call fails at once with LLMNotConfigured, so a
pipeline's `fallback:` or `on_error:` takes over without waiting. Every failure (HTTP error, timeout,
malformed reply) raises LLMError: the runner's `retry`, `fallback` and `on_error` apply to it.
httpx is imported inside the functions: loading the registry must stay fast.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections import OrderedDict
from typing import Any

import msgspec

from cst_cli.modules.api import Cost, Options, module

DEFAULT_OPENAI_URL = "https://api.openai.com/v1"
DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_PRICE_INPUT_PER_1K = 0.00015
DEFAULT_PRICE_OUTPUT_PER_1K = 0.0006


class LLMError(RuntimeError):
    """A chat-completions call failed: HTTP error, timeout, unreachable server or a malformed reply."""


class LLMNotConfigured(LLMError):
    """No endpoint is configured."""


class LLMConfig(msgspec.Struct, frozen=True, kw_only=True):
    base_url: str
    model: str
    api_key: str | None
    timeout: float
    price_input_per_1k: float
    price_output_per_1k: float


class Usage(msgspec.Struct, frozen=True, kw_only=True):
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def cost(self, config: LLMConfig) -> float:
        return (
            self.prompt_tokens * config.price_input_per_1k + self.completion_tokens * config.price_output_per_1k
        ) / 1000.0


def _float_env(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        raise LLMError(f"{name} must be a number, got {raw!r}") from None


def config_from_env() -> LLMConfig:
    """The endpoint configured in the environment.

    Raises:
        LLMNotConfigured: neither CST_LLM_BASE_URL nor OPENAI_BASE_URL nor OPENAI_API_KEY is set.
    """
    env = os.environ
    base = env.get("CST_LLM_BASE_URL") or env.get("OPENAI_BASE_URL")
    key = env.get("CST_LLM_API_KEY") or env.get("OPENAI_API_KEY") or None
    if not base:
        if not key:
            raise LLMNotConfigured("no LLM configured (set CST_LLM_BASE_URL, and CST_LLM_MODEL)")
        base = DEFAULT_OPENAI_URL
    return LLMConfig(
        base_url=base.rstrip("/"),
        model=env.get("CST_LLM_MODEL") or env.get("OPENAI_MODEL") or DEFAULT_MODEL,
        api_key=key,
        timeout=_float_env("CST_LLM_TIMEOUT", 30.0),
        price_input_per_1k=_float_env("CST_LLM_PRICE_INPUT_PER_1K", DEFAULT_PRICE_INPUT_PER_1K),
        price_output_per_1k=_float_env("CST_LLM_PRICE_OUTPUT_PER_1K", DEFAULT_PRICE_OUTPUT_PER_1K),
    )


# ---------------------------------------------------------------------------------------------- usage ledger
# A module's cost function sees only its result, and the runner may hand it a copy (a Struct becomes a dict).
# So what each LLM result cost is remembered here under the result's canonical JSON: `Cost(per_call_fn=
# cost_of)` then prices the call that produced it. Two calls with the same result share one entry (the
# latest cost), which is near enough for reports.

_ledger_lock = threading.Lock()
_ledger: OrderedDict[bytes, float] = OrderedDict()
LEDGER_SIZE = 4096


def _ledger_key(result: object) -> bytes | None:
    try:
        return msgspec.json.encode(result, order="sorted")
    except (TypeError, msgspec.EncodeError):
        return None


def record_cost(result: object, usd: float) -> None:
    key = _ledger_key(result)
    if key is None:
        return
    with _ledger_lock:
        _ledger[key] = usd
        _ledger.move_to_end(key)
        while len(_ledger) > LEDGER_SIZE:
            _ledger.popitem(last=False)


def cost_of(result: object) -> float:
    """What the LLM call that returned `result` cost in USD (0 for a result no LLM call produced)."""
    key = _ledger_key(result)
    if key is None:
        return 0.0
    with _ledger_lock:
        return _ledger.get(key, 0.0)


# ------------------------------------------------------------------------------------------------- client

_clients: dict[tuple[str, float], Any] = {}
_clients_lock = threading.Lock()


def _client(config: LLMConfig) -> Any:
    import httpx

    key = (config.base_url, config.timeout)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            client = httpx.Client(base_url=config.base_url, timeout=config.timeout, trust_env=False)
            _clients[key] = client
        return client


class Reply(msgspec.Struct, frozen=True, kw_only=True):
    text: str
    usage: Usage
    model: str
    cost: float


def chat(messages: list[dict[str, str]], config: LLMConfig | None = None, *, json_mode: bool = False) -> Reply:
    """One chat-completions call.

    Raises:
        LLMNotConfigured: nothing configured.
        LLMError: the server could not be reached, timed out, answered an HTTP error or a malformed body.
    """
    import httpx

    cfg = config or config_from_env()
    body: dict[str, Any] = {"model": cfg.model, "messages": messages, "temperature": 0}
    if json_mode:
        body["response_format"] = {"type": "json_object"}
    headers = {"Authorization": f"Bearer {cfg.api_key}"} if cfg.api_key else {}
    try:
        resp = _client(cfg).post("/chat/completions", json=body, headers=headers)
    except httpx.TimeoutException as exc:
        raise LLMError(f"LLM call timed out after {cfg.timeout:g}s ({cfg.base_url})") from exc
    except httpx.HTTPError as exc:
        raise LLMError(f"LLM call failed: {type(exc).__name__}: {exc} ({cfg.base_url})") from exc
    if resp.status_code != 200:
        raise LLMError(f"LLM call failed: HTTP {resp.status_code}: {resp.text[:200]}")
    try:
        data = resp.json()
        content = data["choices"][0]["message"]["content"]
        if not isinstance(content, str):
            raise TypeError("content is not a string")
        raw_usage = data.get("usage") or {}
        usage = Usage(
            prompt_tokens=int(raw_usage.get("prompt_tokens") or 0),
            completion_tokens=int(raw_usage.get("completion_tokens") or 0),
        )
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        raise LLMError(f"malformed LLM reply: {type(exc).__name__}: {exc}: {resp.text[:200]!r}") from exc
    return Reply(text=content, usage=usage, model=str(data.get("model") or cfg.model), cost=usage.cost(cfg))


_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)


def parse_json_object(text: str) -> dict[str, Any]:
    """The JSON object in a model's reply (a ```json fence around it is fine).

    Raises:
        LLMError: the reply is not a JSON object.
    """
    stripped = text.strip()
    m = _FENCE.match(stripped)
    if m:
        stripped = m.group(1)
    try:
        value = json.loads(stripped)
    except ValueError as exc:
        raise LLMError(f"the LLM did not reply with valid JSON: {exc}: {text[:200]!r}") from exc
    if not isinstance(value, dict):
        raise LLMError(f"the LLM replied with JSON that is not an object: {text[:200]!r}")
    return value


def _as_text(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v) if isinstance(v, float) else str(v)
    return json.dumps(v, ensure_ascii=False)


_LLM_TAGS = ("llm", "nlp")


@module(
    "LLMComplete",
    description="Ask an OpenAI-compatible chat model (CST_LLM_BASE_URL, CST_LLM_MODEL) and return its answer",
    tags=_LLM_TAGS,
    defaults=Options(timeout=60.0),
    cost=Cost(per_call_fn=cost_of, unit="tokens"),
)
def llm_complete(prompt: str) -> str:
    """The model's reply to `prompt`; the call's cost is its tokens times the configured prices.

    Raises:
        LLMNotConfigured: no LLM configured.
        LLMError: HTTP error, timeout or malformed reply.
    """
    reply = chat([{"role": "user", "content": prompt}])
    record_cost(reply.text, reply.cost)
    return reply.text


EXTRACT_SYSTEM = (
    "You extract structured data. Reply with one JSON object only, no prose, no code fence. "
    "Use the keys the instruction asks for; use null when a value is absent."
)


@module(
    "LLMExtract",
    description="Extract fields from text with an LLM, as a Map of strings (the reply must be a JSON object)",
    tags=_LLM_TAGS,
    defaults=Options(timeout=60.0),
    cost=Cost(per_call_fn=cost_of, unit="tokens"),
)
def llm_extract(text: str, instruction: str) -> dict[str, str]:
    """The fields the instruction asks for, found in `text`; values as text (numbers as digits, lists and
    objects as JSON), absent (null) values left out.

    Raises:
        LLMNotConfigured: no LLM configured.
        LLMError: HTTP error, timeout, or a reply that is not a JSON object.
    """
    reply = chat(
        [
            {"role": "system", "content": EXTRACT_SYSTEM},
            {"role": "user", "content": f"Instruction: {instruction}\n\nText: {text}"},
        ],
        json_mode=True,
    )
    obj = parse_json_object(reply.text)
    out = {str(k): _as_text(v) for k, v in obj.items() if v is not None}
    record_cost(out, reply.cost)
    return out
