"""The forum's Starlette app: Postmill's URL scheme mapped onto the page handlers.

Route order matters: `/f/{forum}/edit` comes before Postmill's sort paths (`/f/{forum}/new`), and those come
after the submission routes so `/f/books/123` is a post, not a sort named "123". The bare `/f/{forum}/{id}/`
(trailing slash) is a route of its own because WebArena's `reddit_get_post_url` produces exactly that form.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from webenv.sites.common import SiteContext, session_app
from webenv.sites.forum import FORUM, views_account, views_forum, views_listing, views_submission
from webenv.sites.forum.web import SITE_DIR, database, make_templates, render

POST = ["POST"]
_SUBMISSION = "/f/{forum}/{id:int}"
_UNDER = _SUBMISSION + "/{slug}"


def routes() -> list[Route | Mount]:
    return [
        Route("/", views_listing.front),
        Route("/forums", views_listing.forum_list),
        Route("/search", views_listing.search),
        Route("/login", views_account.login_form),
        Route("/login_check", views_account.login_check, methods=POST),
        Route("/logout", views_account.logout, methods=POST),
        Route("/submit", views_submission.submit_form),
        Route("/submit", views_submission.submit, methods=POST),
        Route("/submit/{forum}", views_submission.submit_form),
        Route("/submit/{forum}", views_submission.submit, methods=POST),
        Route("/create_forum", views_forum.create_form),
        Route("/create_forum", views_forum.create, methods=POST),
        Route("/sv/{id:int}", views_submission.vote, methods=POST),
        Route("/cv/{id:int}", views_submission.vote, methods=POST),
        Route("/user/{username}", views_account.profile),
        Route("/user/{username}/edit_biography", views_account.biography_form),
        Route("/user/{username}/edit_biography", views_account.biography, methods=POST),
        Route("/user/{username}/submissions", views_account.profile),
        Route("/user/{username}/comments", views_account.profile),
        Route("/f/{forum}", views_listing.forum),
        Route("/f/{forum}/edit", views_forum.edit_form),
        Route("/f/{forum}/edit", views_forum.edit, methods=POST),
        Route("/f/{forum}/subscribe", views_forum.subscription, methods=POST),
        Route("/f/{forum}/unsubscribe", views_forum.subscription, methods=POST),
        Route(_SUBMISSION, views_submission.submission_page),
        Route(_SUBMISSION + "/", views_submission.submission_page),
        Route(_UNDER, views_submission.submission_page),
        Route(_UNDER + "/comment", views_submission.post_comment, methods=POST),
        Route(_UNDER + "/comment/{comment_id:int}", views_submission.comment_page),
        Route(_UNDER + "/comment/{comment_id:int}", views_submission.post_comment, methods=POST),
        Route(_UNDER + "/edit", views_submission.edit_form),
        Route(_UNDER + "/edit", views_submission.edit, methods=POST),
        Route(_UNDER + "/delete", views_submission.delete, methods=POST),
        Route("/f/{forum}/{sort:str}", views_listing.forum),  # Postmill's /f/books/new; after the int ids
        Mount("/static", app=StaticFiles(directory=SITE_DIR / "static"), name="static"),
    ]


async def _error(request: Request, exc: Exception) -> Response:
    """Errors as real pages (with the site header), so an agent that hits one can find its way back."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "Something went wrong."
    with database(request) as conn:
        return render(request, conn, "error.html", status_code=status, status=status, detail=detail)


def create_app(ctx: SiteContext) -> Starlette:
    app = session_app(ctx, FORUM.cookie_name, routes(), {HTTPException: _error})
    app.state.templates = make_templates()
    return app
