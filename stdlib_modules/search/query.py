"""Query understanding: RuleQueryParser (prices, colours, categories, brands, by rules), LLMQueryParser (an
LLM asked for the same JSON, validated), and QueryParser, the seed's module: the LLM when one is
configured, the rules when it is not or when it fails.

A pipeline shows the fallback in its trace by writing it out:
`parsed = LLMQueryParser(query) with timeout: 2s, fallback: RuleQueryParser(query)`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import msgspec

from cst_cli.modules.api import Cost, Options, module
from stdlib_modules.search import llm
from stdlib_modules.search._data import load_catalog
from stdlib_modules.search._types import ParsedQuery

_TAGS = ("search", "nlp")

COLOURS: dict[str, tuple[str, ...]] = {
    "red": ("red", "crimson", "burgundy", "scarlet", "wine", "maroon", "cherry"),
    "blue": ("blue", "navy", "cobalt", "sky blue", "indigo", "denim blue", "royal blue"),
    "black": ("black", "jet black", "onyx", "ebony"),
    "white": ("white", "ivory", "snow white", "off-white", "off white"),
    "grey": ("grey", "gray", "charcoal", "slate", "ash grey", "graphite"),
    "green": ("green", "olive", "sage", "emerald", "forest green", "khaki green"),
    "beige": ("beige", "sand", "cream", "oatmeal", "taupe", "nude"),
    "brown": ("brown", "cognac", "chocolate", "tan", "camel", "walnut brown"),
    "pink": ("pink", "blush", "rose", "fuchsia", "magenta"),
    "yellow": ("yellow", "mustard", "lemon"),
    "orange": ("orange", "rust", "terracotta", "coral"),
    "purple": ("purple", "lavender", "plum", "violet", "lilac"),
    "silver": ("silver", "platinum"),
    "gold": ("gold", "golden", "champagne"),
}
"""Colour families and the shade words that belong to them (a shop's usual colour facet)."""

CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "Sofas": ("sofa", "couch", "loveseat", "settee", "sectional", "sofa bed"),
    "Chairs": ("chair", "armchair", "recliner", "office chair", "stool"),
    "Tables": ("table", "coffee table", "dining table", "desk", "nightstand", "side table"),
    "Beds": ("bed", "mattress", "bed frame", "bunk bed"),
    "Lighting": ("lamp", "lighting", "floor lamp", "desk lamp", "pendant light", "ceiling light", "chandelier"),
    "Dresses": ("dress", "gown"),
    "Tops": ("t-shirt", "tshirt", "tee", "blouse", "sweater", "jumper", "hoodie", "sweatshirt", "pullover"),
    "Outerwear": ("jacket", "coat", "parka", "raincoat", "blazer", "anorak"),
    "Trousers": ("jeans", "trousers", "pants", "chinos", "leggings"),
    "Shoes": ("shoes", "sneakers", "trainers", "boots", "sandals", "loafers", "heels"),
    "Bags": ("bag", "backpack", "rucksack", "handbag", "purse", "tote", "suitcase", "luggage", "duffel bag"),
    "Laptops": ("laptop", "notebook computer", "ultrabook"),
    "Phones": ("phone", "smartphone", "cell phone", "mobile phone", "cellphone"),
    "Headphones": ("headphones", "earbuds", "earphones", "headset"),
    "TVs": ("tv", "television", "oled tv", "smart tv"),
    "Cameras": ("camera", "dslr", "mirrorless camera"),
    "Wearables": ("smartwatch", "smart watch", "fitness tracker"),
    "Speakers": ("speaker", "soundbar", "bluetooth speaker"),
    "Kitchen Appliances": ("blender", "toaster", "kettle", "air fryer", "espresso machine", "coffee machine"),
    "Cookware": ("pan", "frying pan", "saucepan", "skillet", "pot", "dutch oven", "knife set"),
    "Fitness": ("yoga mat", "dumbbells", "dumbbell", "kettlebell", "treadmill", "exercise bike"),
    "Outdoor": ("tent", "sleeping bag", "camping stove", "headlamp", "head torch"),
    "Bicycles": ("bike", "bicycle", "e-bike", "ebike", "mountain bike", "road bike"),
}
"""Words that name a category (a shop's usual category dictionary); the longest phrase in the query wins."""

_NUM = r"\$?\s*(\d[\d,]*(?:\.\d+)?)\s*(k\b)?"
_BETWEEN = re.compile(rf"\b(?:between|from)\s+{_NUM}\s*(?:and|to|-)\s*{_NUM}")
_RANGE = re.compile(rf"\$\s*(\d[\d,]*(?:\.\d+)?)\s*(k\b)?\s*(?:-|to)\s*{_NUM}")
_MAX = re.compile(
    rf"\b(?:under|below|less than|cheaper than|up to|at most|no more than|max(?:imum)?|within)\s+{_NUM}|<\s*{_NUM}"
)
_MIN = re.compile(rf"\b(?:over|above|more than|at least|min(?:imum)?|starting at)\s+{_NUM}|>\s*{_NUM}")


def _amount(digits: str | None, k: str | None) -> float | None:
    if digits is None:
        return None
    value = float(digits.replace(",", ""))
    return value * 1000 if k else value


def _pair(groups: tuple[str | None, ...]) -> float | None:
    """The first amount among (digits, k, digits, k, ...) groups."""
    for i in range(0, len(groups), 2):
        if groups[i] is not None:
            return _amount(groups[i], groups[i + 1])
    return None


@lru_cache(maxsize=1)
def _phrase_table() -> tuple[tuple[str, str, str], ...]:
    """(phrase, kind, value), longest phrases first: kind is colour, category or brand."""
    rows: list[tuple[str, str, str]] = []
    for family, shades in COLOURS.items():
        rows.extend((s, "colour", family) for s in shades)
    for cat, words in CATEGORY_WORDS.items():
        for w in words:
            rows.append((w, "category", cat))
            if not w.endswith("s"):
                rows.append((w + "s", "category", cat))
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


@lru_cache(maxsize=8)
def _brands(digest: str) -> tuple[str, ...]:
    cat = load_catalog()
    return tuple(sorted({p.brand for p in cat.products}, key=lambda b: -len(b)))


def _find_phrase(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", text) is not None


def parse_rules(query: str, brands: tuple[str, ...] | None = None) -> ParsedQuery:
    """The rule-based parse of a query (see RuleQueryParser)."""
    low = " ".join(query.lower().split())
    min_price: float | None = None
    max_price: float | None = None
    spans: list[tuple[int, int]] = []
    m = _BETWEEN.search(low) or _RANGE.search(low)
    if m:
        g = m.groups()
        min_price, max_price = _amount(g[0], g[1]), _amount(g[2], g[3])
        spans.append(m.span())
    else:
        if mx := _MAX.search(low):
            max_price = _pair(mx.groups())
            spans.append(mx.span())
        if mn := _MIN.search(low):
            min_price = _pair(mn.groups())
            spans.append(mn.span())
    if min_price is not None and max_price is not None and min_price > max_price:
        min_price, max_price = max_price, min_price
    text = low
    for a, b in sorted(spans, reverse=True):
        text = text[:a] + " " + text[b:]
    text = " ".join(text.split())

    found: dict[str, str] = {}
    for phrase, kind, value in _phrase_table():
        if kind not in found and _find_phrase(text, phrase):
            found[kind] = value
    if brands is None:
        try:
            cat = load_catalog()
            brands = _brands(cat.digest)
        except Exception:  # no catalog: parse without brands
            brands = ()
    brand = next((b for b in brands if _find_phrase(text, b.lower())), None)

    entities: dict[str, str] = {k: v for k, v in found.items()}
    if brand:
        entities["brand"] = brand
    if min_price is not None:
        entities["min_price"] = f"{min_price:g}"
    if max_price is not None:
        entities["max_price"] = f"{max_price:g}"
    return ParsedQuery(
        text=text or low,
        intent="product_search",
        entities=entities,
        min_price=min_price,
        max_price=max_price,
        category=found.get("category"),
        colour=found.get("colour"),
        brand=brand,
        parser="rules",
    )


@module(
    "RuleQueryParser",
    description="Parse a search query by rules: price limits, colour, category and brand",
    tags=_TAGS,
    inline=True,
)
def rule_query_parser(query: str) -> ParsedQuery:
    """Understands "under $500", "below 100", "over 50", "between $20 and $50", "$20-$50", "1.5k"; colour
    words and shades ("burgundy" is red); category words ("couch" is Sofas); the catalog's brand names. The
    `text` is the query without its price phrases."""
    return parse_rules(query)


LLM_INSTRUCTION = (
    "Extract the shopping intent of the search query as JSON with keys: "
    '"text" (the product being searched for, without price limits), '
    '"category" (one of: {categories}; or null), '
    '"colour" (one of: {colours}; or null), '
    '"brand" (a brand name or null), "min_price" (number or null), "max_price" (number or null).'
)


def _opt_number(obj: dict[str, Any], key: str) -> float | None:
    v = obj.get(key)
    if v is None or v == "":
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        raise llm.LLMError(f"the LLM's {key} is not a number: {v!r}")
    try:
        f = float(str(v).replace("$", "").replace(",", ""))
    except ValueError:
        raise llm.LLMError(f"the LLM's {key} is not a number: {v!r}") from None
    if f < 0:
        raise llm.LLMError(f"the LLM's {key} is negative: {v!r}")
    return f


def _opt_choice(obj: dict[str, Any], key: str, choices: list[str]) -> str | None:
    v = obj.get(key)
    if v is None or v == "":
        return None
    if not isinstance(v, str):
        raise llm.LLMError(f"the LLM's {key} is not a string: {v!r}")
    by_lower = {c.lower(): c for c in choices}
    return by_lower.get(v.strip().lower())  # an unknown category or colour is dropped, not trusted


def validate_llm_parse(query: str, obj: dict[str, Any], model: str) -> ParsedQuery:
    """A ParsedQuery from the LLM's JSON object, with every field checked.

    Raises:
        LLMError: a field has the wrong type.
    """
    text = obj.get("text")
    if text is not None and not isinstance(text, str):
        raise llm.LLMError(f"the LLM's text is not a string: {text!r}")
    category = _opt_choice(obj, "category", list(CATEGORY_WORDS))
    colour = _opt_choice(obj, "colour", list(COLOURS))
    brand_raw = obj.get("brand")
    if brand_raw is not None and not isinstance(brand_raw, str):
        raise llm.LLMError(f"the LLM's brand is not a string: {brand_raw!r}")
    brand = (brand_raw.strip() or None) if isinstance(brand_raw, str) else None
    min_price, max_price = _opt_number(obj, "min_price"), _opt_number(obj, "max_price")
    entities = {
        k: v
        for k, v in (
            ("category", category),
            ("colour", colour),
            ("brand", brand),
            ("min_price", None if min_price is None else f"{min_price:g}"),
            ("max_price", None if max_price is None else f"{max_price:g}"),
        )
        if v is not None
    }
    return ParsedQuery(
        text=(text or query).strip() or query,
        intent="product_search",
        entities=entities,
        min_price=min_price,
        max_price=max_price,
        category=category,
        colour=colour,
        brand=brand,
        parser=f"llm:{model}",
    )


def parse_llm(query: str, timeout: float | None = None) -> ParsedQuery:
    """Ask the configured LLM to parse the query (`timeout` caps the configured one).

    Raises:
        LLMNotConfigured: no LLM configured.
        LLMError: the call failed, or the reply is not the JSON asked for.
    """
    instruction = LLM_INSTRUCTION.format(categories=", ".join(CATEGORY_WORDS), colours=", ".join(COLOURS))
    config = llm.config_from_env()
    if timeout is not None and timeout < config.timeout:
        config = msgspec.structs.replace(config, timeout=timeout)
    reply = llm.chat(
        [
            {"role": "system", "content": llm.EXTRACT_SYSTEM},
            {"role": "user", "content": f"Instruction: {instruction}\n\nSearch query: {query}"},
        ],
        config,
        json_mode=True,
    )
    parsed = validate_llm_parse(query, llm.parse_json_object(reply.text), reply.model)
    llm.record_cost(parsed, reply.cost)
    return parsed


@module(
    "LLMQueryParser",
    description="Parse a search query with the configured LLM (fails when none is configured or it misbehaves)",
    tags=(*_TAGS, "llm"),
    defaults=Options(timeout=10.0),
    cost=Cost(per_call_fn=llm.cost_of, unit="tokens"),
)
def llm_query_parser(query: str) -> ParsedQuery:
    """Raises:
    LLMNotConfigured: no LLM configured (set CST_LLM_BASE_URL).
    LLMError: HTTP error, timeout, invalid JSON or fields of the wrong type.
    """
    return parse_llm(query)


QUERY_PARSER_LLM_TIMEOUT = 2.0  # seconds: the seed's QueryParser gives the LLM 2 s before using the rules


@module(
    "QueryParser",
    description="Parse a search query: the LLM when configured, else (or when it fails) the rules",
    tags=(*_TAGS, "llm"),
    cost=Cost(per_call_fn=llm.cost_of, unit="tokens"),
)
def query_parser(query: str) -> ParsedQuery:
    """The seed's QueryParser, fallback inside: `parser` says which one answered ("llm:<model>", "rules", or
    "rules (llm failed: ...)"). To see the fallback in a run's trace instead, write it in the pipeline with
    LLMQueryParser and RuleQueryParser."""
    try:
        return parse_llm(query, timeout=QUERY_PARSER_LLM_TIMEOUT)
    except llm.LLMNotConfigured:
        return parse_rules(query)
    except llm.LLMError as exc:
        return msgspec.structs.replace(parse_rules(query), parser=f"rules (llm failed: {exc})"[:200])
