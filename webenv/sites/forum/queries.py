"""Read-only questions about the forum's data: what the pages list, and the facts task answers are computed from.

Pure functions over a `sqlite3.Connection` whose `row_factory` is `sqlite3.Row` (as `common.connect` gives);
rows come back as dicts. Pages and tasks share them on purpose: when the "top post in books" a task expects is
computed by the same ordering the forum page uses, the two cannot drift. Scores are always sums over the vote
tables.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Literal

from webenv.sites.common import one, rows
from webenv.sites.forum.text import slugify

FORUM_PAGE_SIZE = 20  # submissions per page of a forum listing (tasks count pages with it)

Sort = Literal["hot", "new", "top"]
SORTS: tuple[Sort, ...] = ("hot", "new", "top")

_HOT_EPOCH = datetime(2005, 12, 8, 7, 46, 43, tzinfo=UTC).timestamp()


def hot_rank(score: int, created_at: str) -> float:
    """Reddit's classic "hot": the log of the score plus a bonus that grows with time, so newer posts need
    fewer votes to rank high. It depends only on the row (stored times are UTC), never on the clock or the
    machine's time zone, so listings are the same everywhere."""
    order = math.log10(max(abs(score), 1))
    sign = 1 if score > 0 else -1 if score < 0 else 0
    seconds = datetime.fromisoformat(created_at).replace(tzinfo=UTC).timestamp() - _HOT_EPOCH  # UTC
    return round(sign * order + seconds / 45000, 7)


def _with_functions(conn: sqlite3.Connection) -> sqlite3.Connection:
    conn.create_function("hot_rank", 2, hot_rank, deterministic=True)
    return conn


_ORDER: dict[Sort, str] = {
    "new": "s.created_at DESC, s.id DESC",
    "top": "score DESC, s.id DESC",
    "hot": "hot_rank(score, s.created_at) DESC, s.id DESC",
}

_SUBMISSIONS = """
SELECT s.id, s.title, s.url, s.body, s.created_at, s.edited_at, s.forum_id, s.user_id,
       f.name AS forum, u.username AS author,
       (SELECT COALESCE(SUM(choice), 0) FROM submission_votes WHERE submission_id = s.id) AS score,
       (SELECT COUNT(*) FROM comments WHERE submission_id = s.id) AS comment_count,
       (SELECT choice FROM submission_votes WHERE submission_id = s.id AND user_id = :viewer) AS user_choice
FROM submissions s JOIN forums f ON f.id = s.forum_id JOIN users u ON u.id = s.user_id
"""


def _decorate(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for item in items:
        item["slug"] = slugify(item["title"])
        item["path"] = f"/f/{item['forum']}/{item['id']}/{item['slug']}"
    return items


def submission_path(conn: sqlite3.Connection, submission_id: int) -> str:
    """The canonical page of a submission, `/f/{forum}/{id}/{slug}` (what Postmill links to)."""
    found = submission(conn, submission_id)
    if found is None:
        raise KeyError(f"no submission {submission_id}")
    return str(found["path"])


# --- users --------------------------------------------------------------------------------------------------


def user_by_name(conn: sqlite3.Connection, username: str) -> dict[str, Any] | None:
    return one(conn, "SELECT * FROM users WHERE username = ?", username)


def user_by_id(conn: sqlite3.Connection, user_id: int) -> dict[str, Any] | None:
    return one(conn, "SELECT * FROM users WHERE id = ?", user_id)


def user_stats(conn: sqlite3.Connection, user_id: int) -> dict[str, int]:
    found = one(
        conn,
        """SELECT (SELECT COUNT(*) FROM submissions WHERE user_id = ?) AS submissions,
                  (SELECT COUNT(*) FROM comments WHERE user_id = ?) AS comments""",
        user_id,
        user_id,
    )
    return {"submissions": int(found["submissions"]), "comments": int(found["comments"])} if found else {}


# --- forums -------------------------------------------------------------------------------------------------

_FORUMS = """
SELECT f.*, (SELECT COUNT(*) FROM subscriptions WHERE forum_id = f.id) AS subscriber_count,
       (SELECT COUNT(*) FROM submissions WHERE forum_id = f.id) AS submission_count
FROM forums f
"""


def forum_by_name(conn: sqlite3.Connection, name: str) -> dict[str, Any] | None:
    return one(conn, _FORUMS + " WHERE f.name = ?", name)


def all_forums(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every forum, alphabetically (case-insensitive, as Postmill's forum list)."""
    return rows(conn, _FORUMS + " ORDER BY f.name COLLATE NOCASE")


def subscribed_forums(conn: sqlite3.Connection, user_id: int) -> list[dict[str, Any]]:
    return rows(
        conn,
        _FORUMS + " JOIN subscriptions sub ON sub.forum_id = f.id WHERE sub.user_id = ? ORDER BY f.name COLLATE NOCASE",
        user_id,
    )


def is_subscribed(conn: sqlite3.Connection, forum_id: int, user_id: int | None) -> bool:
    if user_id is None:
        return False
    found = one(conn, "SELECT 1 AS x FROM subscriptions WHERE forum_id = ? AND user_id = ?", forum_id, user_id)
    return found is not None


def moderators(conn: sqlite3.Connection, forum_id: int) -> list[str]:
    found = rows(
        conn,
        "SELECT u.username FROM moderators m JOIN users u ON u.id = m.user_id WHERE m.forum_id = ? ORDER BY u.username",
        forum_id,
    )
    return [row["username"] for row in found]


def is_moderator(conn: sqlite3.Connection, forum_id: int, user_id: int | None) -> bool:
    if user_id is None:
        return False
    return one(conn, "SELECT 1 AS x FROM moderators WHERE forum_id = ? AND user_id = ?", forum_id, user_id) is not None


def moderated_forums(conn: sqlite3.Connection, user_id: int) -> list[str]:
    found = rows(
        conn,
        "SELECT f.name FROM moderators m JOIN forums f ON f.id = m.forum_id WHERE m.user_id = ? "
        "ORDER BY f.name COLLATE NOCASE",
        user_id,
    )
    return [row["name"] for row in found]


# --- submissions --------------------------------------------------------------------------------------------


def submissions(
    conn: sqlite3.Connection,
    *,
    sort: Sort = "hot",
    forum_id: int | None = None,
    author_id: int | None = None,
    viewer_id: int | None = None,
    limit: int = 20,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """A listing page: the front page (no filter), a forum, or a user's submissions."""
    where, params = _filters(forum_id, author_id)
    sql = f"{_SUBMISSIONS} {where} ORDER BY {_ORDER[sort]} LIMIT :limit OFFSET :offset"
    return _decorate(_named(conn, sql, {**params, "viewer": viewer_id, "limit": limit, "offset": offset}))


def count_submissions(conn: sqlite3.Connection, *, forum_id: int | None = None, author_id: int | None = None) -> int:
    where, params = _filters(forum_id, author_id)
    found = conn.execute(f"SELECT COUNT(*) FROM submissions s {where}", params).fetchone()
    return int(found[0])


def _filters(forum_id: int | None, author_id: int | None) -> tuple[str, dict[str, Any]]:
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if forum_id is not None:
        clauses.append("s.forum_id = :forum_id")
        params["forum_id"] = forum_id
    if author_id is not None:
        clauses.append("s.user_id = :author_id")
        params["author_id"] = author_id
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


def _named(conn: sqlite3.Connection, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(row) for row in _with_functions(conn).execute(sql, params).fetchall()]


def submission(conn: sqlite3.Connection, submission_id: int, viewer_id: int | None = None) -> dict[str, Any] | None:
    found = _named(conn, _SUBMISSIONS + " WHERE s.id = :id", {"id": submission_id, "viewer": viewer_id})
    return _decorate(found)[0] if found else None


def _search_clause(query: str) -> tuple[str, dict[str, Any]] | None:
    """Every word of the query must occur in the title or the body (case-insensitive)."""
    words = [word for word in query.split() if word]
    if not words:
        return None
    clause = " AND ".join(f"(s.title LIKE :w{i} ESCAPE '\\' OR COALESCE(s.body, '') LIKE :w{i} ESCAPE '\\')"
                          for i in range(len(words)))
    return clause, {f"w{i}": f"%{_escape_like(word)}%" for i, word in enumerate(words)}


def count_search(conn: sqlite3.Connection, query: str) -> int:
    found = _search_clause(query)
    if found is None:
        return 0
    clause, params = found
    return int(conn.execute(f"SELECT COUNT(*) FROM submissions s WHERE {clause}", params).fetchone()[0])


def search_submissions(conn: sqlite3.Connection, query: str, *, viewer_id: int | None = None, limit: int = 20,
                       offset: int = 0) -> list[dict[str, Any]]:
    """Matching submissions, newest first."""
    found = _search_clause(query)
    if found is None:
        return []
    clause, params = found
    sql = f"{_SUBMISSIONS} WHERE {clause} ORDER BY s.created_at DESC, s.id DESC LIMIT :limit OFFSET :offset"
    return _decorate(_named(conn, sql, {**params, "viewer": viewer_id, "limit": limit, "offset": offset}))


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_forums(conn: sqlite3.Connection, query: str) -> list[dict[str, Any]]:
    pattern = f"%{_escape_like(query.strip())}%"
    return rows(conn, _FORUMS + " WHERE f.name LIKE ? ESCAPE '\\' OR f.title LIKE ? ESCAPE '\\' "
                "ORDER BY f.name COLLATE NOCASE", pattern, pattern)


# --- comments -----------------------------------------------------------------------------------------------

_COMMENTS = """
SELECT c.id, c.submission_id, c.parent_id, c.body, c.created_at, c.edited_at, c.user_id, u.username AS author,
       (SELECT COALESCE(SUM(choice), 0) FROM comment_votes WHERE comment_id = c.id) AS score,
       (SELECT choice FROM comment_votes WHERE comment_id = c.id AND user_id = :viewer) AS user_choice
FROM comments c JOIN users u ON u.id = c.user_id
"""


def comments(conn: sqlite3.Connection, submission_id: int, viewer_id: int | None = None) -> list[dict[str, Any]]:
    """All comments of a submission, flat, in creation order (the page nests them by `parent_id`)."""
    return _named(conn, _COMMENTS + " WHERE c.submission_id = :s ORDER BY c.id", {"s": submission_id,
                                                                                  "viewer": viewer_id})


def comment(conn: sqlite3.Connection, comment_id: int, viewer_id: int | None = None) -> dict[str, Any] | None:
    found = _named(conn, _COMMENTS + " WHERE c.id = :id", {"id": comment_id, "viewer": viewer_id})
    return found[0] if found else None


def comments_by(conn: sqlite3.Connection, user_id: int, *, viewer_id: int | None = None, limit: int = 20,
                offset: int = 0) -> list[dict[str, Any]]:
    """A user's comments, newest first, each with the submission it belongs to."""
    found = _named(
        conn,
        """SELECT c.*, s.title AS submission_title, f.name AS forum FROM (""" + _COMMENTS + """) c
           JOIN submissions s ON s.id = c.submission_id JOIN forums f ON f.id = s.forum_id
           WHERE c.user_id = :u ORDER BY c.created_at DESC, c.id DESC LIMIT :limit OFFSET :offset""",
        {"u": user_id, "viewer": viewer_id, "limit": limit, "offset": offset},
    )
    for item in found:
        item["submission_path"] = f"/f/{item['forum']}/{item['submission_id']}/{slugify(item['submission_title'])}"
    return found


def comment_tree(flat: Iterable[dict[str, Any]], root_id: int | None = None) -> list[dict[str, Any]]:
    """Nest a flat comment list: each item gets `replies`. Top level (or the children of `root_id`) is ordered
    best score first; replies stay in the order they were written, so a conversation reads top to bottom."""
    items = [dict(item, replies=[]) for item in flat]
    by_id = {item["id"]: item for item in items}
    top: list[dict[str, Any]] = []
    for item in items:
        parent = by_id.get(item["parent_id"]) if item["parent_id"] is not None else None
        if parent is not None:
            parent["replies"].append(item)
        elif item["parent_id"] is None:
            top.append(item)
    if root_id is not None:
        root = by_id.get(root_id)
        return [root] if root else []
    return sorted(top, key=lambda item: (-item["score"], item["id"]))


# --- facts for tasks ----------------------------------------------------------------------------------------


def _forum_id(conn: sqlite3.Connection, forum: str) -> int:
    found = forum_by_name(conn, forum)
    if found is None:
        raise KeyError(f"no forum named {forum!r}")
    return int(found["id"])


def newest_submission(conn: sqlite3.Connection, forum: str) -> dict[str, Any]:
    """The first submission of the forum's "New" listing."""
    return submissions(conn, sort="new", forum_id=_forum_id(conn, forum), limit=1)[0]


def top_submission(conn: sqlite3.Connection, forum: str) -> dict[str, Any]:
    """The first submission of the forum's "Top" listing (the highest net score)."""
    return submissions(conn, sort="top", forum_id=_forum_id(conn, forum), limit=1)[0]


def hot_submissions(conn: sqlite3.Connection, forum: str, limit: int = 20) -> list[dict[str, Any]]:
    return submissions(conn, sort="hot", forum_id=_forum_id(conn, forum), limit=limit)


def top_submissions(conn: sqlite3.Connection, forum: str, limit: int) -> list[dict[str, Any]]:
    return submissions(conn, sort="top", forum_id=_forum_id(conn, forum), limit=limit)


def poster_counts(conn: sqlite3.Connection, forum: str) -> list[tuple[str, int]]:
    """(username, submissions in the forum), most first, then by name."""
    found = rows(
        conn,
        """SELECT u.username, COUNT(*) AS n FROM submissions s JOIN users u ON u.id = s.user_id
           WHERE s.forum_id = ? GROUP BY u.id ORDER BY n DESC, u.username COLLATE NOCASE""",
        _forum_id(conn, forum),
    )
    return [(row["username"], int(row["n"])) for row in found]


def top_poster(conn: sqlite3.Connection, forum: str) -> tuple[str, int]:
    """The one user with the most submissions in a forum; raises if the lead is shared (no single answer)."""
    ranked = poster_counts(conn, forum)
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        raise ValueError(f"{forum}: {ranked[0][0]} and {ranked[1][0]} tie with {ranked[0][1]} submissions")
    return ranked[0]


def submissions_in_forum_by(conn: sqlite3.Connection, username: str, forum: str) -> list[dict[str, Any]]:
    user = user_by_name(conn, username)
    if user is None:
        raise KeyError(f"no user {username!r}")
    return submissions(conn, sort="new", forum_id=_forum_id(conn, forum), author_id=int(user["id"]), limit=1000)


def submissions_by(conn: sqlite3.Connection, username: str) -> list[dict[str, Any]]:
    user = user_by_name(conn, username)
    if user is None:
        raise KeyError(f"no user {username!r}")
    return submissions(conn, sort="new", author_id=int(user["id"]), limit=1000)


def submission_titled(conn: sqlite3.Connection, forum: str, title: str) -> dict[str, Any]:
    found = one(conn, "SELECT s.id FROM submissions s WHERE s.forum_id = ? AND s.title = ?", _forum_id(conn, forum),
                title)
    if found is None:
        raise KeyError(f"no submission {title!r} in {forum}")
    result = submission(conn, int(found["id"]))
    assert result is not None
    return result


def comments_with_unique_author(conn: sqlite3.Connection, submission_id: int) -> list[dict[str, Any]]:
    """Top-level comments whose author wrote no other comment on the submission, so "X's comment" names
    exactly one comment."""
    flat = comments(conn, submission_id)
    authors = [item["author"] for item in flat]
    return [item for item in flat if item["parent_id"] is None and authors.count(item["author"]) == 1]


def sole_comment_in_forum(conn: sqlite3.Connection, forum: str, username: str) -> tuple[dict[str, Any],
                                                                                    dict[str, Any]]:
    """The post in a forum on which the user wrote a top-level comment and no other comment, and that comment, so
    "the comment by X on this post" names one comment; the best-scoring such post if there are several."""
    user = user_by_name(conn, username)
    if user is None:
        raise KeyError(f"no user {username!r}")
    for post in submissions(conn, sort="top", forum_id=_forum_id(conn, forum), limit=1000):
        found = [c for c in comments_with_unique_author(conn, post["id"]) if c["user_id"] == user["id"]]
        if found:
            return post, found[0]
    raise LookupError(f"{username} has no sole top-level comment in {forum}")


def comment_count(conn: sqlite3.Connection, submission_id: int) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM comments WHERE submission_id = ?", (submission_id,)).fetchone()[0])


def forum_names(conn: sqlite3.Connection) -> list[str]:
    return [row["name"] for row in all_forums(conn)]


def busy_submission_count(conn: sqlite3.Connection, forum: str, at_least: int) -> int:
    """How many of the forum's submissions have at least `at_least` comments (what its listing pages show)."""
    found = conn.execute(
        """SELECT COUNT(*) FROM submissions s WHERE s.forum_id = ?
           AND (SELECT COUNT(*) FROM comments c WHERE c.submission_id = s.id) >= ?""",
        (_forum_id(conn, forum), at_least),
    ).fetchone()
    return int(found[0])


def submission_total(conn: sqlite3.Connection, username: str) -> int:
    """The count a profile shows next to "Submissions"."""
    user = user_by_name(conn, username)
    if user is None:
        raise KeyError(f"no user {username!r}")
    return user_stats(conn, int(user["id"]))["submissions"]
