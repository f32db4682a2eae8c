"""Gold pages for strict `url_match`: the set of pages that answer a navigation task, and the rule that decides
whether the agent's final URL is one of them.

WebArena's rule ("GOLD in PRED": the reference URL is a substring of the final URL) accepts `price=0-300` for
`price=0-30`, a listing with `state=closed` or any other filter added, and a longer search term — and rejects
an equivalent listing whose parameters come in another order. For the embedded suite a gold page is instead:

    url          the canonical URL (with its site placeholder); its query parameters define the listing
    paths        other paths that show the same page (`/catalogsearch/result/index/` beside `/catalogsearch/result/`)
    defaults     parameters whose absence means this value (`state=opened` on an issue list), so
                 `?label_name[]=bug` and `?state=opened&label_name[]=bug` are one listing
    ignore_case  parameters compared case-insensitively (search terms of a case-insensitive search)
    subpages     also pages below the path (a post inside the forum the task asked to post in)
    any_query    the query string does not matter (a page identified by its path alone)

and the final URL matches when its site and path are the gold's and its listing-defining parameters are *equal*
to the gold's: none missing, none added, none different. Blank parameters (an empty search box) and `page=1`
count as absent; parameter order, percent-encoding, `+` for space, a trailing "/" and the fragment never matter.
A task's gold is a list of such pages (alternatives).

JSON (in a config's `eval.acceptable_urls`): [{"url": "__GITLAB__/a/b/-/issues?label_name[]=bug",
"defaults": {"state": "opened"}}, ...]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

OR = " |OR| "
NEUTRAL_DEFAULTS = {"page": "1", "p": "1"}  # the first page of any listing is the listing


class UrlSpecError(ValueError):
    """An acceptable-page entry that cannot be used; names the field."""


@dataclass(frozen=True)
class UrlPage:
    url: str
    paths: tuple[str, ...] = ()
    defaults: Mapping[str, str] = field(default_factory=dict)
    ignore_case: tuple[str, ...] = ()
    subpages: bool = False
    any_query: bool = False

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"url": self.url}
        if self.paths:
            data["paths"] = list(self.paths)
        if self.defaults:
            data["defaults"] = dict(self.defaults)
        if self.ignore_case:
            data["ignore_case"] = list(self.ignore_case)
        if self.subpages:
            data["subpages"] = True
        if self.any_query:
            data["any_query"] = True
        return data

    @classmethod
    def from_json(cls, raw: Any, where: str) -> UrlPage:
        if isinstance(raw, str):
            return cls(raw)
        if not isinstance(raw, Mapping):
            raise UrlSpecError(f"field '{where}' must be an object or a URL string")
        unknown = set(raw) - {"url", "paths", "defaults", "ignore_case", "subpages", "any_query"}
        if unknown:
            raise UrlSpecError(f"field '{where}' has unknown keys {sorted(unknown)}")
        url = raw.get("url")
        if not isinstance(url, str) or not url.strip():
            raise UrlSpecError(f"field '{where}.url' must be a non-empty URL")
        paths, ignore_case = raw.get("paths", []), raw.get("ignore_case", [])
        for key, items in (("paths", paths), ("ignore_case", ignore_case)):
            if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
                raise UrlSpecError(f"field '{where}.{key}' must be a list of strings")
        defaults = raw.get("defaults", {})
        if not isinstance(defaults, Mapping) or not all(isinstance(v, str) for v in defaults.values()):
            raise UrlSpecError(f"field '{where}.defaults' must map parameter names to string values")
        flags = {key: raw.get(key, False) for key in ("subpages", "any_query")}
        for key, value in flags.items():
            if not isinstance(value, bool):
                raise UrlSpecError(f"field '{where}.{key}' must be true or false")
        return cls(url, tuple(paths), dict(defaults), tuple(ignore_case), **flags)


def page(url: str, *, paths: Iterable[str] = (), defaults: Mapping[str, str] | None = None,
         ignore_case: Iterable[str] = (), subpages: bool = False, any_query: bool = False) -> UrlPage:
    """One acceptable page (see the module docstring for each option)."""
    return UrlPage(url, tuple(paths), dict(defaults or {}), tuple(ignore_case), subpages, any_query)


def pages_from_json(raw: Any, where: str = "eval.acceptable_urls") -> tuple[UrlPage, ...]:
    if not isinstance(raw, list) or not raw:
        raise UrlSpecError(f"field '{where}' must be a non-empty list of pages")
    return tuple(UrlPage.from_json(item, f"{where}[{i}]") for i, item in enumerate(raw))


def reference_url(pages: Sequence[UrlPage]) -> str:
    """The WebArena-compatible `reference_url` ("GOLD in PRED" alternatives) of a gold set."""
    return OR.join(dict.fromkeys(p.url for p in pages))


# --- matching ---------------------------------------------------------------------------------------------

def _clean(url: str) -> str:
    return url.strip().replace("localhost", "127.0.0.1")


def _path(text: str) -> str:
    return unquote(text).rstrip("/") or ""


def _split(url: str) -> tuple[str, str, list[tuple[str, str]]]:
    parts = urlsplit(_clean(url))
    return parts.netloc.lower(), _path(parts.path), parse_qsl(parts.query, keep_blank_values=True)


def _listing(params: list[tuple[str, str]], gold: UrlPage) -> dict[str, list[str]]:
    """The parameters that define the listing: blank and default values dropped, values of case-insensitive
    parameters folded, repeated parameters as a sorted list."""
    defaults = {**NEUTRAL_DEFAULTS, **gold.defaults}
    folded: dict[str, list[str]] = {}
    for key, value in params:
        value = " ".join(value.split())
        name = key.removesuffix("[]") if key.endswith("[]") else key
        if not value or defaults.get(key) == value or defaults.get(name) == value:
            continue
        if key in gold.ignore_case or name in gold.ignore_case:
            value = value.casefold()
        folded.setdefault(key, []).append(value)
    return {key: sorted(values) for key, values in folded.items()}


def match_page(gold: UrlPage, actual: str, resolve: Callable[[str], str] = lambda text: text) -> str | None:
    """Why `actual` is the gold page (a short reason), or None when it is not. `resolve` substitutes site
    placeholders in the gold's URL and paths."""
    gold_host, gold_path, gold_params = _split(resolve(gold.url))
    host, path, params = _split(actual)
    if host != gold_host:
        return None
    paths = {gold_path, *(_path(urlsplit(_clean(resolve(p))).path) for p in gold.paths)}
    where = next((p for p in sorted(paths) if path == p), None)
    if where is None and gold.subpages:
        where = next((p for p in sorted(paths) if path.startswith(p + "/")), None)
    if where is None:
        return None
    if gold.any_query:
        return f"path {path or '/'} is the gold page's"
    want, got = _listing(gold_params, gold), _listing(params, gold)
    if want != got:
        return None
    shown = ", ".join(f"{k}={'|'.join(v)}" for k, v in sorted(want.items())) or "none"
    return f"same page ({path or '/'}) and the same listing parameters ({shown})"


def listing_difference(gold: UrlPage, actual: str, resolve: Callable[[str], str] = lambda text: text) -> str:
    """What separates `actual` from the gold page, for a failed check's report."""
    gold_host, gold_path, gold_params = _split(resolve(gold.url))
    host, path, params = _split(actual)
    if host != gold_host:
        return f"another site ({host or 'no host'})"
    want, got = _listing(gold_params, gold), _listing(params, gold)
    problems = []
    if path != gold_path and not (gold.subpages and path.startswith(gold_path + "/")):
        problems.append(f"path {path or '/'} is not {gold_path or '/'}")
    if not gold.any_query:
        problems += [f"missing {k}={'|'.join(v)}" for k, v in sorted(want.items()) if k not in got]
        problems += [f"extra {k}={'|'.join(v)}" for k, v in sorted(got.items()) if k not in want]
        problems += [f"{k}={'|'.join(got[k])} instead of {'|'.join(v)}" for k, v in sorted(want.items())
                     if k in got and got[k] != v]
    return "; ".join(problems) or "differs"
