"""The code host as a site: its seed, its pages over real HTTP, its forms in a real browser, its access rules.

Read-only checks share one environment; anything that writes gets a fresh one. Expected numbers come from
`queries` (the same functions tasks use) and are compared with what the pages actually print.
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser

from webenv import eval_funcs
from webenv.server import Environment, start_environment, template_database
from webenv.sites.codehost import GITLAB, queries, roles
from webenv.sites.codehost.filters import TrackerQuery, parse_search
from webenv.sites.codehost.markup import render_markdown
from webenv.sites.codehost.seed import build_database

A11Y = "a11yproject/a11yproject.com"


@pytest.fixture(scope="module")
def shared() -> Iterator[Environment]:
    with start_environment(sites=["gitlab"]) as env:
        yield env


@pytest.fixture
def env() -> Iterator[Environment]:
    with start_environment(sites=["gitlab"]) as fresh:
        yield fresh


@pytest.fixture(scope="module")
def seed() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(template_database(GITLAB))
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


@contextmanager
def signed_in(env: Environment, username: str = "byteblaze") -> Iterator[httpx.Client]:
    with httpx.Client(base_url=env.urls["gitlab"], follow_redirects=False, timeout=20) as client:
        response = client.post("/users/sign_in", data={"user[login]": username, "user[password]": "hello1234"})
        assert response.status_code == 303
        yield client


def count(html: str, css_class: str) -> int:
    return len(re.findall(rf'class="[^"]*\b{css_class}\b', html))


# -- seed --------------------------------------------------------------------------------------------------------


def test_seed_is_deterministic(tmp_path: Path) -> None:
    dumps = []
    for name in ("a.sqlite", "b.sqlite"):
        build_database(tmp_path / name)
        with sqlite3.connect(tmp_path / name) as conn:
            dumps.append("\n".join(conn.iterdump()))
    assert dumps[0] == dumps[1]


def test_seed_has_the_promised_shape(seed: sqlite3.Connection) -> None:
    def scalar(sql: str, *params: object) -> int:
        return int(seed.execute(sql, params).fetchone()[0])

    assert scalar("SELECT COUNT(*) FROM users") >= 40
    assert scalar("SELECT COUNT(*) FROM projects") >= 25
    assert scalar("SELECT COUNT(DISTINCT n.kind) FROM projects p JOIN namespaces n ON n.id = p.namespace_id") == 2
    assert scalar("SELECT COUNT(*) FROM issues") >= 160 and scalar("SELECT COUNT(*) FROM merge_requests") >= 70
    assert {row[0] for row in seed.execute("SELECT DISTINCT state FROM merge_requests")} == {"opened", "merged", "closed"}
    levels = {row[0] for row in seed.execute("SELECT access_level FROM project_members UNION SELECT access_level FROM group_members")}
    assert levels == set(roles.ROLE_NAMES)
    me = queries.user_by_username(seed, "byteblaze")
    assert me is not None
    assigned = queries.tracker_items(seed, TrackerQuery(kind="issue", assignee="byteblaze"), None, None, limit=500)
    assert len(assigned) >= 10 and len({i["project_id"] for i in assigned}) >= 4
    assert len(queries.open_merge_requests(seed, reviewer="byteblaze")) >= 3
    a11y = queries.project_by_full_path(seed, A11Y)
    assert a11y is not None and a11y["open_issues_count"] > 40  # several pages of open issues
    top = queries.most_starred(seed, 2)
    assert top[0]["star_count"] > top[1]["star_count"]
    assert scalar("SELECT COUNT(*) FROM milestones") >= 3 and scalar("SELECT COUNT(*) FROM notes") >= 200


# -- sign in -----------------------------------------------------------------------------------------------------


def test_sign_in_rejects_bad_passwords_and_returns_to_the_page_asked_for(shared: Environment) -> None:
    with httpx.Client(base_url=shared.urls["gitlab"], follow_redirects=False) as client:
        bounced = client.get("/dashboard/issues?assignee_username=byteblaze")
        assert bounced.status_code == 303
        assert bounced.headers["location"] == "/users/sign_in?next=%2Fdashboard%2Fissues%3Fassignee_username%3Dbyteblaze"
        wrong = client.post("/users/sign_in", data={"user[login]": "byteblaze", "user[password]": "nope",
                                                     "next": "/dashboard/todos"})
        assert wrong.status_code == 401 and "Invalid login or password." in wrong.text
        assert "codehost_session" not in wrong.cookies
        right = client.post("/users/sign_in", data={"user[login]": "byteblaze@example.com",
                                                     "user[password]": "hello1234", "next": "/dashboard/todos"})
        assert right.status_code == 303 and right.headers["location"] == "/dashboard/todos"
        assert "To-Do List" in client.get("/dashboard/todos").text
        assert client.post("/users/sign_out").status_code == 303
        assert client.get("/dashboard/todos").status_code == 303


# -- lists -------------------------------------------------------------------------------------------------------


def test_issue_list_paginates_twenty_at_a_time(shared: Environment, seed: sqlite3.Connection) -> None:
    project = queries.project_by_full_path(seed, A11Y)
    assert project is not None
    total = queries.open_issue_count(seed, project)
    last = math.ceil(total / 20)
    with signed_in(shared) as client:
        first = client.get(f"/{A11Y}/-/issues").text
        assert count(first, "issuable-row") == 20 and f"Showing 1-20 of {total} issues" in first
        assert f"Page 1 of {last}" in first and f'href="/{A11Y}/-/issues?page=2"' in first
        final = client.get(f"/{A11Y}/-/issues?page={last}").text
        assert count(final, "issuable-row") == total - 20 * (last - 1)
        assert "Next</a>" not in final and "Previous</a>" in final
        first_ids = set(re.findall(r'id="issue_(\d+)"', first))
        assert first_ids.isdisjoint(re.findall(r'id="issue_(\d+)"', final))
        clamped = client.get(f"/{A11Y}/-/issues?page=999")
        assert clamped.status_code == 200 and f"Page {last} of {last}" in clamped.text


def test_filters_redirect_to_one_canonical_url(shared: Environment, seed: sqlite3.Connection) -> None:
    project = queries.project_by_full_path(seed, A11Y)
    assert project is not None
    expected = queries.open_issue_count(seed, project, "bug")
    with signed_in(shared) as client:
        messy = client.get(f"/{A11Y}/-/issues", params=[("search", ""), ("author_username", ""), ("label_name[]", "bug"),
                                                         ("sort", "created_date"), ("state", "opened")])
        assert messy.status_code == 302
        assert messy.headers["location"] == f"/{A11Y}/-/issues?label_name%5B%5D=bug"
        page = client.get(messy.headers["location"])
        assert page.status_code == 200 and f"of {expected} issues" in page.text
        closed = client.get(f"/{A11Y}/-/issues?label_name%5B%5D=bug&state=closed")
        assert closed.status_code == 200 and "Closed" in closed.text
        mine = client.get("/dashboard/issues")
        assert mine.headers["location"] == "/dashboard/issues?assignee_username=byteblaze"
        reviews = client.get("/dashboard/merge_requests?reviewer_username=byteblaze")
        wanted = queries.open_merge_requests(seed, reviewer="byteblaze")
        assert reviews.status_code == 200 and count(reviews.text, "issuable-row") == len(wanted)
        assert all(mr["title"] in reviews.text for mr in wanted)


def _listing(client: httpx.Client, path: str, params: list[tuple[str, str]]) -> tuple[str, str]:
    """Follow a list URL to its canonical form: (final URL, page text)."""
    response = client.get(path, params=params)
    if response.status_code == 302:
        response = client.get(response.headers["location"])
    assert response.status_code == 200, (params, response.status_code)
    return response.url.raw_path.decode(), response.text


def test_search_box_filter_tokens_list_what_the_url_parameters_list(shared: Environment,
                                                                      seed: sqlite3.Connection) -> None:
    """GitLab's filtered search typed into the box and the equivalent URL parameters end on the same canonical
    URL and list the same rows; malformed tokens come back as searched text, never as an error."""
    project = queries.project_by_full_path(seed, A11Y)
    assert project is not None
    issues, mrs = f"/{A11Y}/-/issues", f"/{A11Y}/-/merge_requests"
    planned = seed.execute("""SELECT ms.title AS milestone, u.username FROM issues i JOIN milestones ms
                              ON ms.id = i.milestone_id JOIN users u ON u.id = i.assignee_id
                              WHERE i.project_id = ? AND i.state = 'opened' ORDER BY i.id LIMIT 1""",
                           (project["id"],)).fetchone()
    equivalents = [
        (issues, "label:bug", [("label_name[]", "bug")]),
        (issues, 'label:~"good first issue" is:closed', [("label_name[]", "good first issue"), ("state", "closed")]),
        (issues, f'milestone:"{planned["milestone"]}" assignee:@{planned["username"]}',
         [("milestone_title", planned["milestone"]), ("assignee_username", planned["username"])]),
        (issues, "author:@ericwbailey state:all focus", [("author_username", "ericwbailey"), ("state", "all"),
                                                          ("search", "focus")]),
        (issues, "label:=bug label:content assignee:none", [("label_name[]", "bug"), ("label_name[]", "content"),
                                                            ("assignee_username", "None")]),
        (mrs, "is:merged reviewer:@byteblaze", [("reviewer_username", "byteblaze"), ("state", "merged")]),
        ("/dashboard/issues", "assignee:@byteblaze label:bug", [("label_name[]", "bug"),
                                                                ("assignee_username", "byteblaze")]),
    ]
    with signed_in(shared) as client:
        for path, typed, params in equivalents:
            by_box, box_page = _listing(client, path, [("search", typed)])
            by_url, url_page = _listing(client, path, params)
            assert by_box == by_url, typed
            rows = re.findall(r'id="(?:issue|merge_request)_(\d+)"', box_page)
            assert rows == re.findall(r'id="(?:issue|merge_request)_(\d+)"', url_page) and rows, typed
        # the token filters what the query functions say it filters
        _, page = _listing(client, issues, [("search", "label:bug is:closed")])
        closed_bugs = queries.tracker_counts(seed, TrackerQuery(kind="issue", labels=("bug",)), project["id"], None)
        assert f"of {closed_bugs['closed']} issues" in page
        for malformed in ("label:", 'label:"never closed', "label:!=bug", "state:merged", "reviewer:@kilian",
                          "label:~", 'milestone:"', "author:@"):
            url, page = _listing(client, issues, [("search", malformed)])
            assert "Not a valid filter" in page and "search=" in url, malformed
            assert client.get(url).status_code == 200, malformed  # the canonical URL is stable: no redirect
        free, page = _listing(client, issues, [("search", 'weird:thing "two words"')])
        assert "Not a valid filter" not in page and "search=weird%3Athing" in free


def test_search_tokens_parse_leniently() -> None:
    parsed = parse_search('label:~"good first issue" author:@vinta fix  crash milestone:%"v1.0" is:open', "issue")
    assert parsed.filters == (("label_name[]", "good first issue"), ("author_username", "vinta"),
                              ("milestone_title", "v1.0"), ("state", "opened"))
    assert parsed.text == "fix crash" and not parsed.rejected
    assert parse_search("is:merged", "merge_request").filters == (("state", "merged"),)
    assert parse_search("is:merged", "issue").rejected == ("is:merged",)
    for raw in ("label:", 'label:"x', "label:!=bug", "assignee:@", '"', "a:b:c", "label:bug:", ":label:x", "\t"):
        q = TrackerQuery.from_pairs("issue", [("search", raw)])
        assert TrackerQuery.from_pairs("issue", q.pairs()) == q, raw  # canonical form is a fixed point


def test_contributors_and_star_ranking_pages_match_the_queries(shared: Environment, seed: sqlite3.Connection) -> None:
    project = queries.project_by_full_path(seed, "eriklindernoren/PyTorch-GAN")
    assert project is not None
    ranking = queries.contributors(seed, project["id"])
    with signed_in(shared) as client:
        page = client.get("/eriklindernoren/PyTorch-GAN/-/graphs/main").text
        shown = re.findall(r'contributor-name">([^<]+)</td>.*?contributor-commits">(\d+)<', page, re.S)
        assert shown == [(r["name"], str(r["commits"])) for r in ranking]
        starred = client.get("/explore/projects/starred").text
        names = re.findall(r'class="project-link" href="/([^"]+)"', starred)
        assert names[:5] == [p["full_path"] for p in queries.most_starred(seed, 5)]


def test_unknown_things_are_404(shared: Environment) -> None:
    with signed_in(shared) as client:
        for path in ("/nobody-here", "/byteblaze/no-such-project", f"/{A11Y}/-/issues/9999", f"/{A11Y}/-/issues/abc",
                     f"/{A11Y}/-/merge_requests/9999", f"/{A11Y}/-/blob/main/missing.txt", f"/{A11Y}/-/tree/no-branch",
                     "/users/nobody-here/starred"):
            response = client.get(path)
            assert response.status_code == 404, path
            assert "Page not found" in response.text or "not found" in response.text.lower()


def test_private_projects_are_invisible_to_non_members(shared: Environment) -> None:
    with signed_in(shared, "vinta") as vinta, signed_in(shared) as owner:
        assert vinta.get("/byteblaze/timecard").status_code == 404
        assert owner.get("/byteblaze/timecard").status_code == 200
        assert "byteblaze/timecard" not in vinta.get("/explore/projects?name=timecard").text
        assert 'href="/byteblaze/timecard"' in owner.get("/explore/projects?name=timecard").text


def test_writes_check_membership_and_role(env: Environment, seed: sqlite3.Connection) -> None:
    with signed_in(env, "vinta") as vinta:
        members = vinta.get("/byteblaze/dotfiles/-/project_members").text
        assert "Invite members" not in members and 'data-username="byteblaze"' in members
        assert vinta.post("/byteblaze/dotfiles/-/project_members",
                          data={"username": "vinta", "access_level": "Owner"}).status_code == 403
        assert vinta.post("/byteblaze/dotfiles/-/new/main", data={"file_name": "x.txt", "content": "x"}).status_code == 403
        assert vinta.post("/byteblaze/dotfiles/-/issues/1/state", data={"state_event": "close"}).status_code == 403
        assert vinta.post("/byteblaze/dotfiles/-/issues/1/notes", data={"note": "Nice setup!"}).status_code == 303
    with httpx.Client(base_url=env.urls["gitlab"]) as anonymous:
        bounced = anonymous.post("/byteblaze/dotfiles/-/toggle_star", headers={"referer": env.urls["gitlab"] + "/byteblaze/dotfiles"})
        assert bounced.status_code == 303 and bounced.headers["location"] == "/users/sign_in?next=%2Fbyteblaze%2Fdotfiles"
    conn = sqlite3.connect(env.db_paths["codehost"])
    try:
        notes = conn.execute("SELECT body FROM notes n JOIN users u ON u.id = n.author_id WHERE u.username = 'vinta' "
                             "AND n.body = 'Nice setup!'").fetchall()
        states = conn.execute("SELECT state FROM issues i JOIN projects p ON p.id = i.project_id "
                              "WHERE p.path = 'dotfiles' AND i.iid = 1").fetchone()
        members = conn.execute("SELECT COUNT(*) FROM project_members pm JOIN users u ON u.id = pm.user_id "
                               "JOIN projects p ON p.id = pm.project_id WHERE u.username = 'vinta' "
                               "AND p.path = 'dotfiles'").fetchone()[0]
    finally:
        conn.close()
    dotfiles = queries.project_by_full_path(seed, "byteblaze/dotfiles")
    seeded = queries.issue(seed, dotfiles["id"], 1) if dotfiles else None
    assert len(notes) == 1 and members == 0
    assert seeded is not None and states[0] == seeded["state"]


# -- forms -------------------------------------------------------------------------------------------------------


def test_new_projects_get_gitlab_slugs_readmes_and_visibility(env: Environment) -> None:
    with signed_in(env) as client:
        made = client.post("/projects/new", data={"project[name]": "Do it myself", "project[visibility_level]": "public",
                                                  "project[initialize_with_readme]": "1", "project[namespace]": "byteblaze"})
        assert made.status_code == 303 and made.headers["location"] == "/byteblaze/Do-it-myself"
        page = client.get("/byteblaze/Do-it-myself").text
        assert 'class="visibility-icon" title="Public - ' in page and "Do it myself" in page
        raw = client.get("/byteblaze/Do-it-myself/-/raw/main/README.md")
        assert raw.headers["content-type"].startswith("text/plain") and raw.text.startswith("# Do it myself")
        again = client.post("/projects/new", data={"project[name]": "Do it myself", "project[namespace]": "byteblaze"})
        assert again.status_code == 422 and "has already been taken" in again.text
        empty = client.post("/projects/new", data={"project[name]": "empty_one", "project[namespace]": "byteblaze"})
        assert empty.status_code == 303
        assert "The repository for this project is empty" in client.get("/byteblaze/empty_one").text
        assert client.get("/byteblaze/empty_one/-/raw/main/README.md").status_code == 404
        assert "Private" in client.get("/byteblaze/empty_one").text
        foreign = client.post("/projects/new", data={"project[name]": "sneaky", "project[namespace]": "keycloak"})
        assert foreign.status_code == 422
        for bad in ("-starts-with-dash", "semi;colon", "hash #tag", "back\\slash"):
            refused = client.post("/projects/new", data={"project[name]": bad, "project[namespace]": "byteblaze"})
            assert refused.status_code == 422 and "Project name can contain only" in refused.text, bad
        ok = client.post("/projects/new", data={"project[name]": "Ünïcode c++ notes", "project[namespace]": "byteblaze"})
        assert ok.status_code == 303


def test_new_files_are_commits_served_raw(env: Environment) -> None:
    with signed_in(env) as client:
        before = client.get("/byteblaze/dotfiles/-/commits/main").text
        total = int(re.search(r"(\d+) commits", before).group(1))  # type: ignore[union-attr]
        made = client.post("/byteblaze/dotfiles/-/new/main", data={"file_name": "car/urls.txt", "content": "a\nb\n",
                                                                   "commit_message": "Add car links"})
        assert made.status_code == 303 and made.headers["location"] == "/byteblaze/dotfiles/-/blob/main/car/urls.txt"
        assert client.get("/byteblaze/dotfiles/-/raw/main/car/urls.txt").text == "a\nb\n"
        assert 'href="/byteblaze/dotfiles/-/tree/main/car">car/</a>' in client.get("/byteblaze/dotfiles").text
        after = client.get("/byteblaze/dotfiles/-/commits/main").text
        assert f"{total + 1} commits" in after and "Add car links" in after
        clash = client.post("/byteblaze/dotfiles/-/new/main", data={"file_name": "car/urls.txt", "content": "c"})
        assert clash.status_code == 422 and "already exists" in clash.text


def test_profile_status_website_follow_and_star(env: Environment) -> None:
    with signed_in(env) as client:
        saved = client.post("/-/profile", data={"user[name]": "Byte Blaze", "user[status][message]": " Enjoying life ",
                                                "user[bio]": "", "user[website_url]": "egg.tart.com", "user[location]": ""})
        assert saved.status_code == 303
        profile = client.get("/byteblaze").text
        assert '<div class="cover-status">Enjoying life</div>' in profile
        assert '<a itemprop="url" href="https://egg.tart.com" rel="nofollow">egg.tart.com</a>' in profile
        assert client.post("/users/vinta/follow").status_code == 303
        assert "@vinta" in client.get("/users/byteblaze/following").text
        stars = int(re.search(r"(\d+) stars", client.get("/keycloak/keycloak").text).group(1))  # type: ignore[union-attr]
        client.post("/keycloak/keycloak/-/toggle_star")
        page = client.get("/keycloak/keycloak").text
        assert f"{stars + 1} stars" in page and ">Unstar</button>" in page
        assert 'href="/keycloak/keycloak"' in client.get("/users/byteblaze/starred").text
        client.post("/keycloak/keycloak/-/toggle_star")
        assert f"{stars} stars" in client.get("/keycloak/keycloak").text


async def test_issue_round_trip_in_the_browser(env: Environment, browser: Browser) -> None:
    context = await browser.new_context(storage_state=env.storage_state(["gitlab"]))
    try:
        page = await context.new_page()
        await page.goto(env.urls["gitlab"] + "/byteblaze/a11y-webring.club/-/issues/new")
        await page.get_by_role("textbox", name="Title").fill("Widget focus ring is invisible")
        await page.get_by_role("textbox", name="Description").fill("Steps:\n\n- tab to the widget")
        await page.get_by_role("checkbox", name="bug").check()
        await page.get_by_role("combobox", name="Assignee").select_option(label="Dave Greene")
        await page.get_by_role("button", name="Create issue").click()
        await page.wait_for_url(re.compile(r"/-/issues/\d+$"))
        assert await page.locator('[data-qa-selector="title_content"]').inner_text() == "Widget focus ring is invisible"
        assert "bug" in await page.locator(".block.labels").inner_text()
        assert "Dave Greene" in await page.locator(".block.assignee").inner_text()
        await page.get_by_role("combobox", name="Add a label").select_option(label="help wanted")
        await page.get_by_role("button", name="Add label").click()
        await page.get_by_role("textbox", name="Comment").fill("I can take this one.")
        await page.get_by_role("button", name="Comment").click()
        await page.get_by_text("Your comment has been added.").wait_for()
        last = page.locator("#notes-list > li").last
        assert await last.locator(".timeline-discussion-body").inner_text() == "I can take this one."
        await page.get_by_role("button", name="Close issue").click()
        await page.get_by_role("button", name="Reopen issue").wait_for()
        assert await page.locator(".issuable-status-badge").first.inner_text() == "Closed"
        notes = await page.locator(".system-note-message").all_inner_texts()
        assert any("added ~help wanted label" in n for n in notes) and any(n.startswith("Byte Blaze closed") for n in notes)
    finally:
        await context.close()
    conn = sqlite3.connect(env.db_paths["codehost"])
    row = conn.execute("""SELECT i.state, u.username, group_concat(l.title) FROM issues i JOIN users u ON u.id = i.assignee_id
                          JOIN issue_labels il ON il.issue_id = i.id JOIN labels l ON l.id = il.label_id
                          WHERE i.title = 'Widget focus ring is invisible' GROUP BY i.id""").fetchone()
    conn.close()
    assert row[0] == "closed" and row[1] == "davepgreene" and set(row[2].split(",")) == {"bug", "help wanted"}


async def test_members_page_speaks_the_role_helpers_markup(env: Environment, browser: Browser,
                                                           seed: sqlite3.Connection) -> None:
    project = queries.project_by_full_path(seed, A11Y)
    assert project is not None
    expected = {m["username"]: roles.role_name(m["access_level"]) for m in queries.project_members(seed, project)}
    context = await browser.new_context(storage_state=env.storage_state(["gitlab"]))
    try:
        page = await context.new_page()
        await page.goto(f"{env.urls['gitlab']}/{A11Y}/-/project_members")
        funcs = eval_funcs.FuncEnv(page=page, context=context, placeholders={}, last_url=page.url)
        for username, role in expected.items():
            assert await eval_funcs.call(f"func:gitlab_get_project_memeber_role(__page__, '{username}')", funcs) == role
        assert await eval_funcs.call("func:gitlab_get_project_memeber_role(__page__, 'vinta')", funcs) == ""
        await page.get_by_role("textbox", name="Username or email").fill("Vinta Chen")
        await page.get_by_role("combobox", name="Select a role").select_option(label="Reporter")
        await page.get_by_role("button", name="Invite").click()
        await page.get_by_text("was added to the project as Reporter").wait_for()
        assert await eval_funcs.call("func:gitlab_get_project_memeber_role(__page__, 'vinta')", funcs) == "Reporter"
        await page.get_by_role("combobox", name="Role of vinta").select_option(label="Developer")
        await page.get_by_role("button", name="Update role of vinta").click()
        await page.get_by_text("is now a Developer").wait_for()
        assert await eval_funcs.call("func:gitlab_get_project_memeber_role(__page__, 'vinta')", funcs) == "Developer"
    finally:
        await context.close()


async def test_pages_are_accessible(shared: Environment, browser: Browser) -> None:
    """Every visible form control has an accessible name, every table has header cells, every page one h1,
    and every link and button has text: what the agent needs from the accessibility tree."""
    audit = """() => {
      const problems = [];
      const visible = (el) => el.offsetParent !== null || el.getClientRects().length > 0;
      for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
        const named = (el.labels && el.labels.length) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
        if (!named) problems.push('unnamed control ' + (el.name || el.id));
      }
      for (const el of document.querySelectorAll('a[href], button')) {
        if (visible(el) && !(el.innerText.trim() || el.getAttribute('aria-label'))) problems.push('empty ' + el.outerHTML.slice(0, 80));
      }
      for (const table of document.querySelectorAll('table')) {
        if (!table.querySelector('th')) problems.push('table without th');
      }
      if (document.querySelectorAll('h1').length !== 1) problems.push(document.querySelectorAll('h1').length + ' h1');
      return problems;
    }"""
    pages = ["/dashboard/projects", "/explore/projects/starred", f"/{A11Y}", f"/{A11Y}/-/issues", f"/{A11Y}/-/issues/1",
             f"/{A11Y}/-/issues/new", f"/{A11Y}/-/merge_requests/1", f"/{A11Y}/-/merge_requests/new",
             f"/{A11Y}/-/project_members", f"/{A11Y}/-/labels", f"/{A11Y}/-/milestones", f"/{A11Y}/-/commits/main",
             f"/{A11Y}/-/graphs/main", f"/{A11Y}/-/branches", f"/{A11Y}/-/tree/main", f"/{A11Y}/edit",
             f"/{A11Y}/-/new/main", "/projects/new", "/byteblaze", "/users/byteblaze/following", "/-/profile",
             "/search?search=gan", "/dashboard/merge_requests?reviewer_username=byteblaze", "/a11yproject"]
    context = await browser.new_context(storage_state=shared.storage_state(["gitlab"]))
    try:
        page = await context.new_page()
        for path in pages:
            response = await page.goto(shared.urls["gitlab"] + path)
            assert response is not None and response.ok, path
            assert await page.evaluate(audit) == [], path
    finally:
        await context.close()


# -- small pieces ------------------------------------------------------------------------------------------------


def test_markdown_escapes_html_and_renders_the_basics() -> None:
    html = str(render_markdown("# Title <b>\n\nSee `a<b>` and [docs](https://x.test/d).\n\n- one\n- [x] two\n\n```\n<i>\n```"))
    assert "<h2>Title &lt;b&gt;</h2>" in html and "<code>a&lt;b&gt;</code>" in html
    assert '<a href="https://x.test/d">docs</a>' in html and "<li>☑ two</li>" in html
    assert "<pre><code>&lt;i&gt;</code></pre>" in html and "<b>" not in html


def test_tracker_query_canonical_form_is_a_fixed_point() -> None:
    messy = [("sort", "created_date"), ("state", "closed"), ("label_name[]", "bug"), ("search", "  x "),
             ("assignee_username", ""), ("label_name[]", "bug"), ("page", "2"), ("bogus", "1")]
    q = TrackerQuery.from_pairs("issue", messy)
    assert q.pairs() == [("label_name[]", "bug"), ("search", "x"), ("state", "closed"), ("page", "2")]
    assert TrackerQuery.from_pairs("issue", q.pairs()) == q
    assert TrackerQuery.from_pairs("issue", [("state", "merged")]).state == "opened"
    assert TrackerQuery.from_pairs("merge_request", [("state", "merged")]).query_string() == "?state=merged"
