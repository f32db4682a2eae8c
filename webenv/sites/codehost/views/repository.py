"""Repository pages: file tree, file view, raw file, new/edit file (each save is a commit), commits,
contributors and branches. Only the default branch holds files; other branches exist for merge requests."""

from __future__ import annotations

import sqlite3
from itertools import groupby
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from webenv.sites.codehost import queries, roles, writes
from webenv.sites.codehost.clock import human_date
from webenv.sites.codehost.markup import render_markdown
from webenv.sites.codehost.views.base import (
    ProjectScope,
    database,
    flash,
    form_data,
    project_scope,
    render,
    text,
)
from webenv.sites.common import page_from, redirect

COMMITS_PAGE_SIZE = 40


def _branch(request: Request, conn: sqlite3.Connection, scope: ProjectScope) -> str:
    name = request.path_params.get("branch", scope.project["default_branch"])
    if name not in {b["name"] for b in queries.branches(conn, scope.project["id"])}:
        raise HTTPException(404, f"Branch {name} not found")
    return str(name)


async def tree(request: Request) -> Response:
    with database(request) as conn:
        scope = project_scope(request, conn)
        branch = _branch(request, conn, scope)
        directory = request.path_params.get("path", "").strip("/")
        if directory and not queries.is_directory(conn, scope.project["id"], directory):
            raise HTTPException(404, f"{directory} not found")
        folders, files = queries.tree(conn, scope.project["id"], directory)
        return render(request, "repository/tree.html", {
            "scope": scope, "project": scope.project, "branch": branch, "directory": directory,
            "folders": folders, "files": files, "crumbs": _crumbs(directory)})


def _crumbs(path: str) -> list[tuple[str, str]]:
    parts = [p for p in path.split("/") if p]
    return [(part, "/".join(parts[: i + 1])) for i, part in enumerate(parts)]


async def blob(request: Request) -> Response:
    with database(request) as conn:
        scope = project_scope(request, conn)
        branch = _branch(request, conn, scope)
        path = request.path_params["path"].strip("/")
        found = queries.file_at(conn, scope.project["id"], path)
        if found is None:
            raise HTTPException(404, f"{path} not found")
        rendered = render_markdown(found["content"]) if path.lower().endswith(".md") else None
        return render(request, "repository/blob.html", {
            "scope": scope, "project": scope.project, "branch": branch, "file": found, "path": path,
            "rendered": rendered, "crumbs": _crumbs(path), "line_count": len(found["content"].splitlines())})


async def raw(request: Request) -> Response:
    with database(request) as conn:
        scope = project_scope(request, conn)
        _branch(request, conn, scope)
        found = queries.file_at(conn, scope.project["id"], request.path_params["path"].strip("/"))
        if found is None:
            raise HTTPException(404, "File not found")
        return PlainTextResponse(found["content"])


async def new_file(request: Request) -> Response:
    with database(request) as conn:
        scope = project_scope(request, conn)
        author = scope.require(roles.DEVELOPER, "add files")
        branch = _branch(request, conn, scope) if queries.branches(conn, scope.project["id"]) else "main"
        directory = request.path_params.get("path", "").strip("/")
        values = {"file_name": f"{directory}/" if directory else "", "content": "", "commit_message": "Add new file"}
        if request.method == "GET":
            return render(request, "repository/file_form.html", {
                "scope": scope, "project": scope.project, "branch": branch, "values": values, "editing": False})
        form = await form_data(request)
        values = {"file_name": text(form, "file_name"), "content": text(form, "content"),
                  "commit_message": text(form, "commit_message") or "Add new file"}
        try:
            writes.commit_file(conn, scope.project, author, path=values["file_name"], content=values["content"],
                               message=values["commit_message"])
        except writes.ValidationError as error:
            return render(request, "repository/file_form.html", {
                "scope": scope, "project": scope.project, "branch": branch, "values": values, "editing": False,
                "error": str(error)}, status_code=422)
        flash(request, "The file has been successfully created.")
        path = "/".join(p for p in values["file_name"].strip().split("/") if p)
        return redirect(f"{scope.base}/-/blob/{branch}/{path}")


async def edit_file(request: Request) -> Response:
    with database(request) as conn:
        scope = project_scope(request, conn)
        author = scope.require(roles.DEVELOPER, "edit files")
        branch = _branch(request, conn, scope)
        path = request.path_params["path"].strip("/")
        found = queries.file_at(conn, scope.project["id"], path)
        if found is None:
            raise HTTPException(404, f"{path} not found")
        values = {"file_name": path, "content": found["content"], "commit_message": f"Update {path.split('/')[-1]}"}
        context = {"scope": scope, "project": scope.project, "branch": branch, "editing": True}
        if request.method == "GET":
            return render(request, "repository/file_form.html", {**context, "values": values})
        form = await form_data(request)
        values.update(content=text(form, "content"),
                      commit_message=text(form, "commit_message") or values["commit_message"])
        try:
            writes.commit_file(conn, scope.project, author, path=path, content=values["content"],
                               message=values["commit_message"], replace=True)
        except writes.ValidationError as error:
            return render(request, "repository/file_form.html", {**context, "values": values, "error": str(error)},
                          status_code=422)
        flash(request, "Your changes have been successfully committed.")
        return redirect(f"{scope.base}/-/blob/{branch}/{path}")


async def commits(request: Request) -> Response:
    with database(request) as conn:
        scope = project_scope(request, conn)
        author = request.query_params.get("author", "").strip()
        _, total = queries.commits(conn, scope.project["id"], author=author, limit=1)
        page = page_from(request, total, COMMITS_PAGE_SIZE)
        found, _ = queries.commits(conn, scope.project["id"], author=author, limit=COMMITS_PAGE_SIZE,
                                   offset=page.offset)
        days = [(day, list(items)) for day, items in groupby(found, key=lambda c: human_date(c["created_at"]))]
        path = request.url.path
        return render(request, "repository/commits.html", {
            "scope": scope, "project": scope.project, "days": days, "page": page, "author": author, "total": total,
            "authors": [c["name"] for c in queries.contributors(conn, scope.project["id"])],
            "page_url": lambda n: path + "?" + urlencode(
                [(k, v) for k, v in (("author", author), ("page", str(n))) if v]),
        })


async def contributors(request: Request) -> Response:
    with database(request) as conn:
        scope = project_scope(request, conn)
        return render(request, "repository/contributors.html", {
            "scope": scope, "project": scope.project, "branch": _branch(request, conn, scope),
            "contributors": queries.contributors(conn, scope.project["id"])})


async def branches(request: Request) -> Response:
    with database(request) as conn:
        scope = project_scope(request, conn)
        return render(request, "repository/branches.html", {
            "scope": scope, "project": scope.project, "branches": queries.branches(conn, scope.project["id"])})


P = "/{namespace}/{project}/-"
routes = [
    Route(P + "/tree/{branch}", tree),
    Route(P + "/tree/{branch}/{path:path}", tree),
    Route(P + "/blob/{branch}/{path:path}", blob),
    Route(P + "/raw/{branch}/{path:path}", raw),
    Route(P + "/new/{branch}", new_file, methods=["GET", "POST"]),
    Route(P + "/new/{branch}/{path:path}", new_file, methods=["GET", "POST"]),
    Route(P + "/edit/{branch}/{path:path}", edit_file, methods=["GET", "POST"]),
    Route(P + "/commits", commits),
    Route(P + "/commits/{branch}", commits),
    Route(P + "/graphs/{branch}", contributors),
    Route(P + "/branches", branches),
]
