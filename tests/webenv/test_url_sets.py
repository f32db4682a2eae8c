"""Strict url_match, generated from the suite: for every gold page of every embedded url task, equivalent URLs of
the same listing pass and wrong pages fail — the families that "GOLD in PRED" got wrong (issue 7: 23 of 23 wrong
pages accepted, among them `price=0-300` for `price=0-30`, `state=closed` added, an extra filter, a longer search
term; and a correct equivalent listing rejected)."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

import pytest

from webenv.evaluators import match_url
from webenv.tasks.config import KNOWN_PLACEHOLDERS, substitute
from webenv.tasks.suite import load_suite
from webenv.url_sets import UrlPage, match_page, page, pages_from_json

pytestmark = pytest.mark.unit

SITES = {placeholder: f"http://127.0.0.1:{9000 + i}" for i, placeholder in enumerate(sorted(KNOWN_PLACEHOLDERS))}


def resolve(text: str) -> str:
    return substitute(text, SITES)


def gold_pages() -> list[tuple[int, UrlPage]]:
    found = [(task.task_id, gold) for task in load_suite() for gold in task.config.eval.acceptable_urls]
    assert len({task_id for task_id, _ in found}) >= 45, "every embedded url task has strict gold pages"
    return found


def _with(url: str, *, path: str | None = None, pairs: list[tuple[str, str]] | None = None,
          fragment: str = "", encode_space: str = "+") -> str:
    parts = urlsplit(url)
    query = urlencode(pairs if pairs is not None else parse_qsl(parts.query, keep_blank_values=True),
                      quote_via=quote if encode_space == "%20" else quote_plus)
    return urlunsplit((parts.scheme, parts.netloc, parts.path if path is None else path, query, fragment))


def equivalents(gold: UrlPage) -> list[str]:
    """URLs of the same page that a site can show or an agent can reach."""
    url = resolve(gold.url)
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    same = [url, _with(url, pairs=pairs[::-1]), _with(url, encode_space="%20"), _with(url, fragment="top"),
            _with(url, path=parts.path.rstrip("/") if parts.path.endswith("/") else parts.path + "/"),
            url.replace("127.0.0.1", "localhost"), _with(url, pairs=[*pairs, ("page", "1")])]
    same.append(_with(url, pairs=[*pairs, *((k, v) for k, v in gold.defaults.items() if k not in dict(pairs))]))
    same.append(_with(url, pairs=[*pairs, ("search", "")]) if "search" not in dict(pairs) else url)
    for alias in gold.paths:
        same.append(_with(url, path=urlsplit(resolve(alias)).path))
    for key in gold.ignore_case:
        same.append(_with(url, pairs=[(k, v.upper() if k == key else v) for k, v in pairs]))
    if gold.subpages:
        same.append(_with(url, path=parts.path.rstrip("/") + "/123/a-new-post"))
    return same


def wrong_pages(gold: UrlPage) -> list[str]:
    """Pages that are not the gold one: a longer value, a missing or added filter, a later page, a
    neighbouring path, another site."""
    url = resolve(gold.url)
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    wrong = [_with(url, path=parts.path.rstrip("/") + "x"), url.replace(parts.netloc, "127.0.0.1:1")]
    if not gold.any_query:
        wrong += [_with(url, pairs=[*pairs, ("state", "closed")]), _with(url, pairs=[*pairs, ("label_name[]", "x")]),
                  _with(url, pairs=[*pairs, ("page", "2")])]
        for index, (key, value) in enumerate(pairs):
            wrong.append(_with(url, pairs=[(k, v + ("0" if value[-1:].isdigit() else " cheap") if i == index else v)
                                           for i, (k, v) in enumerate(pairs)]))  # price=0-300, a longer term
            if gold.defaults.get(key) != value:  # dropping a default changes nothing
                wrong.append(_with(url, pairs=[p for i, p in enumerate(pairs) if i != index]))  # a filter dropped
    return wrong


def test_equivalent_pages_pass_and_wrong_pages_fail() -> None:
    accepted, rejected, substring_accepted = [], [], 0
    wrong_total = 0
    for task_id, gold in gold_pages():
        for url in equivalents(gold):
            if not match_page(gold, url, resolve):
                rejected.append(f"task {task_id}: {url}")
        for url in wrong_pages(gold):
            wrong_total += 1
            if match_page(gold, url, resolve):
                accepted.append(f"task {task_id}: {url}")
            substring_accepted += match_url(resolve(gold.url), url) is not None
    print(f"\nwrong pages: strict accepts {len(accepted)} of {wrong_total}, GOLD in PRED accepts {substring_accepted}")
    assert rejected == [], "equivalent pages rejected:\n" + "\n".join(rejected)
    assert accepted == [], "wrong pages accepted:\n" + "\n".join(accepted)
    assert substring_accepted > wrong_total // 4  # what the published rule lets through on the same pages


def test_the_issue_examples() -> None:
    shoes = page("__SHOPPING__/clothing-shoes-jewelry/men/shoes.html?price=0-30",
                 defaults={"product_list_order": "position", "product_list_dir": "asc"})
    base = resolve("__SHOPPING__/clothing-shoes-jewelry/men/shoes.html")
    assert match_page(shoes, f"{base}?price=0-30&product_list_dir=asc", resolve)
    assert not match_page(shoes, f"{base}?price=0-300", resolve)
    assert match_url(resolve(shoes.url), f"{base}?price=0-300")  # GOLD in PRED took it
    issues = page("__GITLAB__/a/b/-/issues?label_name[]=bug", defaults={"state": "opened"})
    gitlab = resolve("__GITLAB__/a/b/-/issues")
    assert match_page(issues, f"{gitlab}?state=opened&label_name%5B%5D=bug", resolve)
    assert not match_page(issues, f"{gitlab}?label_name%5B%5D=bug&state=closed", resolve)
    assert match_url(resolve(issues.url), f"{gitlab}?label_name%5B%5D=bug&state=closed")  # GOLD in PRED took it


def test_gold_pages_validate_and_name_the_field() -> None:
    with pytest.raises(ValueError, match=r"eval.acceptable_urls\[0\].subpages"):
        pages_from_json([{"url": "__MAP__/", "subpages": "yes"}])
    with pytest.raises(ValueError, match=r"unknown keys \['query'\]"):
        pages_from_json([{"url": "__MAP__/", "query": {}}])
    assert pages_from_json(["__MAP__/search?query=x"]) == (page("__MAP__/search?query=x"),)
