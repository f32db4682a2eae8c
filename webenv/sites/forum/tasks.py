"""The forum's tasks, in WebArena's config format, each with a reference solution.

The templates mirror WebArena-Lite's reddit tasks (post in a fitting forum, reply, vote, change the bio, create a
forum, subscribe, edit a post, count and compare), with the same evaluator shapes: `url_match` on the forum plus
`program_html` on `func:reddit_get_post_url('__last_url__')` for new posts, vote-state classes for votes,
`string_match` for questions. Which post is "the newest", "the top" or "trending", and every answer, is computed
from the seed database by `queries`, so the tasks follow the data if the seed changes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from webenv.answers import count, name, not_achievable
from webenv.sites.forum import queries
from webenv.sites.forum.seed import DEFAULT_USER
from webenv.tasks.authoring import (
    Plan,
    Split,
    TaskSite,
    Template,
    click,
    goto,
    html_check,
    html_eval,
    string_eval,
    type_into,
)
from webenv.url_sets import UrlPage, page

SITE = "__REDDIT__"
task = TaskSite("reddit", home=SITE, storage_state="./.auth/reddit_state.json", string_fields=True).task
POST_TEXT = "document.querySelector('.submission__inner').outerText"
VOTE_CLASS = "document.querySelector('div.submission__vote').querySelector('form').getAttribute('class')"
FIRST_COMMENT = "document.querySelector('.comment__body').outerText"
REPLYING_TO = "document.querySelector('.comment__replying-to').outerText"
BIO = 'document.querySelector(".user-bio__biography").outerText'
LAST_POST = "func:reddit_get_post_url('__last_url__')"


def in_forum(path: str) -> UrlPage:
    """A forum or a post and any page below it (a new post's page, a comment's permalink): where an agent ends up
    after posting or replying there; what the page holds is checked by program_html."""
    return page(f"{SITE}{path}", subpages=True, any_query=True)


def _open_forum(plan: Plan, forum: dict[str, Any], why: str) -> Plan:
    return plan.step(
        why,
        f"Open the forum list and go to /f/{forum['name']}.",
        click("link", "Forums"),
        click("link", forum["name"]),
        notes=[f"/f/{forum['name']} ({forum['title']}): {forum['description']}"],
    )


def forum_row(conn: sqlite3.Connection, name: str) -> dict[str, Any]:
    found = queries.forum_by_name(conn, name)
    if found is None:
        raise KeyError(f"seed has no forum {name!r}")
    return found


# --- posting -------------------------------------------------------------------------------------------------

QUESTIONS = (  # (question, every forum where it belongs, what those forums are about, for the plan's reasoning)
    ("is car necessary in NYC", ("nyc", "AskNYC"), "New York City"),
    ("what is the recommended console to buy these days", ("consoles",), "video game consoles"),
    ("how do I stop my risotto from turning out gummy", ("Cooking",), "home cooking"),
    ("should I pay off my car loan early or invest in index funds", ("personalfinance",), "personal finance"),
)
SUBMITTER = "document.querySelector('.submission__submitter').outerText"


def post_question(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """"A subreddit where I'm likely to get an answer" is any forum whose description covers the question's topic:
    the gold is that set of forums (for NYC both /f/nyc and /f/AskNYC), not the one the reference happens to use,
    and the post itself must be the user's and carry the question."""
    template = 'Post my question, "{{question}}", in a subreddit where I\'m likely to get an answer'
    tasks = []
    for question, forum_names, topic in QUESTIONS:
        forums = [forum_row(conn, forum_name) for forum_name in forum_names]
        forum = forums[0]
        plan = _open_forum(Plan(), forum,
                           f"The question is about {topic}; the forum list shows which forum covers that"
                           + (f" ({', '.join('/f/' + f['name'] for f in forums)} all do)." if len(forums) > 1 else "."))
        plan.step(
            "A forum's own submit link pre-selects the forum, so only the title is left to fill in.",
            f"Start a new post in /f/{forum['name']} with the question as its title and submit it.",
            click("link", "Submit a new post"),
            type_into("textbox", "Title", question),
            click("button", "Create submission"),
        )
        solution = plan.finish("The post page shows the question in the chosen forum; nothing else was asked.",
                               "Finish: the question is posted.")
        tasks.append(task(3000, template, {"question": question}, html_eval(
            html_check(LAST_POST, POST_TEXT, must_include=[question]),
            html_check(LAST_POST, SUBMITTER, exact_match=DEFAULT_USER),
            reference_url=[in_forum(f"/f/{f['name']}") for f in forums],
        ), solution))
    return tasks


REVIEWS = (("The Overstory", "the trees are the real main characters"), ("Piranesi", "beautiful and strange"))


def post_review(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    template = 'Post a review of my recent reading "{{book}}" in the r/books with my comment "{{content}}".'
    forum = forum_row(conn, "books")
    tasks = []
    for book, content in REVIEWS:
        plan = _open_forum(Plan(), forum, "Reviews belong in the books forum the user named.")
        plan.step(
            "The review needs the book in the title and the user's comment in the body.",
            f"Create a post titled with the book and the comment '{content}' as its body.",
            click("link", "Submit a new post"),
            type_into("textbox", "Title", f"Review: {book}"),
            type_into("textbox", "Body (optional)", content),
            click("button", "Create submission"),
        )
        solution = plan.finish("The post page shows the book and the comment.", "Finish: the review is posted.")
        tasks.append(task(3001, template, {"book": book, "content": content}, html_eval(
            html_check(LAST_POST, POST_TEXT, must_include=[book, content]), reference_url=in_forum("/f/books"),
        ), solution))
    return tasks


# --- replying ------------------------------------------------------------------------------------------------

REPLY_TARGETS = (  # (forum, whose comment, the reply): hand-written comments on hand-written posts (threads.json)
    ("MachineLearning", "night_owl_nora", "Did you try it on a second dataset?"),
    ("nyc", "frugal_fiona", "Thanks, that is really helpful!"),
)


def reply_to_comment(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    template = 'Reply to the comment by {{user}} on this post with "{{content}}"'
    tasks = []
    for forum_name, user, content in REPLY_TARGETS:
        post, comment = queries.sole_comment_in_forum(conn, forum_name, user)
        label = f"Reply to comment #{comment['id']} by {comment['author']}"
        plan = Plan().step(
            f"{comment['author']} wrote exactly one comment here (#{comment['id']}); its Reply link opens that "
            "comment's thread with a reply form.",
            f"Open the reply form of {comment['author']}'s comment.",
            click("link", label),
            notes=[f"{comment['author']}'s comment is #{comment['id']}: \"{comment['body']}\""],
        ).step(
            "Replying under that comment (not as a new top-level comment) is what was asked.",
            f"Type '{content}' as the reply and post it.",
            type_into("textbox", label, content),
            click("button", "Post reply"),
        )
        solution = plan.finish("The reply's own page says which comment it replies to.", "Finish: the reply is posted.")
        tasks.append(task(3002, template, {"user": comment["author"], "content": content}, html_eval(
            html_check("last", FIRST_COMMENT, exact_match=content),
            html_check("last", REPLYING_TO, must_include=[f"comment #{comment['id']} by {comment['author']}"]),
            reference_url=in_forum(post["path"]),
        ), solution, start_url=f"{SITE}{post['path']}"))
    return tasks


def reply_to_post(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    template = 'Reply to the post with my comment "{{content}}"'
    post = queries.top_submission(conn, "technology")
    content = "Is there a source for this?"
    plan = Plan().step(
        "A reply to the post itself is a top-level comment, written in the form above the comments.",
        f"Write '{content}' in the comment box and post it.",
        type_into("textbox", "Write a comment", content),
        click("button", "Post comment"),
    )
    solution = plan.finish("The new comment's page shows it.", "Finish: the comment is posted.")
    return [task(3003, template, {"content": content}, html_eval(
        html_check("last", FIRST_COMMENT, exact_match=content), reference_url=in_forum(post["path"]),
    ), solution, start_url=f"{SITE}{post['path']}")]


# --- voting --------------------------------------------------------------------------------------------------


def vote_check(post: dict[str, Any], direction: str) -> dict[str, Any]:
    return html_check(f"{SITE}{post['path']}", VOTE_CLASS, must_include=[f"vote vote--user-{direction}voted"])


UPVOTE_NEWEST = Template(3004, "Upvote the newest post in {{forum}} subreddit")


def upvote_newest(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    cases = ["books", "Cyberpunk"]
    more = [f for f in queries.forum_names(conn) if f not in cases]  # training instances

    def make(forum_name: str, split: Split) -> dict[str, Any]:
        forum = forum_row(conn, forum_name)
        post = queries.newest_submission(conn, forum_name)
        plan = _open_forum(Plan(), forum, f"The newest post is found in /f/{forum_name} sorted by New.")
        plan.step(
            "Sorting by New puts the most recent submission first.",
            "Sort the forum by New.",
            click("link", "New"),
            notes=[f"The newest post in {forum_name} is \"{post['title']}\" by {post['author']}."],
        ).step(
            "Each post's vote buttons are named after it, so the first post's Upvote button is unambiguous.",
            f"Upvote \"{post['title']}\".",
            click("button", f"Upvote {post['title']}"),
        )
        solution = plan.finish("The Upvote button now shows as pressed.", "Finish: the post is upvoted.")
        return task(UPVOTE_NEWEST.id, UPVOTE_NEWEST.text, {"forum": forum_name},
                    html_eval(vote_check(post, "up")), solution, split=split)

    return UPVOTE_NEWEST.tasks([*cases, *more], make, test=len(cases))


DOWNVOTE_TOP = Template(3005, "Thumbs down the top 1 post ever in {{forum}}.")


def downvote_top(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    cases = ["gadgets"]
    more = [f for f in queries.forum_names(conn) if f not in cases]  # training instances

    def make(name: str, split: Split) -> dict[str, Any]:
        forum = forum_row(conn, name)
        post = queries.top_submission(conn, name)
        plan = _open_forum(Plan(), forum, "The top post of all time is the first one when sorted by Top.")
        plan.step(
            "Top sorts by score over all time.",
            "Sort the forum by Top.",
            click("link", "Top"),
            notes=[f"The top post in {name} is \"{post['title']}\" with a score of {post['score']}."],
        ).step("A thumbs down is a downvote.", f"Downvote \"{post['title']}\".",
               click("button", f"Downvote {post['title']}"))
        solution = plan.finish("The Downvote button now shows as pressed.", "Finish: the post is downvoted.")
        return task(DOWNVOTE_TOP.id, DOWNVOTE_TOP.text, {"forum": name}, html_eval(vote_check(post, "down")),
                    solution, split=split)

    return DOWNVOTE_TOP.tasks([*cases, *more], make, test=len(cases))


def like_all_by_user(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    template = "Like all submissions created by {{user}} in subreddit {{forum}}"
    user, forum_name = "CameronKelsey", "EarthPorn"
    posts = queries.submissions_in_forum_by(conn, user, forum_name)
    if len(posts) < 2:
        raise ValueError(f"{user} needs at least two posts in {forum_name} for this task")
    plan = Plan().step(
        "A user's profile lists all their submissions with the forum each is in; profiles live at /user/{name}.",
        f"Open {user}'s submissions.",
        goto(f"{SITE}/user/{user}/submissions"),
        notes=[f"{user} has {len(posts)} submissions in {forum_name}: "
               + "; ".join(f"\"{p['title']}\"" for p in posts)],
    ).step(
        f"Only the ones in {forum_name} count; each has its own Upvote button.",
        f"Upvote each of {user}'s {forum_name} submissions.",
        *[click("button", f"Upvote {p['title']}") for p in posts],
    )
    solution = plan.finish(f"All {len(posts)} posts show a pressed Upvote button.", "Finish: every post is upvoted.")
    return [task(3010, template, {"user": user, "forum": forum_name},
                 html_eval(*(vote_check(p, "up") for p in posts)), solution)]


# --- account and forum settings --------------------------------------------------------------------------------


def change_bio(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    template = 'Change my reddit bio to "{{content}}"'
    content = "Pro Python Developer with 20 years of Experience"
    plan = Plan().step(
        "The biography is edited from the user's own profile.",
        "Open my profile and its Edit biography page.",
        click("link", DEFAULT_USER),
        click("link", "Edit biography"),
    ).step("Replace the old biography entirely with the requested text.", f"Set the biography to '{content}' and save.",
           type_into("textbox", "Biography", content), click("button", "Save"))
    solution = plan.finish("The profile shows the new biography.", "Finish: the bio is changed.")
    return [task(3006, template, {"content": content},
                 html_eval(html_check(f"{SITE}/user/{DEFAULT_USER}", BIO, exact_match=content)), solution)]


def create_forum(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    template = ("Create a new forum named {{name}}, with a description of {{description}}, and include "
                "{{sidebar_list}} in the sidebar?")
    name, description = "Solarpunk", "Optimistic futures built on sustainable technology"
    items = ["Fiction", "Art", "Gardening", "Energy"]
    if queries.forum_by_name(conn, name) is not None:
        raise ValueError(f"forum {name} must not exist in the seed")
    plan = Plan().step(
        "New forums are created from the forum list.",
        "Open the forum list and its Create forum page.",
        click("link", "Forums"),
        click("link", "Create forum"),
    ).step(
        "The name, description and sidebar are given; the title is required too, so reuse the name.",
        "Fill in the name, title, description and sidebar, then create the forum.",
        type_into("textbox", "Name", name),
        type_into("textbox", "Title", name),
        type_into("textbox", "Description", description),
        type_into("textbox", "Sidebar", "\n".join(items)),
        click("button", "Create forum"),
    )
    solution = plan.finish(f"/f/{name} exists with that description and sidebar.", "Finish: the forum is created.")
    return [task(3007, template, {"name": name, "description": description, "sidebar_list": str(items)}, html_eval(
        html_check(f"{SITE}/f/{name}/edit", 'document.querySelector("#forum_description").value',
                   must_include=[description]),
        html_check(f"{SITE}/f/{name}/edit", 'document.querySelector("#forum_sidebar").value', must_include=items),
    ), solution)]


def subscribe_trending(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    template = 'Open the thread of a trending post on the forum "{{forum}}" and subscribe.'
    forum = forum_row(conn, "MachineLearning")
    post = queries.hot_submissions(conn, forum["name"], limit=1)[0]
    plan = _open_forum(Plan(), forum, "'machine learning' is /f/MachineLearning; its default Hot "
                       "sort lists the trending posts.")
    plan.step(
        "Any trending post will do; the first Hot post is the most trending.",
        f"Open \"{post['title']}\".",
        click("link", post["title"]),
    ).step(
        "The forum sidebar next to the thread has the subscribe button.",
        "Subscribe to the forum.",
        click("button", f"Subscribe to {forum['name']}"),
    )
    solution = plan.finish("The button now reads Unsubscribe, so the subscription is in place.", "Finish: subscribed.")
    return [task(3008, template, {"forum": "machine learning"}, html_eval(
        html_check(f"{SITE}/", 'document.querySelector("#sidebar > section").outerText', must_include=[forum["name"]]),
        reference_url=in_forum(f"/f/{forum['name']}"),
    ), solution)]


def edit_own_post(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    template = 'Edit my post "{{title}}" by adding a line to the body that says "{{content}}"'
    post = next(p for p in queries.submissions_by(conn, DEFAULT_USER) if p["forum"] == "television")
    content = "Every episode makes me feel like a kid again"
    original = str(post["body"])
    plan = Plan().step(
        "My own posts are listed on my profile.",
        f"Open my profile and the post \"{post['title']}\".",
        click("link", DEFAULT_USER),
        click("link", post["title"]),
    ).step(
        "Adding a line means keeping the existing body and appending the new line.",
        "Edit the submission, append the line to the body and save.",
        click("link", "Edit submission"),
        type_into("textbox", "Body (optional)", f"{original}\n{content}"),
        click("button", "Save changes"),
        notes=[f"The body was: \"{original}\""],
    )
    solution = plan.finish("The post body now ends with the new line.", "Finish: the post is edited.")
    return [task(3009, template, {"title": post["title"], "content": content}, html_eval(
        html_check(f"{SITE}{post['path']}", "document.querySelector('.submission__body').outerText",
                   must_include=[original.splitlines()[0], content]),
    ), solution)]


# --- questions -----------------------------------------------------------------------------------------------


def top_post_comments(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    template = Template(3011, "How many comments does the top post of all time in the {{forum}} forum have?")
    cases = ["nyc", "MachineLearning"]
    more = [f for f in queries.forum_names(conn) if f not in cases]  # training instances

    def make(forum_name: str, split: Split) -> dict[str, Any]:
        forum = forum_row(conn, forum_name)
        top, runner_up = queries.top_submissions(conn, forum_name, 2)
        if split == "train" and top["score"] == runner_up["score"]:
            raise ValueError(f"the top posts of {forum_name} tie")
        comments = queries.comment_count(conn, top["id"])
        plan = _open_forum(Plan(), forum, "The top post of all time is first when sorted by Top.")
        plan.step(
            "Each post in the listing shows its comment count.",
            "Sort by Top and read the first post's comment count.",
            click("link", "Top"),
            notes=[f"The top post in {forum_name} is \"{top['title']}\" with {comments} comments."],
        )
        solution = plan.finish("The count is read from the listing.", f"Answer {comments}.", str(comments))
        # Distractors: off by one, and the comment count of the second post.
        wrong = {comments - 1, comments + 1, queries.comment_count(conn, runner_up["id"])} - {comments}
        return task(template.id, template.text, {"forum": forum_name},
                    string_eval(count(comments), exclude=[count(n) for n in sorted(wrong) if n >= 0]), solution,
                    split=split)

    return template.tasks([*cases, *more], make, test=len(cases))


def most_active_poster(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    template = Template(3012, "Who has posted the most submissions in the {{forum}} forum?")
    more = [f for f in queries.forum_names(conn) if f != "movies"]  # training instances
    return template.tasks(["movies", *more], lambda forum_name, split: _most_active(conn, template, forum_name, split),
                          test=1)


def _most_active(conn: sqlite3.Connection, template: Template, forum_name: str, split: Split) -> dict[str, Any]:
    forum = forum_row(conn, forum_name)
    leader, posts = queries.top_poster(conn, forum_name)
    ranked = queries.poster_counts(conn, forum_name)
    pages = -(-int(forum["submission_count"]) // queries.FORUM_PAGE_SIZE)
    plan = _open_forum(Plan(), forum, "Counting authors needs every submission of the forum.")
    tally = "Submissions per author: " + ", ".join(f"{user} {n}" for user, n in ranked[:4])
    if pages > 1:
        plan.step("The forum has more than one page of submissions.", "Read the authors on each page.",
                  *[click("link", "Next") for _ in range(pages - 1)], notes=[tally])
    else:
        plan.note(tally)
    solution = plan.finish(f"{leader} has the most submissions ({posts}).", f"Answer {leader}.", leader)
    runners_up = [name(user) for user, _n in ranked[1:4]]
    return task(template.id, template.text, {"forum": forum_name}, string_eval(name(leader), exclude=runners_up),
                solution, split=split)


def unknowable_email(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    template = "What is the email address of the user who posted the top post of all time in {{forum}}?"
    forum_name = "books"
    forum = forum_row(conn, forum_name)
    post = queries.top_submission(conn, forum_name)
    note = "The forum never shows users' email addresses (profiles show only a biography and activity)."
    plan = _open_forum(Plan(), forum, "First find who posted the top post.")
    plan.step(
        "Top sorts by score; the first post's submitter is the user in question.",
        "Sort by Top and open the top post's author's profile.",
        click("link", "Top"),
        click("link", post["author"], near=post["title"]),
        notes=[f"The top post is \"{post['title']}\" by {post['author']}; the profile shows no email address."],
    )
    solution = plan.finish(note, "Report that the email address cannot be found.", "N/A")
    return [task(3013, template, {"forum": forum_name},
                 string_eval(not_achievable(), fuzzy=["N/A"], raw="N/A", note=note), solution)]


def local_bookstores(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    template = ('Among the top {{number}} post in "{{forum}}" forum, is there any post talks about supporting '
                "local book stores? If so, tell me the organizations involved")
    forum_name, number = "books", 10
    forum = forum_row(conn, forum_name)
    matches = [p for p in queries.top_submissions(conn, forum_name, number)
               if "local bookstore" in f"{p['title']} {p['body'] or ''}".lower() and p["url"]]
    if len(matches) != 1:
        raise ValueError(f"expected exactly one top-{number} post about local bookstores, found {len(matches)}")
    post = matches[0]
    host = urlsplit(post["url"]).netloc.removeprefix("www.")
    top_posts = queries.top_submissions(conn, forum_name, number)
    others = sorted({urlsplit(p["url"]).netloc.removeprefix("www.") for p in top_posts if p["url"]} - {host})
    plan = _open_forum(Plan(), forum, "The top posts are listed when the forum is sorted by Top.")
    plan.step(
        f"Read the first {number} titles under Top; one is about money going to independent bookstores.",
        "Sort by Top and open the post about bookstores.",
        click("link", "Top"),
        click("link", post["title"]),
        notes=[f"\"{post['title']}\" links to {post['url']} and says: {post['body']}"],
    )
    solution = plan.finish(f"The organization is {host}.", f"Answer {host}.", host)
    # Distractors: the sites the other top posts link to.
    return [task(3014, template, {"number": str(number), "forum": forum_name},
                 string_eval(name(host), exclude=[name(o) for o in others], must_include=[host.lower()], raw=host),
                 solution)]


BUILDERS: tuple[Callable[[sqlite3.Connection], list[dict[str, Any]]], ...] = (
    post_question, post_review, reply_to_comment, reply_to_post, upvote_newest, downvote_top, change_bio,
    create_forum, subscribe_trending, edit_own_post, like_all_by_user, top_post_comments, most_active_poster,
    unknowable_email, local_bookstores,
)
