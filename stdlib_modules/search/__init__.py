"""The search engine of the seed's case study, real and offline: embeddings, vector and keyword search,
fusion, filters, personalisation, query parsing and an LLM client.

Registered through its own entry point (`search = stdlib_modules.search`). Importing it is cheap: numpy,
httpx and sqlite indexes are touched only when a module runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stdlib_modules.search.embedding import text_embedding_v1
from stdlib_modules.search.keyword import keyword_search
from stdlib_modules.search.llm import llm_complete, llm_extract
from stdlib_modules.search.query import llm_query_parser, query_parser, rule_query_parser
from stdlib_modules.search.rank import (
    filter_results,
    get_user_profile,
    merge_results,
    personalized_rerank,
)
from stdlib_modules.search.vector import vector_search

__cst_modules__: list[Callable[..., Any]] = [
    text_embedding_v1,
    vector_search,
    keyword_search,
    merge_results,
    filter_results,
    get_user_profile,
    personalized_rerank,
    rule_query_parser,
    llm_query_parser,
    query_parser,
    llm_complete,
    llm_extract,
]
