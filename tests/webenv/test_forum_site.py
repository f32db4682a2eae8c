"""The forum (WebArena's "reddit"): seed data, pages, forms and permissions, on a real server and real Chromium."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page

from webenv.auth import login_cookies
from webenv.server import Environment, start_environment, template_database
from webenv.sites.forum import FORUM, queries
from webenv.sites.forum.seed import DEFAULT_USER, build_database
from webenv.sites.forum.text import slugify

SITE = "reddit"


@pytest.fixture
def env() -> Iterator[Environment]:
    environment = start_environment(sites=[SITE])
    yield environment
    environment.stop()


@pytest.fixture
def seed() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(template_database(FORUM))
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


def db(env: Environment) -> sqlite3.Connection:
    conn = sqlite3.connect(env.db_paths["forum"])
    conn.row_factory = sqlite3.Row
    return conn


@contextmanager
def client(env: Environment, username: str | None = DEFAULT_USER) -> Iterator[httpx.Client]:
    """An HTTP client, logged in as `username` (None: anonymous)."""
    with httpx.Client(base_url=env.urls[SITE], follow_redirects=False, timeout=10) as http:
        if username is not None:
            password = next(a.password for a in FORUM.accounts if a.username == username)
            response = http.post("/login_check", data={"_username": username, "_password": password})
            assert response.status_code == 303
        yield http


async def logged_in_page(browser: Browser, env: Environment) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(storage_state=env.storage_state([SITE]))
    return context, await context.new_page()


# --- seed ----------------------------------------------------------------------------------------------------


def test_seed_has_the_promised_volume_and_shape(seed: sqlite3.Connection) -> None:
    count = lambda table: seed.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: E731
    assert count("forums") >= 15
    assert count("users") >= 60
    assert count("submissions") >= 350
    assert count("comments") >= 900
    assert seed.execute("SELECT COUNT(*) FROM comments c JOIN comments p ON p.id = c.parent_id "
                        "WHERE p.parent_id IS NOT NULL").fetchone()[0] > 0, "no replies to replies"
    assert seed.execute("SELECT COUNT(*) FROM forums WHERE description = '' OR sidebar = ''").fetchone()[0] == 0
    assert seed.execute("SELECT COUNT(*) FROM users WHERE biography = ''").fetchone()[0] == 0
    names = {row["name"] for row in queries.all_forums(seed)}
    assert {"books", "gadgets", "pics", "EarthPorn", "Cyberpunk", "technology", "movies", "nyc", "running",
            "MachineLearning"} <= names
    assert len(queries.submissions_by(seed, DEFAULT_USER)) >= 3
    assert seed.execute("SELECT COUNT(*) FROM submission_votes v JOIN users u ON u.id = v.user_id "
                        "WHERE u.username = ?", (DEFAULT_USER,)).fetchone()[0] == 0


def test_seed_is_deterministic(tmp_path: Path) -> None:
    build_database(tmp_path / "a.sqlite")
    build_database(tmp_path / "b.sqlite")
    dumps = []
    for name in ("a.sqlite", "b.sqlite"):
        conn = sqlite3.connect(tmp_path / name)
        dumps.append("\n".join(conn.iterdump()))
        conn.close()
    assert dumps[0] == dumps[1]


def test_seed_facts_tasks_ask_about_have_one_answer(seed: sqlite3.Connection) -> None:
    for name in queries.forum_names(seed):
        queries.top_poster(seed, name)  # raises on a tie
        top_two = queries.top_submissions(seed, name, 2)
        assert top_two[0]["score"] > top_two[1]["score"], name
        newest_two = queries.submissions(seed, sort="new", forum_id=queries.forum_by_name(seed, name)["id"], limit=2)
        assert newest_two[0]["created_at"] > newest_two[1]["created_at"], name


def test_generated_posts_never_contradict_themselves(seed: sqlite3.Connection) -> None:
    """Issue 7: a post's title, body and topical comments come from one kind of post and one set of values."""
    posts = seed.execute("SELECT s.id, s.title, COALESCE(s.body, '') AS body, f.name AS forum FROM submissions s "
                         "JOIN forums f ON f.id = s.forum_id").fetchall()
    texts = [post["title"] + post["body"] for post in posts]
    texts += [row[0] for row in seed.execute("SELECT body FROM comments")]
    assert not [text for text in texts if "{" in text or "}" in text], "an unfilled slot"
    moving = [post for post in posts if post["title"].startswith("Moving to ")]
    assert moving and not [post for post in moving if "lived here" in post["body"]]
    for post in posts:  # one value never fills two slots of a title
        pair = re.match(r"Is (.+) worth reading if I didn't like (.+)\?$", post["title"])
        assert pair is None or pair[1] != pair[2], post["title"]
    best = [post for post in posts if re.match(r"Best (.+) in (.+)\?$", post["title"])]
    checked = 0
    for post in best:  # a comment recommending a place names the food the post asked about
        food = re.match(r"Best (.+) in (.+)\?$", post["title"])[1]
        for (body,) in seed.execute("SELECT body FROM comments WHERE submission_id = ? AND body LIKE "
                                    "'There''s a great % place%'", (post["id"],)):
            assert f"great {food} place" in body, (post["title"], body)
            checked += 1
    assert checked > 0


# --- login and permissions --------------------------------------------------------------------------------------


def test_login_accepts_documented_accounts_and_rejects_wrong_passwords(env: Environment) -> None:
    with client(env, None) as http:
        bad = http.post("/login_check", data={"_username": DEFAULT_USER, "_password": "wrong"})
        assert bad.status_code == 401
        assert FORUM.cookie_name not in bad.cookies
        assert "Invalid username or password" in bad.text
        good = http.post("/login_check", data={"_username": DEFAULT_USER, "_password": "test1234",
                                                "next": "/forums"})
        assert good.status_code == 303 and good.headers["location"] == "/forums"
        assert f'href="/user/{DEFAULT_USER}"' in http.get("/").text
    for account in FORUM.accounts:
        assert login_cookies(FORUM, env.urls[SITE], account)[0]["name"] == "forum_session"


def test_anonymous_visitors_are_sent_to_login_before_writing(env: Environment, seed: sqlite3.Connection) -> None:
    post = queries.top_submission(seed, "books")
    with client(env, None) as http:
        for method, path in (("POST", f"/sv/{post['id']}"), ("GET", "/submit"), ("GET", "/create_forum"),
                             ("POST", f"{post['path']}/comment"), ("POST", "/f/books/subscribe")):
            response = http.request(method, path, data={"choice": "1", "body": "hi"} if method == "POST" else None)
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/login?next="), path
        assert "Write a comment" not in http.get(post["path"]).text


def test_unknown_things_are_404_pages_with_a_way_back(env: Environment, seed: sqlite3.Connection) -> None:
    books = queries.top_submission(seed, "books")
    other = queries.top_submission(seed, "gadgets")
    other_comment = queries.comments(seed, other["id"])[0]
    with client(env) as http:
        for path in ("/f/nosuchforum", f"/f/gadgets/{books['id']}", "/f/books/999999", "/user/nobody_here",
                     "/f/books/bogus", f"{books['path']}/comment/{other_comment['id']}", "/no/such/page"):
            response = http.get(path)
            assert response.status_code == 404, path
            assert 'href="/"' in response.text
        assert http.get("/f/books/edit").status_code == 403  # the default user moderates nothing


def test_a_submission_answers_on_every_postmill_url_form(env: Environment, seed: sqlite3.Connection) -> None:
    post = queries.top_submission(seed, "EarthPorn")
    with client(env) as http:
        for path in (f"/f/EarthPorn/{post['id']}", f"/f/EarthPorn/{post['id']}/", post["path"],
                     f"/f/EarthPorn/{post['id']}/a-stale-slug", f"/f/earthporn/{post['id']}"):
            response = http.get(path)
            assert response.status_code == 200, path
            assert '<h1 class="submission__title">' in response.text
        assert post["path"] == f"/f/EarthPorn/{post['id']}/{slugify(post['title'])}"


# --- listings -------------------------------------------------------------------------------------------------


async def test_forum_list_is_alphabetical_with_subscriber_counts(env: Environment, page: Page,
                                                                 seed: sqlite3.Connection) -> None:
    await page.goto(env.urls[SITE] + "/forums")
    names = await page.locator("table.forum-list tbody th a").all_inner_texts()
    assert names == sorted(names, key=str.lower)
    assert len(names) == len(queries.all_forums(seed))
    counts = await page.locator("table.forum-list tbody tr td:nth-child(3)").all_inner_texts()
    expected = {f["name"]: str(f["subscriber_count"]) for f in queries.all_forums(seed)}
    assert dict(zip(names, counts)) == expected


def test_forum_listing_sorts_and_paginates(env: Environment, seed: sqlite3.Connection) -> None:
    forum = queries.forum_by_name(seed, "books")
    pages = -(-forum["submission_count"] // queries.FORUM_PAGE_SIZE)
    assert pages >= 3, "books must span at least three pages (long tasks page through listings)"
    with client(env, None) as http:
        for sort in ("new", "top", "hot"):
            expected = queries.submissions(seed, sort=sort, forum_id=forum["id"], limit=1000)
            listed = [http.get(f"/f/books?sort={sort}&page={n}").text for n in range(1, pages + 1)]
            assert [title for html in listed for title in _titles(html)] == [item["title"] for item in expected], sort
            assert f'href="/f/books?page=2&amp;sort={sort}"' in listed[0]
            assert f"Page {pages} of {pages}" in listed[-1] and ">Next<" not in listed[-1]
        clamped = http.get("/f/books?sort=new&page=999").text
        assert _titles(clamped) == _titles(http.get(f"/f/books?sort=new&page={pages}").text)
        assert _titles(http.get("/f/books?page=oops").text) == _titles(http.get("/f/books").text)
        assert _titles(http.get("/f/books/top").text) == _titles(http.get("/f/books?sort=top").text)  # Postmill path


def _titles(html: str) -> list[str]:
    import html as html_lib

    return [html_lib.unescape(t) for t in re.findall(r'class="submission__link" href="[^"]+">([^<]+)</a>', html)]


def test_search_matches_every_word_in_titles_or_bodies(env: Environment, seed: sqlite3.Connection) -> None:
    with client(env, None) as http:
        page = http.get("/search", params={"q": "local bookstores"}).text
        assert "Bookshop.org has now sent more than $30 million" in page  # the words are in its body
        expected = queries.count_search(seed, "kindle")
        assert expected > 0
        assert f"{expected} submission" in http.get("/search", params={"q": "Kindle"}).text
        assert "0 submissions found" in http.get("/search", params={"q": "zzzz nothing"}).text


# --- forms ----------------------------------------------------------------------------------------------------


async def test_posting_round_trip_lands_on_the_new_post(env: Environment, browser: Browser) -> None:
    context, page = await logged_in_page(browser, env)
    try:
        await page.goto(env.urls[SITE] + "/submit")
        await page.get_by_role("button", name="Create submission").click()  # nothing filled in: browser blocks
        assert page.url.endswith("/submit")
        await page.get_by_role("textbox", name="Title").fill("Which e-reader has the best night light?")
        await page.get_by_role("textbox", name="Body (optional)").fill("Reading in bed.\n\nSecond paragraph.")
        await page.get_by_role("combobox", name="Forum").select_option(label="gadgets")
        await page.get_by_role("button", name="Create submission").click()
        await page.wait_for_load_state()
        match = re.search(r"/f/gadgets/(\d+)/which-e-reader-has-the-best-night-light$", page.url)
        assert match, page.url
        inner = await page.locator(".submission__inner").inner_text()
        assert "Which e-reader has the best night light?" in inner and "Second paragraph." in inner
        assert await page.locator(".submission__body p").count() == 2
        row = db(env).execute("SELECT s.title, u.username FROM submissions s JOIN users u ON u.id = s.user_id "
                              "WHERE s.id = ?", (int(match.group(1)),)).fetchone()
        assert tuple(row) == ("Which e-reader has the best night light?", DEFAULT_USER)
        # WebArena's reddit_get_post_url form of the URL renders the same post.
        await page.goto(f"{env.urls[SITE]}/f/gadgets/{match.group(1)}/")
        assert "Which e-reader" in await page.locator(".submission__inner").inner_text()
        await page.goto(env.urls[SITE] + "/f/gadgets?sort=new")
        assert await page.locator(".submission__link").first.inner_text() == "Which e-reader has the best night light?"
    finally:
        await context.close()


def test_submit_validation_keeps_what_was_typed(env: Environment) -> None:
    with client(env) as http:
        response = http.post("/submit", data={"title": "", "url": "not a url", "body": "kept", "forum": "nope"})
        assert response.status_code == 400
        assert "Please enter a title." in response.text
        assert "Please enter a valid URL" in response.text
        assert "Please choose a forum." in response.text
        assert ">kept</textarea>" in response.text
        assert db(env).execute("SELECT COUNT(*) FROM submissions WHERE body = 'kept'").fetchone()[0] == 0


def test_only_the_author_edits_or_deletes_a_submission(env: Environment, seed: sqlite3.Connection) -> None:
    mine = queries.submissions_by(seed, DEFAULT_USER)[0]
    theirs = queries.top_submission(seed, "books")
    with client(env) as http:
        assert http.get(f"{theirs['path']}/edit").status_code == 403
        assert http.post(f"{theirs['path']}/delete").status_code == 403
        assert "Edit submission" not in http.get(theirs["path"]).text
        form = http.get(f"{mine['path']}/edit").text
        assert f">{mine['body']}</textarea>" in form.replace("&#39;", "'")
        edited = http.post(f"{mine['path']}/edit", data={"title": mine["title"], "url": "", "body": "New body"})
        assert edited.status_code == 303
        page = http.get(edited.headers["location"]).text
        assert '<div class="submission__body"><p>New body</p>' in page and "(edited" in page
        deleted = http.post(f"{mine['path']}/delete")
        assert deleted.headers["location"] == f"/f/{mine['forum']}"
        assert http.get(mine["path"]).status_code == 404
    conn = db(env)
    assert conn.execute("SELECT COUNT(*) FROM submissions WHERE id = ?", (mine["id"],)).fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM comments WHERE submission_id = ?", (mine["id"],)).fetchone()[0] == 0


async def test_votes_toggle_and_show_their_state(env: Environment, browser: Browser,
                                                 seed: sqlite3.Connection) -> None:
    post = queries.top_submission(seed, "running")
    comment = queries.comment_tree(queries.comments(seed, post["id"]))[0]
    form = "document.querySelector('div.submission__vote').querySelector('form').getAttribute('class')"
    context, page = await logged_in_page(browser, env)
    try:
        await page.goto(env.urls[SITE] + post["path"])
        upvote = page.get_by_role("button", name=f"Upvote {post['title']}", exact=True)
        downvote = page.get_by_role("button", name=f"Downvote {post['title']}", exact=True)
        assert await page.evaluate(form) == "vote"
        await upvote.click()
        await page.wait_for_load_state()
        assert page.url.endswith(post["path"])
        assert await page.evaluate(form) == "vote vote--user-upvoted"
        assert await upvote.get_attribute("aria-pressed") == "true"
        assert await page.locator(".submission__vote .vote__net-score").text_content() == f"{post['score'] + 1} points"
        await downvote.click()
        await page.wait_for_load_state()
        assert await page.evaluate(form) == "vote vote--user-downvoted"
        assert await page.locator(".submission__vote .vote__net-score").text_content() == f"{post['score'] - 1} points"
        await downvote.click()  # pressing it again retracts the vote
        await page.wait_for_load_state()
        assert await page.evaluate(form) == "vote"
        await page.get_by_role("button", name=f"Upvote comment #{comment['id']} by {comment['author']}").click()
        await page.wait_for_load_state()
        comment_vote = page.locator(f"#comment_{comment['id']} > .comment__row .comment__vote")
        assert await comment_vote.locator("form").get_attribute("class") == "vote vote--user-upvoted"
        assert await comment_vote.locator(".vote__net-score").text_content() == \
            f"{comment['score'] + 1} point{'' if abs(comment['score'] + 1) == 1 else 's'}"
    finally:
        await context.close()
    with client(env) as http:
        assert http.post(f"/sv/{post['id']}", data={"choice": "7"}).status_code == 400
        assert http.post("/sv/999999", data={"choice": "1"}).status_code == 404
        redirected = http.post(f"/sv/{post['id']}", data={"choice": "1", "next": "https://example.com/"})
        assert redirected.headers["location"] == "/"  # never off-site


async def test_comments_and_replies_land_on_their_permalink(env: Environment, browser: Browser,
                                                            seed: sqlite3.Connection) -> None:
    post = queries.top_submission(seed, "askscience")
    parent = queries.comments(seed, post["id"])[0]
    context, page = await logged_in_page(browser, env)
    try:
        await page.goto(env.urls[SITE] + post["path"])
        await page.get_by_role("textbox", name="Write a comment").fill("Density is the short answer.")
        await page.get_by_role("button", name="Post comment").click()
        await page.wait_for_load_state()
        assert re.search(rf"{re.escape(post['path'])}/comment/\d+$", page.url)
        assert await page.evaluate("document.querySelector('.comment__body').outerText") == \
            "Density is the short answer."
        await page.goto(env.urls[SITE] + post["path"])
        label = f"Reply to comment #{parent['id']} by {parent['author']}"
        await page.get_by_role("link", name=label).click()
        await page.get_by_role("textbox", name=label).fill("Thanks, that helps.")
        await page.get_by_role("button", name="Post reply").click()
        await page.wait_for_load_state()
        assert await page.evaluate("document.querySelector('.comment__body').outerText") == "Thanks, that helps."
        assert await page.evaluate("document.querySelector('.comment__replying-to').outerText") == \
            f"Replying to comment #{parent['id']} by {parent['author']}"
    finally:
        await context.close()
    row = db(env).execute("SELECT parent_id FROM comments WHERE body = 'Thanks, that helps.'").fetchone()
    assert row["parent_id"] == parent["id"]
    with client(env) as http:
        empty = http.post(f"{post['path']}/comment", data={"body": "  "})
        assert empty.headers["location"] == post["path"]
        assert "Your comment was empty." in http.get(post["path"]).text


async def test_biography_edit_shows_on_the_profile(env: Environment, browser: Browser) -> None:
    context, page = await logged_in_page(browser, env)
    try:
        await page.goto(env.urls[SITE] + "/")
        await page.get_by_role("link", name=DEFAULT_USER).first.click()
        await page.get_by_role("link", name="Edit biography").click()
        await page.get_by_role("textbox", name="Biography").fill("Seeking SDE positions")
        await page.get_by_role("button", name="Save").click()
        await page.wait_for_load_state()
        assert page.url == f"{env.urls[SITE]}/user/{DEFAULT_USER}"
        assert await page.evaluate('document.querySelector(".user-bio__biography").outerText') == \
            "Seeking SDE positions"
    finally:
        await context.close()
    with client(env) as http:
        assert http.get("/user/quietlibrarian/edit_biography").status_code == 403
        assert http.post("/user/quietlibrarian/edit_biography", data={"biography": "x"}).status_code == 403
        assert "Edit biography" not in http.get("/user/quietlibrarian").text


def test_profile_tabs_list_submissions_and_comments(env: Environment, seed: sqlite3.Connection) -> None:
    user = queries.user_by_name(seed, "reelcritic")
    stats = queries.user_stats(seed, user["id"])
    with client(env, None) as http:
        submissions = http.get("/user/reelcritic/submissions").text
        assert f"Submissions ({stats['submissions']})" in submissions
        assert len(_titles(submissions)) == min(stats["submissions"], 20)
        comments = http.get("/user/reelcritic/comments").text
        assert comments.count('class="comment__body"') == min(stats["comments"], 20)
        assert user["biography"] in http.get("/user/reelcritic").text


async def test_creating_a_forum_makes_you_its_moderator(env: Environment, browser: Browser) -> None:
    context, page = await logged_in_page(browser, env)
    try:
        await page.goto(env.urls[SITE] + "/forums")
        await page.get_by_role("link", name="Create forum").click()
        await page.get_by_role("textbox", name="Name").fill("Solarpunk")
        await page.get_by_role("textbox", name="Title").fill("Solarpunk")
        await page.get_by_role("textbox", name="Description").fill("Hopeful futures")
        await page.get_by_role("textbox", name="Sidebar").fill("Fiction\nArt")
        await page.get_by_role("button", name="Create forum").click()
        await page.wait_for_load_state()
        assert page.url == f"{env.urls[SITE]}/f/Solarpunk"
        await page.get_by_role("link", name="Edit forum").click()
        assert await page.evaluate('document.querySelector("#forum_description").value') == "Hopeful futures"
        assert await page.evaluate('document.querySelector("#forum_sidebar").value') == "Fiction\nArt"
        await page.get_by_role("textbox", name="Description").fill("Hopeful, green futures")
        await page.get_by_role("button", name="Save changes").click()
        await page.wait_for_load_state()
        assert await page.evaluate('document.querySelector("#forum_description").value') == "Hopeful, green futures"
    finally:
        await context.close()
    with client(env) as http:
        duplicate = http.post("/create_forum", data={"name": "solarPUNK", "title": "Again"})
        assert duplicate.status_code == 400 and "already exists" in duplicate.text
        bad = http.post("/create_forum", data={"name": "no spaces!", "title": "x"})
        assert bad.status_code == 400 and "3 to 25 letters" in bad.text
    with client(env, "quietlibrarian") as http:
        assert http.get("/f/books/edit").status_code == 200
        assert http.get("/f/Solarpunk/edit").status_code == 403


def test_subscribing_updates_counts_and_the_front_page_sidebar(env: Environment, seed: sqlite3.Connection) -> None:
    before = queries.forum_by_name(seed, "MachineLearning")["subscriber_count"]
    sidebar = re.compile(r'<section class="sidebar__section subscriptions".*?</section>', re.S)
    with client(env) as http:
        assert "MachineLearning" not in sidebar.search(http.get("/").text).group(0)
        response = http.post("/f/MachineLearning/subscribe", data={"next": "/forums"})
        assert response.headers["location"] == "/forums"
        assert "MachineLearning" in sidebar.search(http.get("/").text).group(0)
        assert f"{before + 1} subscribers" in http.get("/f/MachineLearning").text
        http.post("/f/MachineLearning/unsubscribe")
        assert "MachineLearning" not in sidebar.search(http.get("/").text).group(0)


# --- accessibility ----------------------------------------------------------------------------------------------

_UNNAMED_CONTROLS = """
() => [...document.querySelectorAll('input:not([type=hidden]), textarea, select, button, a[href]')]
  .filter(el => {
    const labelled = (el.labels && el.labels.length) || el.getAttribute('aria-label')
      || el.getAttribute('aria-labelledby');
    return !labelled && !el.textContent.trim();
  })
  .map(el => el.outerHTML.slice(0, 120))
"""


async def test_pages_are_labelled_for_the_accessibility_tree(env: Environment, browser: Browser,
                                                             seed: sqlite3.Connection) -> None:
    post = queries.top_submission(seed, "movies")
    comment = queries.comments(seed, post["id"])[0]
    mine = queries.submissions_by(seed, DEFAULT_USER)[0]
    paths = ["/", "/forums", "/f/movies", post["path"], f"{post['path']}/comment/{comment['id']}", "/submit",
             f"{mine['path']}/edit", f"/user/{DEFAULT_USER}", f"/user/{DEFAULT_USER}/edit_biography",
             "/create_forum", "/search?q=movie", "/f/nosuch"]
    context, page = await logged_in_page(browser, env)
    try:
        for path in paths:
            await page.goto(env.urls[SITE] + path)
            assert await page.evaluate(_UNNAMED_CONTROLS) == [], path
            assert await page.locator("h1").count() == 1, path
            names = await page.locator(".vote__button").evaluate_all("els => els.map(e => e.ariaLabel)")
            assert len(names) == len(set(names)), f"{path}: vote buttons share a name"
    finally:
        await context.close()
