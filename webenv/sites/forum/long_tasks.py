"""The forum's long tasks: 12-30 actions each, where a plan that carries what it found from page to page helps.

Each template visits several forums (their Top or New listings, or every page of a listing), so its answer
only exists once partial results from each forum are noted and combined: compare the top posts of several
forums, act on each of them, apply a stated rule to a set of forums and leave the subscriptions exactly so,
follow the newest post of each forum to its author's profile, count over all the pages of several listings,
and create-edit-reply-subscribe chains. Forum sets and thresholds are drawn from the seed data by a seeded random
stream; only well-posed candidates (a single winner, distinct authors, a threshold that splits the set) are
kept, so the first ones become the test split and the rest the training pool.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any

from webenv.answers import count, name
from webenv.sites.common import seeded_rng
from webenv.sites.forum import queries
from webenv.sites.forum.seed import DEFAULT_USER
from webenv.sites.forum.tasks import (
    FIRST_COMMENT,
    LAST_POST,
    POST_TEXT,
    SITE,
    SUBMITTER,
    forum_row,
    in_forum,
    task,
    vote_check,
)
from webenv.tasks.authoring import Plan, Split, Template, click, html_check, html_eval, string_eval, type_into

ForumSet = tuple[str, ...]
SUBSCRIPTION_FORM = "document.querySelector('.subscribe-button').closest('form').getAttribute('action')"
BODY = "document.querySelector('.submission__body').outerText"


def listed(forums: ForumSet) -> str:
    """A forum set as the intent names it: "a, b and c" (sorted, so one set is one intent)."""
    return ", ".join(forums[:-1]) + " and " + forums[-1]


def forum_sets(conn: sqlite3.Connection, salt: str, size: int, *, pool: list[str] | None = None,
               accept: Callable[[ForumSet], bool] = lambda _s: True) -> Iterator[ForumSet]:
    """Distinct sorted forum sets drawn by a seeded stream, well-posed ones only (`accept`)."""
    names = pool if pool is not None else queries.forum_names(conn)
    rng = seeded_rng(f"forum-long-{salt}")
    seen: set[ForumSet] = set()
    for _attempt in range(20000):
        chosen = tuple(sorted(rng.sample(names, size), key=str.lower))
        if chosen in seen:
            continue
        seen.add(chosen)
        if accept(chosen):
            yield chosen


class Facts:
    """The per-forum facts the generators compare, each read from the database once (candidate sets are drawn
    by the hundred and would otherwise repeat the same queries)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._top: dict[str, dict[str, Any]] = {}
        self._newest: dict[str, dict[str, Any]] = {}
        self._totals: dict[str, int] = {}
        self._busy: dict[tuple[str, int], int] = {}

    def top(self, forum: str) -> dict[str, Any]:
        if forum not in self._top:
            self._top[forum] = queries.top_submission(self.conn, forum)
        return self._top[forum]

    def tops(self, forums: ForumSet) -> dict[str, dict[str, Any]]:
        return {forum: self.top(forum) for forum in forums}

    def newest(self, forum: str) -> dict[str, Any]:
        if forum not in self._newest:
            self._newest[forum] = queries.newest_submission(self.conn, forum)
        return self._newest[forum]

    def total(self, username: str) -> int:
        if username not in self._totals:
            self._totals[username] = queries.submission_total(self.conn, username)
        return self._totals[username]

    def busy(self, forum: str, at_least: int) -> int:
        if (forum, at_least) not in self._busy:
            self._busy[forum, at_least] = queries.busy_submission_count(self.conn, forum, at_least)
        return self._busy[forum, at_least]


def _to_forum(plan: Plan, forum_name: str, why: str, *then: Any, notes: list[str]) -> Plan:
    return plan.step(why, f"Go to /f/{forum_name}" + (" and sort it." if then else "."),
                     click("link", "Forums"), click("link", forum_name), *then, notes=notes)


def _ranked(values: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(values.items(), key=lambda item: -item[1])


def _single_winner(values: dict[str, int]) -> bool:
    ranked = _ranked(values)
    return ranked[0][1] > ranked[1][1]


# --- compare the top posts of several forums -------------------------------------------------------------------

COMPARE_TOPS = Template(3015, "Among the forums {{forums}}, which one has the top post of all time with the highest "
                              "score, and what is that score?")
COMPARE_SIZE = 7


def compare_tops(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    facts = Facts(conn)
    def scores(forums: ForumSet) -> dict[str, int]:
        return {f: int(p["score"]) for f, p in facts.tops(forums).items()}

    def make(forums: ForumSet, split: Split) -> dict[str, Any]:
        tops = facts.tops(forums)
        ranked = _ranked(scores(forums))
        (winner, best), (_second, runner_up) = ranked[0], ranked[1]
        plan = Plan()
        for forum_name in forums:
            top = tops[forum_name]
            _to_forum(plan, forum_name, "Each forum's top post of all time is first in its Top listing; note its "
                      "score before moving on.", click("link", "Top"),
                      notes=[f"/f/{forum_name}: top post \"{top['title']}\" has {top['score']} points."])
        solution = plan.finish(f"Of the noted scores, {winner}'s {best} is the highest (next: {runner_up}).",
                               f"Answer {winner} with {best} points.", f"{winner}, {best}")
        others = [name(f) for f in forums if f != winner]
        return task(COMPARE_TOPS.id, COMPARE_TOPS.text, {"forums": listed(forums)}, string_eval(
            [name(winner), count(best)], exclude=[*others, count(runner_up)]), solution, split=split)

    candidates = forum_sets(conn, "compare", COMPARE_SIZE, accept=lambda s: _single_winner(scores(s)))
    return COMPARE_TOPS.tasks(islice(candidates, 4 + 120), make, test=4)


# --- act on the top post of each of several forums ---------------------------------------------------------------

UPVOTE_TOPS = Template(3016, "Upvote the top post of all time in each of these forums: {{forums}}", held_out=True)


def upvote_tops(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    facts = Facts(conn)
    def make(forums: ForumSet, split: Split) -> dict[str, Any]:
        tops = facts.tops(forums)
        plan = Plan()
        for forum_name in forums:
            top = tops[forum_name]
            _to_forum(plan, forum_name, "The top post of all time is the first one of the forum's Top listing.",
                      click("link", "Top"), notes=[f"/f/{forum_name}: the top post is \"{top['title']}\"."])
            plan.step("Its own Upvote button is named after it.", f"Upvote \"{top['title']}\".",
                      click("button", f"Upvote {top['title']}"),
                      notes=[f"Upvoted the top post of {forum_name}."])
        solution = plan.finish("Every listed forum's top post shows a pressed Upvote button.",
                               "Finish: all top posts are upvoted.")
        return task(UPVOTE_TOPS.id, UPVOTE_TOPS.text, {"forums": listed(forums)},
                    html_eval(*(vote_check(tops[f], "up") for f in forums)), solution, split=split)

    return UPVOTE_TOPS.tasks(islice(forum_sets(conn, "upvote", 5), 3), make, test=3)


# --- apply a rule to a set of forums -----------------------------------------------------------------------------

SUBSCRIBE_RULE = Template(3017, "Of the forums {{forums}}, make sure I am subscribed to exactly those whose top post "
                                "of all time has a score of at least {{threshold}}, and to none of the others in "
                                "that list")
RULE_SIZE = 6


def subscribe_rule(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    facts = Facts(conn)
    me = queries.user_by_name(conn, DEFAULT_USER)
    assert me is not None
    subscribed = {f["name"] for f in queries.subscribed_forums(conn, int(me["id"]))}
    rng = seeded_rng("forum-long-threshold")

    def cases() -> Iterator[tuple[ForumSet, int]]:
        for forums in forum_sets(conn, "subscribe", RULE_SIZE):
            scores = sorted((int(p["score"]) for p in facts.tops(forums).values()), reverse=True)
            cut = rng.randint(2, RULE_SIZE - 2)  # how many forums clear the bar: never all, never none
            if scores[cut - 1] == scores[cut]:
                continue  # the bar could not separate them
            threshold = scores[cut - 1]
            wanted = {f for f, p in facts.tops(forums).items() if int(p["score"]) >= threshold}
            if wanted != {f for f in forums if f in subscribed}:  # something has to change
                yield forums, threshold

    def make(case: tuple[ForumSet, int], split: Split) -> dict[str, Any]:
        forums, threshold = case
        tops = facts.tops(forums)
        plan = Plan()
        checks = []
        for forum_name in forums:
            score = int(tops[forum_name]["score"])
            want = score >= threshold
            have = forum_name in subscribed
            verdict = f"{score} {'>=' if want else '<'} {threshold}: {'subscribe' if want else 'not subscribed'}"
            _to_forum(plan, forum_name, "The top post's score is first in the Top listing; the sidebar shows "
                      "whether I am subscribed.", click("link", "Top"), notes=[f"/f/{forum_name}: {verdict}."])
            if want and not have:
                plan.step(f"{score} clears the bar and I am not subscribed yet.", f"Subscribe to {forum_name}.",
                          click("button", f"Subscribe to {forum_name}"))
            elif have and not want:
                plan.step(f"{score} is below the bar but I am subscribed.", f"Unsubscribe from {forum_name}.",
                          click("button", f"Unsubscribe from {forum_name}"))
            action = "unsubscribe" if want else "subscribe"  # the form a subscribed (or not) user is offered
            checks.append(html_check(f"{SITE}/f/{forum_name}", SUBSCRIPTION_FORM,
                                     exact_match=f"/f/{forum_name}/{action}"))
        plan.step("The forum list shows every subscription at once, to check the result.",
                  "Open the forum list and check the subscriptions.", click("link", "Forums"))
        solution = plan.finish("Exactly the forums at or above the bar are subscribed.", "Finish: done.")
        return task(SUBSCRIBE_RULE.id, SUBSCRIBE_RULE.text, {"forums": listed(forums), "threshold": str(threshold)},
                    html_eval(*checks), solution, split=split)

    return SUBSCRIBE_RULE.tasks(islice(cases(), 4 + 80), make, test=4)


# --- multi-hop: from each forum's newest post to its author's profile ---------------------------------------------

NEWEST_AUTHORS = Template(3018, "Of the users who submitted the newest post in each of the forums {{forums}}, who "
                                "has the most submissions on the whole site, and how many?", held_out=True)


def newest_authors(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    facts = Facts(conn)
    def authors(forums: ForumSet) -> dict[str, str]:
        return {f: str(facts.newest(f)["author"]) for f in forums}

    def totals(forums: ForumSet) -> dict[str, int]:
        return {a: facts.total(a) for a in authors(forums).values()}

    def accept(forums: ForumSet) -> bool:
        return len(set(authors(forums).values())) == len(forums) and _single_winner(totals(forums))

    def make(forums: ForumSet, split: Split) -> dict[str, Any]:
        by_forum = authors(forums)
        counts = totals(forums)
        plan = Plan()
        for forum_name in forums:
            post = facts.newest(forum_name)
            author = by_forum[forum_name]
            _to_forum(plan, forum_name, "The newest post is first in the forum's New listing; its submitter is the "
                      "user to look up.", click("link", "New"),
                      notes=[f"/f/{forum_name}: newest post \"{post['title']}\" by {author}."])
            plan.step("A profile says how many submissions its user has made.", f"Open {author}'s profile.",
                      click("link", author, near=post["title"]),
                      notes=[f"{author} has {counts[author]} submissions."])
        ranked = _ranked(counts)
        (winner, most), (_second, runner_up) = ranked[0], ranked[1]
        solution = plan.finish(f"Of the noted totals {winner}'s {most} is the largest (next: {runner_up}).",
                               f"Answer {winner} with {most}.", f"{winner}, {most}")
        return task(NEWEST_AUTHORS.id, NEWEST_AUTHORS.text, {"forums": listed(forums)}, string_eval(
            [name(winner), count(most)], exclude=[*(name(a) for a in counts if a != winner), count(runner_up)]),
            solution, split=split)

    return NEWEST_AUTHORS.tasks(islice(forum_sets(conn, "authors", 5, accept=accept), 4), make, test=4)


# --- aggregate over every page of several listings --------------------------------------------------------------

BUSY_FORUMS = Template(3019, "Of the forums {{forums}}, which has the most submissions with at least {{n}} comments, "
                             "and how many such submissions does it have?")
BUSY_SIZE = 5
MIN_PAGES = 3


def busy_forums(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    facts = Facts(conn)
    big = [f["name"] for f in queries.all_forums(conn)
           if -(-int(f["submission_count"]) // queries.FORUM_PAGE_SIZE) >= MIN_PAGES]
    rng = seeded_rng("forum-long-busy")

    def cases() -> Iterator[tuple[ForumSet, int]]:
        for forums in forum_sets(conn, "busy", BUSY_SIZE, pool=big):
            n = rng.choice((5, 6, 8, 10))
            if _single_winner({f: facts.busy(f, n) for f in forums}):
                yield forums, n

    def make(case: tuple[ForumSet, int], split: Split) -> dict[str, Any]:
        forums, n = case
        found = {f: facts.busy(f, n) for f in forums}
        plan = Plan()
        for forum_name in forums:
            forum = forum_row(conn, forum_name)
            pages = -(-int(forum["submission_count"]) // queries.FORUM_PAGE_SIZE)
            _to_forum(plan, forum_name, "Every submission shows its comment count in the listing; the forum "
                      f"spreads its {forum['submission_count']} submissions over {pages} pages.", notes=[])
            plan.step(f"Count the posts with {n} or more comments on each page and keep a running total.",
                      "Read each page of the listing.", *[click("link", "Next") for _ in range(pages - 1)],
                      notes=[f"/f/{forum_name}: {found[forum_name]} submissions with at least {n} comments."])
        ranked = _ranked(found)
        (winner, most), (_second, runner_up) = ranked[0], ranked[1]
        solution = plan.finish(f"{winner} has the most ({most}; next {runner_up}).", f"Answer {winner} with {most}.",
                               f"{winner}, {most}")
        wrong = sorted({most - 1, most + 1, runner_up} - {most})
        return task(BUSY_FORUMS.id, BUSY_FORUMS.text, {"forums": listed(forums), "n": str(n)}, string_eval(
            [name(winner), count(most)], exclude=[*(name(f) for f in forums if f != winner),
                                                  *(count(v) for v in wrong if v >= 0)]), solution, split=split)

    return BUSY_FORUMS.tasks(islice(cases(), 5 + 60), make, test=5)


# --- create, then edit, then reply, then subscribe ----------------------------------------------------------------

COMPOSE = Template(3020, 'Submit a post titled "{{title}}" to the {{forum}} forum, then edit it to add the body '
                         '"{{body}}", reply to your own post with "{{reply}}", and subscribe me to that forum',
                   held_out=True)
COMPOSE_CASES = (
    ("running", "Trail shoes that survive city pavement?", "I split my week between trails and roads.",
     "Update: I ordered a pair of hybrids."),
    ("Cooking", "Weeknight dinners under thirty minutes", "Share your fastest reliable recipe.",
     "Mine is a pan of gnocchi with peas."),
)


def compose(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    me = queries.user_by_name(conn, DEFAULT_USER)
    assert me is not None
    def make(case: tuple[str, str, str, str], split: Split) -> dict[str, Any]:
        forum_name, title, body, reply = case
        forum = forum_row(conn, forum_name)
        if queries.is_subscribed(conn, int(forum["id"]), int(me["id"])):
            raise ValueError(f"{DEFAULT_USER} is already subscribed to {forum_name}")
        plan = Plan()
        _to_forum(plan, forum_name, "A forum's own submit link pre-selects the forum.", notes=[])
        plan.step("Post with the title only; the body comes in the edit.", "Submit the post with its title.",
                  click("link", "Submit a new post"), type_into("textbox", "Title", title),
                  click("button", "Create submission"))
        plan.step("The author of a post can edit it from the post page.", "Edit the post and add the body.",
                  click("link", "Edit submission"), type_into("textbox", "Body (optional)", body),
                  click("button", "Save changes"))
        plan.step("A reply to the post is a top-level comment.", "Write the reply and post it.",
                  type_into("textbox", "Write a comment", reply), click("button", "Post comment"))
        plan.step("The forum's sidebar sits beside the reply too.", f"Subscribe to {forum_name}.",
                  click("button", f"Subscribe to {forum_name}"))
        solution = plan.finish("The post has the title, the added body and my reply; the forum is subscribed.",
                               "Finish: done.")
        return task(COMPOSE.id, COMPOSE.text, {"title": title, "forum": forum_name, "body": body, "reply": reply},
                    html_eval(html_check(LAST_POST, POST_TEXT, must_include=[title]),
                              html_check(LAST_POST, SUBMITTER, exact_match=DEFAULT_USER),
                              html_check(LAST_POST, BODY, exact_match=body),
                              html_check(LAST_POST, FIRST_COMMENT, exact_match=reply),
                              html_check(f"{SITE}/f/{forum_name}", SUBSCRIPTION_FORM,
                                         exact_match=f"/f/{forum_name}/unsubscribe"),
                              reference_url=in_forum(f"/f/{forum_name}")), solution, split=split)

    return COMPOSE.tasks(COMPOSE_CASES, make, test=len(COMPOSE_CASES))


BUILDERS = (compare_tops, upvote_tops, subscribe_rule, newest_authors, busy_forums, compose)
