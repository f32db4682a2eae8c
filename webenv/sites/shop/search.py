"""Catalogue search as Magento does it: words reduced to their stems, matched against a product's name, colour
and description, and ranked by relevance (name matches above description matches).

A shopper types "office chairs", "noise cancelling headphones" or "running shoe" and expects the same products
as "office chair", "noise canceling headphone" or "running shoes". Every query word (except filler words such as
"for" or "the") must match a word of the product — every word, as Magento's default AND search requires —
after both sides are stemmed by `stem`, a small deterministic suffix stripper (no dictionary, no dependency):
it only has to map the forms of one word to one key, the same way on both sides.

The storefront's listings and the task generators call `match_scores` through `queries.find_products`, so a
task's expected result set is exactly what the search page shows.
"""

from __future__ import annotations

import re
import sqlite3
from functools import lru_cache

STOP_WORDS = frozenset({"a", "an", "and", "the", "for", "of", "with", "to", "in", "on", "by", "or", "at"})
NAME_WEIGHT = 10          # a query word found in the product name
DESCRIPTION_WEIGHT = 1    # ... found only in the description
PHRASE_BONUS = 5          # the query's words appear together, in order, in the name
_WORD = re.compile(r"[a-z0-9]+")
_VOWEL = re.compile(r"[aeiouy]")


def words(text: str) -> list[str]:
    """Lower-case alphanumeric words; an apostrophe joins its word ("L'Oreal" -> "loreal", "men's" -> "mens")."""
    return _WORD.findall(text.lower().replace("'", "").replace("’", ""))


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """One key for the inflected forms of a word: plurals (-s, -es, -ies), -ing, -ed, doubled final consonants
    and a final -e are stripped ("chairs", "chair" -> "chair"; "cancelling", "canceled" -> "cancel";
    "sizing", "sizes" -> "siz"). Numbers and short words are kept as they are."""
    if word.isdigit() or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("sses", "shes", "ches", "xes", "zes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        base = word[: -len(suffix)]
        if word.endswith(suffix) and len(base) >= 3 and _VOWEL.search(base):
            word = base
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
                word = word[:-1]  # "running" -> "run", "shipped" -> "ship"
            elif len(word) > 3 and word[-1] == word[-2] == "l":
                word = word[:-1]  # "cancelling" -> "cancel"
            break
    if len(word) > 3 and word.endswith("e") and not word.endswith("ee"):
        word = word[:-1]
    return word


def query_stems(query: str) -> list[str]:
    """The stems a query asks for, in order, without filler words (unless the query is nothing but them)."""
    found = words(query)
    kept = [w for w in found if w not in STOP_WORDS] or found
    return list(dict.fromkeys(stem(w) for w in kept))


def _stems(text: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in words(text))


def score(query: list[str], name: str, color: str | None, description: str) -> int:
    """How well a product matches the query's stems; 0 when some stem matches nothing."""
    if not query:
        return 0
    in_name = _stems(f"{name} {color or ''}")
    in_text = set(_stems(description))
    name_set = set(in_name)
    total = 0
    for key in query:
        if key in name_set:
            total += NAME_WEIGHT
        elif key in in_text:
            total += DESCRIPTION_WEIGHT
        else:
            return 0
    if len(query) > 1 and _contains_run(in_name, query):
        total += PHRASE_BONUS
    return total


def _contains_run(sequence: tuple[str, ...], run: list[str]) -> bool:
    width = len(run)
    return any(list(sequence[i:i + width]) == run for i in range(len(sequence) - width + 1))


def match_scores(conn: sqlite3.Connection, query: str) -> dict[int, int]:
    """Enabled products matching every word of the query, by id, with their relevance score."""
    wanted = query_stems(query)
    if not wanted:
        return {}
    scores = {}
    for row in conn.execute("SELECT id, name, color, description FROM products WHERE enabled = 1"):
        value = score(wanted, row[1], row[2], row[3])
        if value:
            scores[int(row[0])] = value
    return scores
