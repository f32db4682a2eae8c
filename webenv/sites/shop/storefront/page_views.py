"""Content pages: "Contact Us" (a form whose message box WebArena's checks read by its title) and CMS pages."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from webenv.sites.common import one, redirect
from webenv.sites.shop import queries
from webenv.sites.shop.storefront import store
from webenv.sites.shop.storefront.web import customer_id, db, flash, form_data, not_found, render


async def contact(request: Request) -> Response:
    account = None
    if (user := customer_id(request)) is not None:
        with db(request) as conn:
            account = queries.customer_by_id(conn, user)
    return render(request, "contact.html", account=account)


async def contact_post(request: Request) -> Response:
    form = await form_data(request)
    try:
        with db(request) as conn:
            store.save_contact_message(conn, form.get("name", ""), form.get("email", ""), form.get("telephone", ""),
                                       form.get("comment", ""))
    except store.StoreError as exc:
        flash(request, str(exc), "error")
        return redirect("/contact/")
    flash(request, "Thanks for contacting us with your comments and questions. We'll respond to you very soon.")
    return redirect("/contact/")


async def cms_page(request: Request) -> Response:
    with db(request) as conn:
        page = one(conn, "SELECT * FROM cms_pages WHERE url_key = ? AND is_active = 1 AND url_key NOT IN"
                         " ('home', 'no-route')", request.path_params["url_key"])
    if page is None:
        raise not_found()
    return render(request, "cms.html", page=page)


async def add_slash(request: Request) -> Response:
    """`/contact`, `/wishlist`, `/checkout`: real pages typed without their trailing slash. (Other paths get
    Starlette's own slash redirect; these single-segment ones would otherwise be taken for CMS page keys.)"""
    return redirect(request.url.path + "/")
