"""Project members: the table WebArena's role checks read, and inviting, re-roling and removing members.

Each row is `<tr data-username="...">` with the role in `<td class="member-role">`: that is the markup the
evaluator helper `gitlab_get_project_memeber_role(page, username)` is written against.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webenv.sites.codehost import queries, roles, writes
from webenv.sites.codehost.views.base import database, flash, form_data, project_scope, render, text
from webenv.sites.common import redirect


async def index(request: Request) -> Response:
    with database(request) as conn:
        scope = project_scope(request, conn)
        return render(request, "members/index.html", {
            "scope": scope, "project": scope.project, "members": queries.project_members(conn, scope.project),
            "role_names": roles.ROLE_NAMES, "can_manage": scope.can(roles.MAINTAINER),
            "values": {"username": request.query_params.get("username", ""), "role": "Guest"}})


async def invite(request: Request) -> Response:
    with database(request) as conn:
        scope = project_scope(request, conn)
        scope.require(roles.MAINTAINER, "invite members")
        form = await form_data(request)
        who, role = text(form, "username"), text(form, "access_level")
        try:
            user = queries.find_user(conn, who) if who.strip() else None
            if user is None:
                raise writes.ValidationError(f"No user found for '{who.strip()}'. Use a username, @username or email."
                                             if who.strip() else "Enter a username or email")
            level = _level(role)
            if level == roles.OWNER and scope.level < roles.OWNER:
                raise writes.ValidationError("Only owners can invite new owners")
            writes.invite_member(conn, scope.project, user, level)
        except writes.ValidationError as error:
            flash(request, str(error), "alert")
        else:
            flash(request, f"{user['name']} (@{user['username']}) was added to the project as "
                           f"{roles.role_name(level)}.")
        return redirect(scope.base + "/-/project_members")


def _level(role: str) -> int:
    try:
        return roles.level_of(role)
    except KeyError:
        raise writes.ValidationError("Choose a role") from None


async def change(request: Request) -> Response:
    with database(request) as conn:
        scope = project_scope(request, conn)
        scope.require(roles.MAINTAINER, "change member roles")
        form = await form_data(request)
        user = queries.user_by_username(conn, request.path_params["username"])
        try:
            if user is None or not queries.access_level(conn, scope.project, user["id"]):
                raise writes.ValidationError("That user is not a member of this project")
            if text(form, "remove") == "1":
                writes.remove_member(conn, scope.project, user)
                message = f"{user['name']} was removed from the project."
            else:
                level = _level(text(form, "access_level"))
                if level == roles.OWNER and scope.level < roles.OWNER:
                    raise writes.ValidationError("Only owners can make someone an owner")
                writes.change_role(conn, scope.project, user, level)
                message = f"{user['name']} is now a {roles.role_name(level)}."
        except writes.ValidationError as error:
            flash(request, str(error), "alert")
        else:
            flash(request, message)
        return redirect(scope.base + "/-/project_members")


P = "/{namespace}/{project}/-/project_members"
routes = [
    Route(P, index),
    Route(P, invite, methods=["POST"]),
    Route(P + "/{username}", change, methods=["POST"]),
]
