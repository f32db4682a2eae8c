"""A submission and everything under its URL: the page, comment threads, replies, votes, edit, delete, submit.

Every page about a post lives under `/f/{forum}/{id}/...`, because WebArena's `reddit_get_post_url` turns any
such URL (say, a new comment's permalink) back into the post's URL.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from webenv.sites.common import safe_next
from webenv.sites.forum import queries, store
from webenv.sites.forum.forms import SubmissionForm
from webenv.sites.forum.views_listing import forum_sidebar
from webenv.sites.forum.web import (
    database,
    flash,
    forbidden,
    form_data,
    go,
    login_redirect,
    not_found,
    render,
    viewer_id,
)

COMMENT_MAX = 10_000


def _load(request: Request, conn: sqlite3.Connection) -> dict[str, Any]:
    """The submission named by the path; 404 unless both the id and its forum match (slugs may be stale)."""
    found = queries.submission(conn, int(request.path_params["id"]), viewer_id(request))
    if found is None or found["forum"].lower() != str(request.path_params["forum"]).lower():
        raise not_found("Submission")
    return found


def _forum_of(conn: sqlite3.Connection, submission: dict[str, Any]) -> dict[str, Any]:
    forum = queries.forum_by_name(conn, submission["forum"])
    assert forum is not None  # a submission's forum always exists (deleting forums is not a feature)
    return forum


def submission_page(request: Request) -> HTMLResponse:
    with database(request) as conn:
        found = _load(request, conn)
        flat = queries.comments(conn, found["id"], viewer_id(request))
        return render(request, conn, "submission.html", submission=found, comments=queries.comment_tree(flat),
                      comment_total=len(flat), can_edit=found["user_id"] == viewer_id(request),
                      **forum_sidebar(request, conn, _forum_of(conn, found)))


def comment_page(request: Request) -> HTMLResponse:
    """One comment thread (Postmill's comment permalink), with the form to reply to that comment."""
    with database(request) as conn:
        found = _load(request, conn)
        flat = queries.comments(conn, found["id"], viewer_id(request))
        comment_id = int(request.path_params["comment_id"])
        thread = queries.comment_tree(flat, root_id=comment_id)
        if not thread:
            raise not_found("Comment")
        parent = next((c for c in flat if c["id"] == thread[0]["parent_id"]), None)
        return render(request, conn, "comment.html", submission=found, thread=thread, parent=parent,
                      comment_total=len(flat), can_edit=found["user_id"] == viewer_id(request),
                      **forum_sidebar(request, conn, _forum_of(conn, found)))


async def post_comment(request: Request) -> Response:
    """A new top-level comment, or a reply when the path names a parent comment; lands on its permalink."""
    if (needed := login_redirect(request)) is not None:
        return needed
    fields = await form_data(request)
    with database(request) as conn:
        found = _load(request, conn)
        parent_id = request.path_params.get("comment_id")
        if parent_id is not None:
            parent = queries.comment(conn, int(parent_id))
            if parent is None or parent["submission_id"] != found["id"]:
                raise not_found("Comment")
        body = fields.get("body", "")
        if not body or len(body) > COMMENT_MAX:
            flash(request, "Your comment was empty." if not body else "Your comment is too long.")
            back = f"{found['path']}/comment/{parent_id}" if parent_id is not None else found["path"]
            return go(back)
        user_id = viewer_id(request)
        assert user_id is not None
        new_id = store.add_comment(conn, submission_id=found["id"], user_id=user_id, body=body,
                                   parent_id=int(parent_id) if parent_id is not None else None)
        flash(request, "Your comment was posted.")
        return go(f"{found['path']}/comment/{new_id}")


async def vote(request: Request) -> Response:
    """Postmill's /sv/{id} and /cv/{id}: choice 1, -1 or 0 (retract), then back to the page it came from."""
    if (needed := login_redirect(request)) is not None:
        return needed
    fields = await form_data(request)
    kind = request.url.path.split("/")[1]
    table = {"sv": "submission_votes", "cv": "comment_votes"}[kind]
    item_id = int(request.path_params["id"])
    try:
        choice = int(fields.get("choice", ""))
    except ValueError:
        choice = 99
    if choice not in (-1, 0, 1):
        return HTMLResponse("Invalid vote", status_code=400)
    with database(request) as conn:
        exists = queries.submission(conn, item_id) if kind == "sv" else queries.comment(conn, item_id)
        if exists is None:
            raise not_found("Submission" if kind == "sv" else "Comment")
        user_id = viewer_id(request)
        assert user_id is not None
        store.vote(conn, table, item_id, user_id, choice)
    return go(safe_next(fields.get("next"), "/"))


def submit_form(request: Request) -> Response:
    if (needed := login_redirect(request)) is not None:
        return needed
    with database(request) as conn:
        preset = request.path_params.get("forum") or request.query_params.get("forum", "")
        forum = queries.forum_by_name(conn, preset) if preset else None
        if request.path_params.get("forum") and forum is None:
            raise not_found("Forum")
        form = SubmissionForm(forum=forum["name"] if forum else "")
        return render(request, conn, "submit.html", form=form, forums=queries.forum_names(conn), editing=None)


async def submit(request: Request) -> Response:
    if (needed := login_redirect(request)) is not None:
        return needed
    form = SubmissionForm.from_fields(await form_data(request))
    form.forum = form.forum or request.path_params.get("forum", "")  # /submit/{forum} implies its forum
    with database(request) as conn:
        forum = form.validate(conn)
        if forum is None:
            return render(request, conn, "submit.html", status_code=400, form=form, forums=queries.forum_names(conn),
                          editing=None)
        user_id = viewer_id(request)
        assert user_id is not None
        new_id = store.create_submission(conn, forum_id=int(str(forum["id"])), user_id=user_id, title=form.title,
                                         url=form.url or None, body=form.body or None)
        flash(request, "Your submission was created.")
        return go(queries.submission_path(conn, new_id))


def _own(request: Request, conn: sqlite3.Connection) -> dict[str, Any]:
    found = _load(request, conn)
    if found["user_id"] != viewer_id(request):
        raise forbidden("You can only change your own submissions.")
    return found


def edit_form(request: Request) -> Response:
    if (needed := login_redirect(request)) is not None:
        return needed
    with database(request) as conn:
        found = _own(request, conn)
        form = SubmissionForm(title=found["title"], url=found["url"] or "", body=found["body"] or "",
                              forum=found["forum"])
        return render(request, conn, "submit.html", form=form, forums=queries.forum_names(conn), editing=found)


async def edit(request: Request) -> Response:
    if (needed := login_redirect(request)) is not None:
        return needed
    fields = await form_data(request)
    with database(request) as conn:
        found = _own(request, conn)
        form = SubmissionForm.from_fields({**fields, "forum": found["forum"]})
        if form.validate(conn, check_forum=False) is None:
            return render(request, conn, "submit.html", status_code=400, form=form, forums=queries.forum_names(conn),
                          editing=found)
        store.edit_submission(conn, found["id"], title=form.title, url=form.url or None, body=form.body or None)
        flash(request, "The submission was edited.")
        return go(queries.submission_path(conn, found["id"]))


async def delete(request: Request) -> RedirectResponse:
    if (needed := login_redirect(request)) is not None:
        return needed
    with database(request) as conn:
        found = _own(request, conn)
        store.delete_submission(conn, found["id"])
        flash(request, "The submission was deleted.")
        return go(f"/f/{found['forum']}")
