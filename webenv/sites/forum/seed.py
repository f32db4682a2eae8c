"""Build the forum's seed database: forums, users, submissions, threaded comments, votes and subscriptions.

Everything is generated from `seed_data/*.json` with `seeded_rng("forum")`, so every machine gets the same
rows and task answers computed from them never drift. Each forum has a few *kinds* of post (a question, a review,
a race report) whose title, body and topical comments are written together and filled with one set of values per
post, so a post never contradicts itself and its comments answer it. The big forums hold several pages of
submissions, so listing tasks really page. A few hand-written posts (`threads.json`) give the default account
something of its own to edit. The generator then
nudges the data so the facts tasks ask about are unambiguous: one clear top poster and one clear top post per
forum.
"""

from __future__ import annotations

import json
import random
import sqlite3
import string
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from webenv.sites.common import seeded_rng
from webenv.sites.forum.passwords import hash_password
from webenv.sites.forum.text import slugify

HERE = Path(__file__).parent
DATA = HERE / "seed_data"
DEFAULT_USER = "MarvelsGrantMan136"
DEFAULT_SUBSCRIPTIONS = ("books", "movies", "television")
FIRST_POST = datetime(2022, 6, 1)
LAST_POST = datetime(2023, 3, 31, 23, 0)
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"


@cache
def load(name: str) -> Any:
    return json.loads((DATA / name).read_text())


@dataclass
class Post:
    forum: str
    author: str
    title: str
    body: str | None
    url: str | None
    created: datetime
    popularity: float
    boost: int = 0
    fixed: bool = False  # hand-written in threads.json: its author is part of the story, never reassigned
    comments: list[Reply] = field(default_factory=list)


@dataclass
class Reply:
    author: str
    body: str
    created: datetime
    parent: int | None  # index into the post's comment list
    depth: int


class _Fill(dict[str, str]):
    """Template values; an unknown slot stays as written instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(template: str, values: dict[str, str]) -> str:
    return string.Formatter().vformat(template, (), _Fill(values))


def _when(rng: random.Random, used: set[datetime]) -> datetime:
    """A post time no other post has (so "newest" never ties)."""
    span = int((LAST_POST - FIRST_POST).total_seconds())
    while True:
        moment = FIRST_POST + timedelta(seconds=rng.randrange(0, span, 60))
        if moment not in used:
            used.add(moment)
            return moment


def _link(rng: random.Random, hosts: list[str], title: str) -> str:
    host = rng.choice(hosts)
    if host.startswith("i."):
        return f"https://{host}/{''.join(rng.choices(string.ascii_letters + string.digits, k=7))}.jpg"
    return f"https://{host}/{rng.randint(2022, 2023)}/{slugify(title)}"


def _slots(template: str) -> list[str]:
    return [name for _text, name, _spec, _conv in string.Formatter().parse(template) if name]


def _pick_values(rng: random.Random, forum: dict[str, Any], kind: dict[str, Any]) -> dict[str, str]:
    """One value per slot, chosen once for the whole post (title, body and the comments answering it), and never
    the same value in two slots of the title ("Is Dune worth reading if I didn't like Dune?")."""
    used = _slots(kind["title"])
    while True:
        values = {slot: rng.choice(options) for slot, options in forum["fill"].items()}
        if len({values[slot] for slot in used}) == len(set(used)):
            return values


def _generate_posts(rng: random.Random, forums: list[dict[str, Any]], authors: list[str]) -> list[Post]:
    """Each post is one *kind* of post of its forum (a question, a review, a race report...) whose title, body and
    topical comments are written together, filled with one set of slot values: a post never contradicts itself
    and its comments answer what it is about."""
    used_times: set[datetime] = set()
    posts: list[Post] = []
    for forum in forums:
        titles: set[str] = set()
        regulars = forum["regulars"]
        for _ in range(forum["posts"]):
            for _attempt in range(500):
                kind = rng.choice(forum["kinds"])
                values = _pick_values(rng, forum, kind)
                title = _fill(kind["title"], values)
                title = title[:1].upper() + title[1:]
                if title not in titles:
                    break
            else:
                raise ValueError(f"forum {forum['name']}: not enough distinct titles")
            titles.add(title)
            body = _fill(rng.choice(kind["bodies"]), values) or None
            url = _link(rng, forum["hosts"], title) if forum["hosts"] and rng.random() < forum["link_ratio"] else None
            if rng.random() < 0.5:
                author = rng.choices(regulars, weights=[len(regulars) - i + 1 for i in range(len(regulars))])[0]
            else:
                author = rng.choice(authors)
            post = Post(forum["name"], author, title, body, url, _when(rng, used_times), rng.random() ** 2)
            topical = [_fill(line, values) for line in kind["comments"] + forum["comments"]]
            post.comments = _thread(rng, post, topical, authors)
            posts.append(post)
    return posts


def _thread(rng: random.Random, post: Post, topical: list[str], authors: list[str]) -> list[Reply]:
    """Comments under a post: top-level ones mostly answer the post's topic (`topical`, already filled with the
    post's values), the rest are the generic remarks any thread gets; replies answer a comment."""
    threads = load("threads.json")
    count = int(post.popularity * 14) + rng.choice([0, 0, 1, 1, 2, 3])
    replies: list[Reply] = []
    for _ in range(count):
        parent: int | None = None
        if replies and rng.random() < 0.4:
            parent = rng.randrange(len(replies))
            if replies[parent].depth >= 4:
                parent = None
        after = replies[parent].created if parent is not None else post.created
        created = after + timedelta(minutes=rng.randint(3, 60 * 36))
        author = post.author if rng.random() < 0.1 else rng.choice(authors + [DEFAULT_USER])
        used = {reply.body for reply in replies}
        for _attempt in range(20):  # a thread rarely repeats itself word for word
            if parent is not None:
                body = rng.choice(threads["replies"])
            elif topical and rng.random() < 0.65:
                body = rng.choice(topical)
            else:
                body = rng.choice(threads["generic_comments"])
            if body not in used:
                break
        depth = replies[parent].depth + 1 if parent is not None else 0
        replies.append(Reply(author, body, created, parent, depth))
    return replies


def _fixed_posts(rng: random.Random, forums: dict[str, dict[str, Any]], authors: list[str]) -> list[Post]:
    posts = []
    for raw in load("threads.json")["fixed_submissions"]:
        created = datetime.strptime(raw["created_at"], TIME_FORMAT)
        post = Post(raw["forum"], raw["author"], raw["title"], raw.get("body"), raw.get("url"), created,
                    popularity=0.3 + rng.random() * 0.3, boost=raw.get("boost", 0), fixed=True)
        fixed = [Reply(c["author"], c["body"], created + timedelta(hours=2 + i), None, 0)
                 for i, c in enumerate(raw.get("comments", []))]
        others = [a for a in authors if a not in {reply.author for reply in fixed}]  # one comment each, tasks say
        post.comments = _thread(rng, post, forums[raw["forum"]]["comments"], others) + fixed  # indices stay valid
        posts.append(post)
    return posts


def _unique_top_posters(posts: list[Post]) -> None:
    """Hand one more post to the leading poster of any forum whose top poster count is tied, so "who posted
    the most in X" always has exactly one answer."""
    by_forum: dict[str, list[Post]] = {}
    for post in posts:
        by_forum.setdefault(post.forum, []).append(post)
    for forum_posts in by_forum.values():
        while True:
            counts = Counter(p.author for p in forum_posts if p.author != DEFAULT_USER)
            ranked = counts.most_common()
            if len(ranked) < 2 or ranked[0][1] > ranked[1][1]:
                break
            leader = ranked[0][0]
            donor = next(p for p in forum_posts if not p.fixed and p.author != leader
                         and counts[p.author] == min(counts.values()))
            donor.author = leader


def _insert_users(conn: sqlite3.Connection, rng: random.Random) -> dict[str, int]:
    passwords = {a["username"]: a["password"] for a in load("accounts.json")}
    ids: dict[str, int] = {}
    for raw in load("users.json"):
        salt = "".join(rng.choices(string.hexdigits.lower(), k=16))
        password = passwords.get(raw["username"]) or "".join(rng.choices(string.ascii_letters, k=24))
        joined = datetime(2019, 1, 1) + timedelta(days=rng.randint(0, 1000), minutes=rng.randint(0, 1439))
        cursor = conn.execute(
            "INSERT INTO users (username, password_salt, password_hash, biography, created_at) VALUES (?,?,?,?,?)",
            (raw["username"], salt, hash_password(password, salt), raw["bio"], joined.strftime(TIME_FORMAT)),
        )
        ids[raw["username"]] = int(cursor.lastrowid or 0)
    return ids


def _insert_forums(conn: sqlite3.Connection, rng: random.Random, forums: list[dict[str, Any]],
                   users: dict[str, int]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for forum in forums:
        created = datetime(2019, 6, 1) + timedelta(days=rng.randint(0, 700))
        cursor = conn.execute(
            "INSERT INTO forums (name, title, description, sidebar, created_at) VALUES (?,?,?,?,?)",
            (forum["name"], forum["title"], forum["description"], forum["sidebar"], created.strftime(TIME_FORMAT)),
        )
        ids[forum["name"]] = int(cursor.lastrowid or 0)
        for moderator in forum["moderators"]:
            conn.execute("INSERT INTO moderators (forum_id, user_id) VALUES (?,?)",
                         (ids[forum["name"]], users[moderator]))
    return ids


def _insert_subscriptions(conn: sqlite3.Connection, rng: random.Random, forums: list[dict[str, Any]],
                          forum_ids: dict[str, int], users: dict[str, int]) -> None:
    wanted: set[tuple[int, int]] = set()
    for forum in forums:
        for name in forum["regulars"] + forum["moderators"]:
            wanted.add((forum_ids[forum["name"]], users[name]))
    names = [f["name"] for f in forums]
    for username, user_id in users.items():
        if username == DEFAULT_USER:
            picks = list(DEFAULT_SUBSCRIPTIONS)
        else:
            picks = rng.sample(names, rng.randint(1, 6))
        wanted.update((forum_ids[name], user_id) for name in picks)
    conn.executemany("INSERT INTO subscriptions (forum_id, user_id) VALUES (?,?)", sorted(wanted))


def _insert_posts(conn: sqlite3.Connection, rng: random.Random, posts: list[Post], forum_ids: dict[str, int],
                  users: dict[str, int]) -> None:
    voters = [u for u in users if u != DEFAULT_USER]  # the default account starts with no votes of its own
    for post in sorted(posts, key=lambda p: p.created):  # ids follow time, as in Postmill
        cursor = conn.execute(
            "INSERT INTO submissions (forum_id, user_id, title, url, body, created_at) VALUES (?,?,?,?,?,?)",
            (forum_ids[post.forum], users[post.author], post.title, post.url, post.body,
             post.created.strftime(TIME_FORMAT)),
        )
        submission_id = int(cursor.lastrowid or 0)
        eligible = [u for u in voters if u != post.author]
        count = min(len(eligible), int(post.popularity * 55) + rng.randint(0, 4) + post.boost)
        up_share = 0.65 + 0.3 * rng.random()
        for index, voter in enumerate(rng.sample(eligible, count)):
            choice = 1 if index < post.boost or rng.random() < up_share else -1
            conn.execute("INSERT INTO submission_votes VALUES (?,?,?)", (submission_id, users[voter], choice))
        order = sorted(range(len(post.comments)), key=lambda i: post.comments[i].created)
        real: dict[int, int] = {}
        for index in order:
            reply = post.comments[index]
            parent = real[reply.parent] if reply.parent is not None else None
            cursor = conn.execute(
                "INSERT INTO comments (submission_id, parent_id, user_id, body, created_at) VALUES (?,?,?,?,?)",
                (submission_id, parent, users[reply.author], reply.body, reply.created.strftime(TIME_FORMAT)),
            )
            real[index] = int(cursor.lastrowid or 0)
            for voter in rng.sample(voters, rng.randint(0, 6)):
                if voter != reply.author:
                    choice = 1 if rng.random() < 0.8 else -1
                    conn.execute("INSERT INTO comment_votes VALUES (?,?,?)", (real[index], users[voter], choice))


def _unique_top_scores(conn: sqlite3.Connection, users: dict[str, int]) -> None:
    """Break a tie for the best score in a forum with one more upvote, so "the top post" is never ambiguous."""
    default_id = users[DEFAULT_USER]
    for (forum_id,) in conn.execute("SELECT id FROM forums ORDER BY id").fetchall():
        while True:
            ranked = conn.execute(
                """SELECT s.id, s.user_id, COALESCE(SUM(v.choice), 0) AS score FROM submissions s
                   LEFT JOIN submission_votes v ON v.submission_id = s.id
                   WHERE s.forum_id = ? GROUP BY s.id ORDER BY score DESC, s.id LIMIT 2""",
                (forum_id,),
            ).fetchall()
            if len(ranked) < 2 or ranked[0][2] > ranked[1][2]:
                break
            submission_id, author_id = ranked[0][0], ranked[0][1]
            voter = conn.execute(
                """SELECT id FROM users WHERE id NOT IN (?, ?) AND id NOT IN
                   (SELECT user_id FROM submission_votes WHERE submission_id = ?) ORDER BY id LIMIT 1""",
                (default_id, author_id, submission_id),
            ).fetchone()
            if voter is None:  # everyone voted already: turn the first downvote into an upvote
                conn.execute(
                    """UPDATE submission_votes SET choice = 1 WHERE submission_id = ? AND user_id =
                       (SELECT user_id FROM submission_votes WHERE submission_id = ? AND choice = -1 LIMIT 1)""",
                    (submission_id, submission_id),
                )
            else:
                conn.execute("INSERT INTO submission_votes VALUES (?,?,1)", (submission_id, voter[0]))


def build_database(path: Path) -> None:
    rng = seeded_rng("forum")
    forums = load("forums.json")
    conn = sqlite3.connect(path)
    try:
        conn.executescript((HERE / "schema.sql").read_text())
        users = _insert_users(conn, rng)
        authors = [u for u in users if u != DEFAULT_USER]
        forum_ids = _insert_forums(conn, rng, forums, users)
        _insert_subscriptions(conn, rng, forums, forum_ids, users)
        posts = _generate_posts(rng, forums, authors) + _fixed_posts(rng, {f["name"]: f for f in forums}, authors)
        _unique_top_posters(posts)
        _insert_posts(conn, rng, posts, forum_ids, users)
        _unique_top_scores(conn, users)
        conn.commit()
    finally:
        conn.close()
