"""`program_html` checks in real Chromium against real pages served on 127.0.0.1.

The pages follow the conventions the embedded sites share with WebArena (Postmill post URLs and
`.submission__inner`, the storefront's `#my-orders-table`, the code host's `tr[data-username]` member rows), so
the last tests can run published WebArena-Lite configs unchanged against them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.async_api import BrowserContext, Page
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.support.paths import WEBARENA_LITE_CONFIGS
from webenv.evaluators import EvalContext, HTMLContentEvaluator, Outcome, build_evaluator
from webenv.judges import OfflineJudge
from webenv.serving import serve_apps
from webenv.tasks.config import HtmlTarget, MatchRule, load_tasks, parse_task

CONFIGS = WEBARENA_LITE_CONFIGS

ORDERS = [(312, "B0738JQG6Q", "Pet bed"), (311, "B01CTR3DLE", "Tea kettle")]  # newest first, as Magento lists


def page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(f"<!doctype html><html><head><title>{title}</title></head><body><main>"
                        f"<h1>{title}</h1>{body}</main></body></html>")


def post(request: Request) -> Response:
    forum, post_id = request.path_params["forum"], request.path_params["post_id"]
    return page(f"Post {post_id}", f'<article class="submission__inner"><h2 class="submission__title">'
                                   f'is car necessary in NYC</h2><p>Posted in {forum}</p>'
                                   f'<a href="/img/abc.jpg">image</a></article>')


def comment(request: Request) -> Response:
    return page("Comment", '<div class="comment__body">A reply, not the post</div>')


def order_history(request: Request) -> Response:
    if request.cookies.get("shop_session") != "alice":
        return RedirectResponse("/customer/account/login/", status_code=303)
    rows = "".join(f'<tr><td>{order_id:09d}</td><td><a class="action view" '
                   f'href="/sales/order/view/order_id/{order_id}/">View Order</a></td></tr>'
                   for order_id, _, _ in ORDERS)
    return page("My Orders", f'<table id="my-orders-table"><thead><tr><th>Order #</th><th>Action</th></tr>'
                             f"</thead><tbody>{rows}</tbody></table>")


def order_view(request: Request) -> Response:
    order_id = request.path_params["order_id"]
    sku, name = next((s, n) for o, s, n in ORDERS if o == order_id)
    return page(f"Order # {order_id:09d}", f'<div class="order-details-items ordered"><table><tr><th>Product</th>'
                                           f"<th>SKU</th></tr><tr><td>{name}</td><td>{sku}</td></tr></table></div>")


def members(request: Request) -> Response:
    rows = "".join(f'<tr data-username="{user}"><td>@{user}</td><td class="member-role">{role}</td></tr>'
                   for user, role in (("vinta", "Guest"), ("lahwaacz", "Maintainer")))
    return page("Members", f"<table><tr><th>Account</th><th>Role</th></tr>{rows}</table>")


def gitlab_members(request: Request) -> Response:
    """GitLab 15's own markup, which the helper also understands (for real WebArena)."""
    rows = "".join(f"<tr><td data-label='Account'><span class='gl-avatar-labeled-sublabel'>@{user}</span></td>"
                   f"<td class='col-max-role'><span>{role}</span></td></tr>"
                   for user, role in (("primer", "Developer"), ("vinta", "Reporter")))
    return page("Members", f"<table><tr><th>Account</th><th>Max role</th></tr>{rows}</table>")


def directions(request: Request) -> Response:
    return page("Directions", '<div id="content"><form action="/directions"><label>From <input name="route_from">'
                              '</label><label>To <input name="route_to"></label><label>Mode <select '
                              'class="routing_engines" name="engine"><option>Bicycle</option><option>Car</option>'
                              '<option>Foot</option></select></label><button>Go</button></form>'
                              '<div id="sidebar_content">Carnegie Music Hall, 4400 Forbes Avenue</div></div>')


def contact(request: Request) -> Response:
    return page("Contact Us", '<form method="post" action="/contact"><label>Comment <textarea name="comment" '
                              'title="What’s on your mind?"></textarea></label><label>Count <input name="count" '
                              'value="1,250"></label><button>Submit</button></form>'
                              '<ul class="stars"><li>ffmpeg-python</li><li>keycloak</li><li>Pytorch-GAN</li></ul>'
                              '<span class="visibility-icon" title="Public - visible to everyone">P</span>')


def newsletter(request: Request) -> Response:
    return page("Newsletter", '<label><input type="checkbox" name="is_subscribed" title="General Subscription" '
                              'checked> General Subscription</label>')


APP = Starlette(routes=[
    Route("/f/{forum}/{post_id:int}/", post),
    Route("/f/{forum}/{post_id:int}/{slug}", post),
    Route("/f/{forum}/{post_id:int}/{slug}/comment/{comment_id:int}", comment),
    Route("/sales/order/history/", order_history),
    Route("/sales/order/view/order_id/{order_id:int}/", order_view),
    Route("/customer/account/login/", lambda request: page("Customer Login", "<p>Please sign in.</p>")),
    Route("/{owner}/{project}/-/project_members", members),
    Route("/gitlab-style/-/project_members", gitlab_members),
    Route("/directions", directions),
    Route("/contact", contact),
    Route("/newsletter/manage/", newsletter),
])


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serve_apps({"site": APP}, name="program-html-test") as servers:
        yield servers.urls["site"]


@pytest.fixture
def ctx(base_url: str) -> EvalContext:
    placeholders = {name: base_url for name in ("__SHOPPING__", "__REDDIT__", "__GITLAB__", "__MAP__")}
    return EvalContext(placeholders=placeholders, judge=OfflineJudge())


def target(url: str, locator: str, **contents: Any) -> HtmlTarget:
    rules = tuple(MatchRule(kind, (value,) if isinstance(value, str) else tuple(value))
                  for kind, value in contents.items())
    return HtmlTarget(url=url, locator=locator, required_contents=rules)


async def run(targets: list[HtmlTarget], agent: Page, ctx: EvalContext) -> Any:
    return await HTMLContentEvaluator(targets, "intent").evaluate(Outcome("", agent.url), agent, ctx)


async def test_js_locators_on_a_literal_url_leave_the_agent_page_alone(page: Page, base_url: str,
                                                                        ctx: EvalContext) -> None:
    await page.goto(f"{base_url}/directions")
    result = await run([
        target("__SHOPPING__/contact", "document.querySelector('.visibility-icon').getAttribute('title')",
               must_include=["public"]),
        target(f"{base_url}/contact",
               "[...document.querySelectorAll('.stars li')].map(elem => elem.outerText).join(' ')",
               must_include=["keycloak", "ffmpeg-python", "Pytorch-GAN"]),
    ], page, ctx)
    assert result.score == 1.0, result.report()
    assert page.url == f"{base_url}/directions" and len(page.context.pages) == 1  # checker tabs were closed


async def test_url_last_reads_unsaved_form_values_a_fresh_load_does_not(page: Page, base_url: str,
                                                                         ctx: EvalContext) -> None:
    await page.goto(f"{base_url}/contact")
    await page.get_by_label("Comment").fill("I want a refund: it broke after three days of use (order 000000180)")
    value = "document.querySelector('[title=\"What’s on your mind?\"').value"
    wanted = {"fuzzy_match": ["refund", "it broke after three days of use", "000000180"]}
    assert (await run([target("last", value, **wanted)], page, ctx)).score == 1.0
    fresh = await run([target(f"{base_url}/contact", value, **wanted)], page, ctx)
    assert fresh.score == 0.0 and fresh.checks[0].actual == ""
    no_judge = await run([target("last", value, **wanted)], page, EvalContext())
    assert no_judge.score == 0.0 and no_judge.checks[0].reason == "no judge configured"


async def test_required_contents_variants(page: Page, base_url: str, ctx: EvalContext) -> None:
    await page.goto(f"{base_url}/contact")
    count = "document.querySelector('[name=\"count\"]').value"
    stars = "document.querySelector('.stars').outerText"
    cases = [
        (target("last", count, exact_match="1,250"), 1.0),
        (target("last", count, exact_match="1250"), 0.0),
        (target("last", count, required_values=[">= 1000", "< 2000"]), 1.0),
        (target("last", count, required_values=["> 2000 |OR| == 1"]), 0.0),
        (target("last", stars, must_include=["react |OR| keycloak"]), 1.0),
        (target("last", stars, must_include=["keycloak", "administrate"]), 0.0),
        (target("last", stars, must_exclude=["administrate"]), 1.0),
        (target("last", stars, must_exclude=["keycloak"]), 0.0),
        (target("last", "", must_include=["What’s on your mind?"]), 1.0),  # page HTML, unescaped
    ]
    scores = [(await run([case], page, ctx)).score for case, _ in cases]
    assert scores == [expected for _, expected in cases]


async def test_null_selection_and_javascript_errors_score_zero_with_the_reason(page: Page, base_url: str,
                                                                                ctx: EvalContext) -> None:
    await page.goto(f"{base_url}/contact")
    null = await run([target("last", "document.querySelector('.missing')", must_exclude=["anything"])], page, ctx)
    assert null.score == 0.0 and "selected nothing" in null.checks[0].reason
    error = await run([target("last", "document.querySelector('.missing').outerText", exact_match="")], page, ctx)
    assert error.score == 0.0 and "JavaScript error" in error.checks[0].reason
    assert "TypeError" in error.checks[0].reason or "null" in error.checks[0].reason
    missing = await run([target(f"{base_url}/no/such/page", "document.querySelector('h1')", exact_match="x")],
                        page, ctx)
    assert missing.score == 0.0 and "HTTP 404" in missing.checks[0].subject


async def test_prep_actions_run_first_and_their_failures_are_not_fatal(page: Page, base_url: str,
                                                                       ctx: EvalContext) -> None:
    await page.goto(f"{base_url}/contact")
    prepared = HtmlTarget(
        url="last", locator="document.querySelector('[name=\"count\"]').value",
        required_contents=(MatchRule("exact_match", ("7",)),),
        prep_actions=("document.querySelector('.no-such-thing').click()",
                      "document.querySelector('[name=\"count\"]').value = '7'"),
    )
    assert (await run([prepared], page, ctx)).score == 1.0


async def test_func_url_follows_the_agent_to_the_post(page: Page, base_url: str, ctx: EvalContext) -> None:
    await page.goto(f"{base_url}/f/nyc/123/is-car-necessary/comment/9")
    result = await run([target("func:reddit_get_post_url('__last_url__')",
                               "document.querySelector('.submission__inner').outerText",
                               must_include=["is car necessary in NYC"])], page, ctx)
    assert result.score == 1.0, result.report()
    assert result.checks[0].subject.startswith(f"target 0 ({base_url}/f/nyc/123/,")


async def test_latest_order_uses_the_agents_cookies(context: BrowserContext, base_url: str,
                                                    ctx: EvalContext) -> None:
    agent = await context.new_page()
    await agent.goto(f"{base_url}/contact")
    order = target("func:shopping_get_latest_order_url()",
                   "document.querySelector('.order-details-items.ordered').outerText",
                   must_include=[ORDERS[0][1]])
    logged_out = await run([order], agent, ctx)
    assert logged_out.score == 0.0 and "lists no orders" in logged_out.checks[0].reason
    await context.add_cookies([{"name": "shop_session", "value": "alice", "url": base_url}])
    logged_in = await run([order], agent, ctx)
    assert logged_in.score == 1.0, logged_in.report()
    older = await run([target("func:shopping_get_latest_order_url()",
                              "document.querySelector('.order-details-items.ordered').outerText",
                              must_include=[ORDERS[1][1]])], agent, ctx)
    assert older.score == 0.0  # the newest order, not any order


async def test_gitlab_member_role_helper(page: Page, base_url: str, ctx: EvalContext) -> None:
    await page.goto(base_url + "/contact")
    role = "func:gitlab_get_project_memeber_role(__page__, '{user}')"
    ours = f"{base_url}/byteblaze/dotfiles/-/project_members"
    theirs = f"{base_url}/gitlab-style/-/project_members"
    result = await run([
        target(ours, role.format(user="vinta"), exact_match="Guest"),
        target(ours, role.format(user="lahwaacz"), must_include=["Maintainer"]),
        target(theirs, role.format(user="vinta"), exact_match="Reporter"),
        target(ours, role.format(user="nobody"), exact_match=""),
    ], page, ctx)
    assert result.score == 1.0, result.report()
    absent = await run([target(ours, role.format(user="nobody"), must_include=["Guest"])], page, ctx)
    assert absent.score == 0.0


async def test_scores_multiply_across_url_match_and_program_html(page: Page, base_url: str,
                                                                 ctx: EvalContext) -> None:
    task = parse_task({
        "sites": ["reddit"], "task_id": 1, "start_url": "__REDDIT__", "intent": "Post in nyc",
        "eval": {"eval_types": ["url_match", "program_html"], "reference_url": "__REDDIT__/f/nyc",
                 "url_note": "GOLD in PRED",
                 "program_html": [{"url": "func:reddit_get_post_url('__last_url__')",
                                   "locator": "document.querySelector('.submission__title').outerText",
                                   "required_contents": {"exact_match": "is car necessary in NYC"}}]},
    })
    evaluator = build_evaluator(task)
    await page.goto(f"{base_url}/f/nyc/123/is-car-necessary")
    both = await evaluator.evaluate(Outcome("", page.url), page, ctx)
    assert both.score == 1.0 and [c.evaluator for c in both.checks] == ["url_match", "program_html"]
    await page.goto(f"{base_url}/f/books/123/is-car-necessary")
    url_fails = await evaluator.evaluate(Outcome("", page.url), page, ctx)
    assert url_fails.score == 0.0 and [c.passed for c in url_fails.checks] == [False, True]


REAL_TASKS = {task.task_id: task for task in load_tasks(CONFIGS)}


async def test_published_configs_evaluate_unchanged_against_matching_pages(
        context: BrowserContext, base_url: str, ctx: EvalContext) -> None:
    """WebArena-Lite tasks 87, 104, 112, 121, 133 and 155, exactly as published, on pages built to their
    conventions: JS locators (including an unclosed `[id="sidebar_content"` selector), `.checked.toString()`,
    `selectedIndex`, every `func:` helper, and url_match combined with program_html."""
    await context.add_cookies([{"name": "shop_session", "value": "alice", "url": base_url}])
    agent = await context.new_page()
    await agent.goto(f"{base_url}/directions")
    await agent.get_by_label("From").fill("Carnegie Mellon University, Pittsburgh")
    await agent.get_by_label("To").fill("TD Garden, Boston, Massachusetts")
    await agent.get_by_label("Mode").select_option("Car")
    for task_id in (87, 155, 104, 112, 121):
        result = await build_evaluator(REAL_TASKS[task_id]).evaluate(Outcome("", agent.url), agent, ctx)
        assert result.score == 1.0, f"task {task_id}\n{result.report()}"
    await agent.goto(f"{base_url}/f/nyc/555/is-car-necessary-in-nyc")
    result = await build_evaluator(REAL_TASKS[133]).evaluate(Outcome("", agent.url), agent, ctx)
    assert result.score == 1.0, result.report()
    await agent.goto(f"{base_url}/directions")  # the route form is empty again: task 155 must now fail
    assert (await build_evaluator(REAL_TASKS[155]).evaluate(Outcome("", agent.url), agent, ctx)).score == 0.0
