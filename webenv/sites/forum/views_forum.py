"""Creating and editing forums, and subscribing to them."""

from __future__ import annotations

import sqlite3
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from webenv.sites.common import safe_next
from webenv.sites.forum import queries, store
from webenv.sites.forum.forms import ForumForm
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


def create_form(request: Request) -> Response:
    if (needed := login_redirect(request)) is not None:
        return needed
    with database(request) as conn:
        return render(request, conn, "forum_form.html", form=ForumForm(), forum=None)


async def create(request: Request) -> Response:
    if (needed := login_redirect(request)) is not None:
        return needed
    form = ForumForm.from_fields(await form_data(request))
    with database(request) as conn:
        if not form.validate(conn, new=True):
            return render(request, conn, "forum_form.html", status_code=400, form=form, forum=None)
        user_id = viewer_id(request)
        assert user_id is not None
        store.create_forum(conn, name=form.name, title=form.title, description=form.description,
                           sidebar=form.sidebar, creator_id=user_id)
        flash(request, "The forum was created.")
        return go(f"/f/{form.name}")


def _moderated(request: Request, conn: sqlite3.Connection) -> dict[str, Any]:
    forum = queries.forum_by_name(conn, request.path_params["forum"])
    if forum is None:
        raise not_found("Forum")
    if not queries.is_moderator(conn, int(forum["id"]), viewer_id(request)):
        raise forbidden("Only moderators of this forum can edit it.")
    return forum


def edit_form(request: Request) -> Response:
    if (needed := login_redirect(request)) is not None:
        return needed
    with database(request) as conn:
        forum = _moderated(request, conn)
        form = ForumForm(name=forum["name"], title=forum["title"], description=forum["description"],
                         sidebar=forum["sidebar"])
        return render(request, conn, "forum_form.html", form=form, forum=forum)


async def edit(request: Request) -> Response:
    if (needed := login_redirect(request)) is not None:
        return needed
    fields = await form_data(request)
    with database(request) as conn:
        forum = _moderated(request, conn)
        form = ForumForm.from_fields({**fields, "name": forum["name"]})
        if not form.validate(conn, new=False):
            return render(request, conn, "forum_form.html", status_code=400, form=form, forum=forum)
        store.update_forum(conn, int(forum["id"]), title=form.title, description=form.description,
                           sidebar=form.sidebar)
        flash(request, "The forum was updated.")
        return go(f"/f/{forum['name']}/edit")


async def subscription(request: Request) -> Response:
    """`/f/{forum}/subscribe` and `/f/{forum}/unsubscribe`, back to the page the button was on."""
    if (needed := login_redirect(request)) is not None:
        return needed
    fields = await form_data(request)
    with database(request) as conn:
        forum = queries.forum_by_name(conn, request.path_params["forum"])
        if forum is None:
            raise not_found("Forum")
        user_id = viewer_id(request)
        assert user_id is not None
        subscribe = request.url.path.rstrip("/").endswith("/subscribe")
        store.set_subscription(conn, int(forum["id"]), user_id, subscribe)
        flash(request, f"{'Subscribed to' if subscribe else 'Unsubscribed from'} {forum['name']}.")
    return go(safe_next(fields.get("next"), f"/f/{forum['name']}"))
