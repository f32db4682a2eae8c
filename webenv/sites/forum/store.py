"""Every write the forum makes: posts, comments, votes, biographies, forums, subscriptions.

Kept apart from `queries.py` so the task builders (which only read) never import code that writes, and so each
write lives in exactly one place the pages call. Callers check permissions; these functions keep the data
consistent (a vote replaces the previous one, a forum's creator becomes its moderator).
"""

from __future__ import annotations

import sqlite3

from webenv.sites.forum.text import now


def create_submission(conn: sqlite3.Connection, *, forum_id: int, user_id: int, title: str, url: str | None,
                      body: str | None) -> int:
    cursor = conn.execute(
        "INSERT INTO submissions (forum_id, user_id, title, url, body, created_at) VALUES (?,?,?,?,?,?)",
        (forum_id, user_id, title, url, body, now()),
    )
    submission_id = int(cursor.lastrowid or 0)
    # Postmill upvotes your own submission for you; it is what makes a fresh post start at score 1.
    conn.execute("INSERT INTO submission_votes VALUES (?,?,1)", (submission_id, user_id))
    return submission_id


def edit_submission(conn: sqlite3.Connection, submission_id: int, *, title: str, url: str | None,
                    body: str | None) -> None:
    conn.execute("UPDATE submissions SET title = ?, url = ?, body = ?, edited_at = ? WHERE id = ?",
                 (title, url, body, now(), submission_id))


def delete_submission(conn: sqlite3.Connection, submission_id: int) -> None:
    conn.execute("DELETE FROM submissions WHERE id = ?", (submission_id,))


def add_comment(conn: sqlite3.Connection, *, submission_id: int, user_id: int, body: str,
                parent_id: int | None = None) -> int:
    cursor = conn.execute(
        "INSERT INTO comments (submission_id, parent_id, user_id, body, created_at) VALUES (?,?,?,?,?)",
        (submission_id, parent_id, user_id, body, now()),
    )
    return int(cursor.lastrowid or 0)


def vote(conn: sqlite3.Connection, table: str, item_id: int, user_id: int, choice: int) -> None:
    """Set a user's vote on a submission or comment: 1 up, -1 down, 0 retracts it."""
    column = {"submission_votes": "submission_id", "comment_votes": "comment_id"}[table]
    conn.execute(f"DELETE FROM {table} WHERE {column} = ? AND user_id = ?", (item_id, user_id))
    if choice in (1, -1):
        conn.execute(f"INSERT INTO {table} ({column}, user_id, choice) VALUES (?,?,?)", (item_id, user_id, choice))


def set_biography(conn: sqlite3.Connection, user_id: int, biography: str) -> None:
    conn.execute("UPDATE users SET biography = ? WHERE id = ?", (biography, user_id))


def create_forum(conn: sqlite3.Connection, *, name: str, title: str, description: str, sidebar: str,
                 creator_id: int) -> int:
    cursor = conn.execute(
        "INSERT INTO forums (name, title, description, sidebar, created_at) VALUES (?,?,?,?,?)",
        (name, title, description, sidebar, now()),
    )
    forum_id = int(cursor.lastrowid or 0)
    conn.execute("INSERT INTO moderators (forum_id, user_id) VALUES (?,?)", (forum_id, creator_id))
    conn.execute("INSERT INTO subscriptions (forum_id, user_id) VALUES (?,?)", (forum_id, creator_id))
    return forum_id


def update_forum(conn: sqlite3.Connection, forum_id: int, *, title: str, description: str, sidebar: str) -> None:
    conn.execute("UPDATE forums SET title = ?, description = ?, sidebar = ? WHERE id = ?",
                 (title, description, sidebar, forum_id))


def set_subscription(conn: sqlite3.Connection, forum_id: int, user_id: int, subscribed: bool) -> None:
    if subscribed:
        conn.execute("INSERT OR IGNORE INTO subscriptions (forum_id, user_id) VALUES (?,?)", (forum_id, user_id))
    else:
        conn.execute("DELETE FROM subscriptions WHERE forum_id = ? AND user_id = ?", (forum_id, user_id))
