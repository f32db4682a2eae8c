"""Project pages: create, overview (README, files, clone URLs, star button), starrers and general settings."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webenv.sites.codehost import queries, roles, writes
from webenv.sites.codehost.markup import render_markdown
from webenv.sites.codehost.views.base import (
    database,
    flash,
    form_data,
    project_scope,
    render,
    require_user,
    text,
)
from webenv.sites.common import redirect

VISIBILITY_TITLES = {
    "private": "Private - Project access must be granted explicitly to each user.",
    "internal": "Internal - The project can be accessed by any logged in user.",
    "public": "Public - The project can be accessed without any authentication.",
}


async def new_project(request: Request) -> Response:
    with database(request) as conn:
        viewer = require_user(request, conn)
        namespaces = queries.writable_namespaces(conn, viewer["id"])
        values = {"name": "", "path": "", "description": "", "visibility": "private", "readme": True,
                  "namespace": request.query_params.get("namespace", viewer["username"])}
        if request.method == "GET":
            return render(request, "projects/new.html", {"namespaces": namespaces, "values": values})
        form = await form_data(request)
        values = {"name": text(form, "project[name]"), "path": text(form, "project[path]"),
                  "description": text(form, "project[description]"),
                  "visibility": text(form, "project[visibility_level]") or "private",
                  "readme": text(form, "project[initialize_with_readme]") == "1",
                  "namespace": text(form, "project[namespace]") or viewer["username"]}
        namespace = next((n for n in namespaces if n["path"] == values["namespace"]), None)
        try:
            if namespace is None:
                raise writes.ValidationError("You cannot create projects in that namespace")
            project = writes.create_project(conn, namespace, viewer, name=values["name"], path=values["path"],
                                            description=values["description"], visibility=values["visibility"],
                                            with_readme=values["readme"])
        except writes.ValidationError as error:
            return render(request, "projects/new.html", {"namespaces": namespaces, "values": values,
                                                          "error": str(error)}, status_code=422)
        flash(request, f"Project '{project['name']}' was successfully created.")
        return redirect("/" + project["full_path"])


async def show(request: Request) -> Response:
    with database(request) as conn:
        scope = project_scope(request, conn)
        project = scope.project
        folders, files = queries.tree(conn, project["id"])
        readme = queries.file_at(conn, project["id"], "README.md")
        host = request.url.hostname or "127.0.0.1"
        return render(request, "projects/show.html", {
            "scope": scope, "project": project, "folders": folders, "files": files,
            "readme": render_markdown(readme["content"]) if readme else None,
            "starred": queries.is_starred(conn, scope.viewer["id"] if scope.viewer else None, project["id"]),
            "branch_count": len(queries.branches(conn, project["id"])),
            "visibility_title": VISIBILITY_TITLES[project["visibility"]],
            "ssh_url": f"ssh://git@{host}:2222/{project['full_path']}.git",
            "http_url": f"{str(request.base_url).rstrip('/')}/{project['full_path']}.git",
            "level_name": roles.ROLE_NAMES.get(scope.level),
        })


async def toggle_star(request: Request) -> Response:
    with database(request) as conn:
        scope = project_scope(request, conn)
        viewer = scope.require(0, "star projects")
        starred = writes.toggle_star(conn, viewer["id"], scope.project["id"])
        flash(request, f"You {'starred' if starred else 'unstarred'} {scope.project['name_with_namespace']}.")
        return redirect(scope.base)


async def starrers(request: Request) -> Response:
    with database(request) as conn:
        scope = project_scope(request, conn)
        return render(request, "projects/starrers.html", {
            "scope": scope, "project": scope.project, "users": queries.starrers(conn, scope.project["id"])})


async def edit(request: Request) -> Response:
    with database(request) as conn:
        scope = project_scope(request, conn)
        scope.require(roles.MAINTAINER, "change project settings")
        context = {"scope": scope, "project": scope.project, "values": dict(scope.project)}
        if request.method == "GET":
            return render(request, "projects/edit.html", context)
        form = await form_data(request)
        values = {"name": text(form, "project[name]"), "description": text(form, "project[description]"),
                  "visibility": text(form, "project[visibility_level]")}
        try:
            writes.update_project(conn, scope.project, **values)
        except writes.ValidationError as error:
            return render(request, "projects/edit.html", {**context, "values": values, "error": str(error)},
                          status_code=422)
        flash(request, f"Project '{values['name'].strip()}' was successfully updated.")
        return redirect(scope.base + "/edit")


async def change_path(request: Request) -> Response:
    with database(request) as conn:
        scope = project_scope(request, conn)
        scope.require(roles.MAINTAINER, "change the project path")
        form = await form_data(request)
        try:
            full_path = writes.change_path(conn, scope.project, text(form, "project[path]"))
        except writes.ValidationError as error:
            flash(request, str(error), "alert")
            return redirect(scope.base + "/edit")
        flash(request, f"Project path was changed to {full_path}.")
        return redirect("/" + full_path)


P = "/{namespace}/{project}"
routes = [
    Route("/projects/new", new_project, methods=["GET", "POST"]),
    Route("/projects", new_project, methods=["POST"]),
    Route(P + "/-/toggle_star", toggle_star, methods=["POST"]),
    Route(P + "/-/starrers", starrers),
    Route(P + "/edit", edit, methods=["GET", "POST"]),
    Route(P + "/edit/path", change_path, methods=["POST"]),
]
show_route = Route(P, show)
