"""Caching the answers for the short strings reports repeat (labels, table lines), never for prose."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import TypeVar

T = TypeVar("T")


def short_string_cache(maxsize: int, longest: int = 120) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """An lru_cache keyed on the first (string) argument, skipped for strings longer than `longest`.

    Table lines and labels recur across thousands of reports; prose lines are unique, and caching them
    would only make memory grow with the corpus.
    """
    def decorate(function: Callable[..., T]) -> Callable[..., T]:
        cached = lru_cache(maxsize=maxsize)(function)

        @wraps(function)
        def call(text: str, *rest):
            return cached(text, *rest) if len(text) <= longest else function(text, *rest)

        call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return call

    return decorate
