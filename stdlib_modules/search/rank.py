"""Combining and reordering results: MergeResults (reciprocal rank fusion), FilterResults (price, category,
colour, brand), GetUserProfile and PersonalizedRerank (the user's preferences and history)."""

from __future__ import annotations

from typing import Any

import msgspec

from cst_cli.modules.api import module
from stdlib_modules.search._data import Catalog, load_catalog, load_users
from stdlib_modules.search._types import Filters, Product, SearchResult, UserProfile, as_struct, as_structs

RRF_K = 60  # the constant of Cormack et al. (2009): dampens the weight of the very top ranks

_TAGS = ("search", "ranking")


def rrf(*lists: list[SearchResult], k: int = RRF_K) -> list[SearchResult]:
    """Reciprocal rank fusion: each product scores sum(1 / (k + rank)) over the lists holding it (rank from 1).

    The first list's record is kept; `source` joins the sources that found it ("vector+keyword").
    Ties keep the order of first appearance.
    """
    scores: dict[str, float] = {}
    first: dict[str, SearchResult] = {}
    sources: dict[str, list[str]] = {}
    for results in lists:
        for rank, r in enumerate(results, start=1):
            scores[r.id] = scores.get(r.id, 0.0) + 1.0 / (k + rank)
            first.setdefault(r.id, r)
            have = sources.setdefault(r.id, [])
            for s in r.source.split("+"):
                if s and s not in have:
                    have.append(s)
    order = sorted(scores, key=lambda i: -scores[i])  # sorted() is stable: ties stay in first-seen order
    return [msgspec.structs.replace(first[i], score=round(scores[i], 6), source="+".join(sources[i])) for i in order]


@module(
    "MergeResults",
    description="Merge two result lists by reciprocal rank fusion (k=60)",
    tags=_TAGS,
    inline=True,
)
def merge_results(a: list[SearchResult], b: list[SearchResult]) -> list[SearchResult]:
    """Products of both lists, ranked by reciprocal rank fusion: found high in either, or in both, ranks high."""
    return rrf(as_structs(a, SearchResult), as_structs(b, SearchResult))


def _norm(text: str | None) -> str | None:
    return text.strip().lower() if text and text.strip() else None


def keep(r: SearchResult, f: Filters) -> bool:
    """Whether a result passes the filters (text comparisons ignore case)."""
    if f.min_price is not None and r.price < f.min_price:
        return False
    if f.max_price is not None and r.price > f.max_price:
        return False
    for want, have in ((f.category, r.category), (f.colour, r.colour), (f.brand, r.brand)):
        w = _norm(want)
        if w is not None and w != have.lower():
            return False
    return True


@module(
    "FilterResults",
    description="Keep the results within a price range and of a category, colour and brand (none: no limit)",
    tags=_TAGS,
    inline=True,
)
def filter_results(results: list[SearchResult], filters: Filters) -> list[SearchResult]:
    """The results that pass every filter given, in their order. A ParsedQuery is a valid `filters`."""
    f = as_struct(filters, Filters)
    return [r for r in as_structs(results, SearchResult) if keep(r, f)]


def guest(user_id: str) -> UserProfile:
    return UserProfile(
        id=user_id,
        preferred_categories=[],
        preferred_brands=[],
        preferred_colours=[],
        min_price=0.0,
        max_price=0.0,
        history=[],
    )


@module(
    "GetUserProfile",
    description="A user's preferences and history (an empty profile for an unknown user)",
    tags=("search", "personalization"),
    inline=True,
)
def get_user_profile(userId: str) -> UserProfile:
    return load_users().get(userId) or guest(userId)


# How much each kind of match with the profile adds to a result's relevance (which is in [0, 1]).
BOOST_BRAND = 0.12
BOOST_CATEGORY = 0.06
BOOST_COLOUR = 0.08
BOOST_PRICE = 0.05
BOOST_HISTORY = 0.06  # per product type and brand the user has looked at before
PENALTY_SEEN = 0.02  # a product already in the history moves down a little: show something new


_ids: dict[str, dict[str, Product]] = {}


def _by_id(catalog: Catalog) -> dict[str, Product]:
    found = _ids.get(catalog.digest)
    if found is None:
        found = {p.id: p for p in catalog.products}
        _ids.clear()
        _ids[catalog.digest] = found
    return found


def personalise(results: list[SearchResult], profile: UserProfile, limit: int) -> list[SearchResult]:
    """Rerank by relevance (the incoming scores over the best one, in [0, 1]) plus boosts for matches with the
    profile.

    With an empty profile the order is unchanged. `score` becomes the personalised score.
    """
    if not results:
        return []
    top = max(r.score for r in results)
    low = min(r.score for r in results)
    spread = top - low
    brands = {b.lower() for b in profile.preferred_brands}
    cats = {c.lower() for c in profile.preferred_categories}
    colours = {c.lower() for c in profile.preferred_colours}
    seen = set(profile.history)
    seen_kinds: set[tuple[str, str]] = set()
    if seen:
        by_id = _by_id(load_catalog())
        seen_kinds = {(by_id[i].category, by_id[i].brand) for i in seen if i in by_id}
    has_band = profile.max_price > profile.min_price
    scored: list[tuple[float, int, SearchResult]] = []
    for pos, r in enumerate(results):
        # scores on a ratio scale (RRF, BM25, cosines of similar texts) keep their ratios; others are min-max scaled
        ratio = low >= 0 and top > 0
        rel = r.score / top if ratio else ((r.score - low) / spread if spread > 0 else 1.0)
        rel *= 1.0 - 0.001 * pos / len(results)  # equal scores keep their incoming order
        boost = 0.0
        if r.brand.lower() in brands:
            boost += BOOST_BRAND
        if r.category.lower() in cats:
            boost += BOOST_CATEGORY
        if r.colour.lower() in colours:
            boost += BOOST_COLOUR
        if has_band and profile.min_price <= r.price <= profile.max_price:
            boost += BOOST_PRICE
        if (r.category, r.brand) in seen_kinds:
            boost += BOOST_HISTORY
        if r.id in seen:
            boost -= PENALTY_SEEN
        scored.append((rel + boost, pos, r))
    scored.sort(key=lambda t: (-t[0], t[1]))
    return [msgspec.structs.replace(r, score=round(s, 6)) for s, _, r in scored[: max(limit, 0)]]


@module(
    "PersonalizedRerank",
    description="Rerank results for a user (an id or a profile): preferred brands, categories, colours, budget",
    tags=("search", "personalization", "ranking"),
    inline=True,
)
def personalized_rerank(results: list[SearchResult], user: str | UserProfile, limit: int = 20) -> list[SearchResult]:
    """The best `limit` results for this user. `user` is a user id (its profile is looked up) or a profile
    from GetUserProfile, so both of the seed's forms work: `PersonalizedRerank(results, userId)` and
    `PersonalizedRerank(results, user_profile)`."""
    profile = get_user_profile(user) if isinstance(user, str) else _profile(user)
    return personalise(as_structs(results, SearchResult), profile, limit)


def _profile(value: Any) -> UserProfile:
    return as_struct(value, UserProfile)
