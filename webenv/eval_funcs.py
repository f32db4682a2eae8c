"""The `func:` helpers of `program_html` checks, by name, and a safe parser for the calls configs write.

A config says e.g. `"url": "func:reddit_get_post_url('__last_url__')"` or
`"locator": "func:gitlab_get_project_memeber_role(__page__, 'vinta')"`. WebArena `eval()`s that text; here it
is parsed with `ast` into a name plus literal arguments and dispatched through `REGISTRY`, so a config can
never run arbitrary Python. `__last_url__` (inside a string argument) becomes the agent's final URL and
`__page__` the page being checked.

Each helper is the hook to point at real WebArena: its docstring says what WebArena's version does and what
ours does. Ours read the embedded sites' pages through the same browser context as the agent, so the agent's
cookies (its login) apply — and where our page structure mirrors the real site, they work there too.
"""

from __future__ import annotations

import ast
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from playwright.async_api import BrowserContext, Page

LAST_URL_TOKEN = "__last_url__"
PAGE_TOKEN = "__page__"


class EvalFuncError(RuntimeError):
    """A helper that could not produce its value (unknown name, bad call, nothing found on the page)."""


@dataclass(frozen=True)
class FuncEnv:
    """What a helper may use: the page under check, the agent's browser context, site URLs, the final URL."""

    page: Page | None
    context: BrowserContext | None
    placeholders: Mapping[str, str]
    last_url: str


class _PageArg:
    """Marks the `__page__` argument in a parsed call."""

    def __repr__(self) -> str:
        return PAGE_TOKEN


PAGE_ARG = _PageArg()
Arg = str | int | float | _PageArg
EvalFunc = Callable[..., Awaitable[str]]
REGISTRY: dict[str, EvalFunc] = {}


@dataclass(frozen=True)
class FuncCall:
    name: str
    args: tuple[Arg, ...]


def register(name: str) -> Callable[[EvalFunc], EvalFunc]:
    """Add a helper under the name configs call it by (WebArena's spelling, typos included)."""

    def add(func: EvalFunc) -> EvalFunc:
        REGISTRY[name] = func
        return func

    return add


def parse_call(expression: str) -> FuncCall:
    """`name('text', __page__, 3)` -> FuncCall; anything but a plain call with literal arguments is refused."""
    source = expression.removeprefix("func:").strip()
    try:
        tree = ast.parse(source, mode="eval").body
    except SyntaxError as exc:
        raise EvalFuncError(f"not a helper call: {source!r} ({exc.msg})") from exc
    if not isinstance(tree, ast.Call) or not isinstance(tree.func, ast.Name) or tree.keywords:
        raise EvalFuncError(f"not a helper call: {source!r} (want name(arg, ...))")
    args: list[Arg] = []
    for node in tree.args:
        if isinstance(node, ast.Name) and node.id == PAGE_TOKEN:
            args.append(PAGE_ARG)
        elif isinstance(node, ast.Name) and node.id == LAST_URL_TOKEN:
            args.append(LAST_URL_TOKEN)
        elif isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float)):
            args.append(node.value)
        else:
            raise EvalFuncError(f"helper {tree.func.id}: argument {ast.unparse(node)!r} is not a literal")
    return FuncCall(tree.func.id, tuple(args))


async def call(expression: str, env: FuncEnv) -> str:
    """Parse and run a `func:` expression; raises EvalFuncError with a reason the report can show."""
    parsed = parse_call(expression)
    helper = REGISTRY.get(parsed.name)
    if helper is None:
        raise EvalFuncError(f"unknown helper {parsed.name!r} (known: {', '.join(sorted(REGISTRY))})")
    args: list[object] = []
    for arg in parsed.args:
        if arg is PAGE_ARG:
            if env.page is None:
                raise EvalFuncError(f"helper {parsed.name} needs a page and there is none")
            args.append(env.page)
        elif isinstance(arg, str):
            args.append(arg.replace(LAST_URL_TOKEN, env.last_url))
        else:
            args.append(arg)
    try:
        return await helper(env, *args)
    except TypeError as exc:  # wrong number of arguments in the config
        raise EvalFuncError(f"helper {parsed.name}: {exc}") from exc


@register("shopping_get_latest_order_url")
async def shopping_get_latest_order_url(env: FuncEnv) -> str:
    """The URL of the newest order (e.g. to check what the agent just bought).

    WebArena: asks Magento's REST API (with an admin token) for the most recent order of the whole store and
    builds `{__SHOPPING__}/sales/order/view/order_id/{id}/`.
    Ours: opens `{__SHOPPING__}/sales/order/history/` in the agent's browser context (so the logged-in
    customer's cookie applies) and follows the first row of `#my-orders-table` — orders are listed newest
    first, each with a "View Order" link `a.action.view`. Magento's storefront has the same table, so this
    also works against real WebArena for the customer's own orders.
    """
    base = env.placeholders.get("__SHOPPING__")
    if not base:
        raise EvalFuncError("shopping_get_latest_order_url needs the __SHOPPING__ URL")
    if env.context is None:
        raise EvalFuncError("shopping_get_latest_order_url needs the agent's browser context")
    page = await env.context.new_page()
    try:
        await page.goto(f"{base.rstrip('/')}/sales/order/history/")
        href = await page.evaluate(
            "() => document.querySelector('#my-orders-table tbody a.action.view')?.href ?? null"
        )
    finally:
        await page.close()
    if not href:
        raise EvalFuncError("the customer's order history lists no orders")
    return str(href)


@register("reddit_get_post_url")
async def reddit_get_post_url(env: FuncEnv, url: str) -> str:
    """The post a URL belongs to, so a check can read the post whatever sub-page the agent ended on.

    WebArena (Postmill): any URL `/f/{forum}/{id}/...` (the post, its slug, a comment) becomes
    `{scheme}://{host}/f/{forum}/{id}/`; other URLs come back unchanged. Ours is the same function, with one
    guard WebArena lacks: the third path segment must be a numeric post id, so a forum listing such as
    `/f/books/new` or `/f/books/` is not mistaken for a post.
    """
    parts = urlsplit(url)
    segments = parts.path.split("/")
    if len(segments) < 4 or segments[1] != "f" or not segments[3].isdigit():
        return url
    return urlunsplit((parts.scheme, parts.netloc, f"/f/{segments[2]}/{segments[3]}/", "", ""))


_MEMBER_ROLE_JS = """
(account) => {
  const ours = document.querySelector(`tr[data-username="${CSS.escape(account)}"] td.member-role`);
  if (ours) return ours.textContent.trim();
  const names = [...document.querySelectorAll("td[data-label='Account'] span.gl-avatar-labeled-sublabel")];
  const index = names.findIndex((node) => node.textContent.trim() === '@' + account);
  const roles = document.querySelectorAll('td.col-max-role span');
  return index >= 0 && roles[index] ? roles[index].textContent.trim() : '';
}
"""


@register("gitlab_get_project_memeber_role")
async def gitlab_get_project_memeber_role(env: FuncEnv, page: Page, account: str) -> str:
    """The role ("Developer", "Maintainer", ...) of a user on a project's members page, "" if not a member.

    WebArena (GitLab 15): finds the row whose account cell shows `@{account}` and reads its
    `td.col-max-role` role. Ours: on the code host's `/-/project_members` page rows are
    `<tr data-username="{username}">` with the role in `td.member-role`. The helper tries our structure first
    and then GitLab's, so it works against either. (The misspelling is WebArena's; configs call it so.)
    """
    return str(await page.evaluate(_MEMBER_ROLE_JS, account))
