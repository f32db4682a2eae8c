"""The customer account: sign in/out, dashboard, account information, address book, newsletter, reviews."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from webenv.sites.common import redirect, safe_next
from webenv.sites.shop import queries
from webenv.sites.shop.storefront import store
from webenv.sites.shop.storefront.web import (
    LOGIN_PATH,
    customer_id,
    db,
    flash,
    form_data,
    needs_login,
    not_found,
    render,
)

US_STATES = (
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware",
    "District of Columbia", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas",
    "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota", "Mississippi",
    "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire", "New Jersey", "New Mexico", "New York",
    "North Carolina", "North Dakota", "Ohio", "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island",
    "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah", "Vermont", "Virginia", "Washington",
    "West Virginia", "Wisconsin", "Wyoming",
)


async def login_form(request: Request) -> Response:
    if customer_id(request) is not None:
        return redirect("/customer/account/")
    return render(request, "login.html", next=request.query_params.get("next", ""))


async def login_post(request: Request) -> Response:
    form = await form_data(request)
    with db(request) as conn:
        customer = queries.customer_by_email(conn, form.get("login[username]", ""))
    if customer is None or customer["password"] != form.get("login[password]", ""):
        flash(request, "The account sign-in was incorrect or your account is disabled temporarily. "
                       "Please wait and try again later.", "error")
        target = form.get("next", "")
        return redirect(LOGIN_PATH + (f"?next={target}" if target else ""))
    request.session["user_id"] = customer["id"]
    return redirect(safe_next(form.get("next"), "/customer/account/"))


async def logout(request: Request) -> Response:
    request.session.pop("user_id", None)
    flash(request, "You are signed out.")
    return redirect("/")


async def dashboard(request: Request) -> Response:
    if (login := needs_login(request)):
        return login
    user = customer_id(request)
    assert user is not None
    with db(request) as conn:
        customer = queries.customer_by_id(conn, user)
        assert customer is not None
        billing = queries.default_address(conn, user, "billing")
        shipping = queries.default_address(conn, user, "shipping")
        recent = queries.orders_of(conn, user)[:5]
    return render(request, "account.html", account=customer, recent_orders=recent,
                  billing=queries.address_lines(customer, billing) if billing else None,
                  shipping=queries.address_lines(customer, shipping) if shipping else None)


async def edit_account(request: Request) -> Response:
    if (login := needs_login(request)):
        return login
    with db(request) as conn:
        account = queries.customer_by_id(conn, customer_id(request) or 0)
    return render(request, "account_edit.html", account=account)


async def edit_account_post(request: Request) -> Response:
    if (login := needs_login(request)):
        return login
    form = await form_data(request)
    try:
        with db(request) as conn:
            store.update_account(conn, customer_id(request) or 0, form.get("firstname", ""),
                                 form.get("lastname", ""), form.get("email", ""))
    except store.StoreError as exc:
        flash(request, str(exc), "error")
        return redirect("/customer/account/edit/")
    flash(request, "You saved the account information.")
    return redirect("/customer/account/")


async def address_book(request: Request) -> Response:
    if (login := needs_login(request)):
        return login
    user = customer_id(request) or 0
    with db(request) as conn:
        customer = queries.customer_by_id(conn, user)
        assert customer is not None
        addresses = queries.addresses_of(conn, user)
    billing = next((a for a in addresses if a["is_default_billing"]), None)
    shipping = next((a for a in addresses if a["is_default_shipping"]), None)
    others = [a for a in addresses if not a["is_default_billing"] and not a["is_default_shipping"]]
    return render(request, "addresses.html", billing=billing, shipping=shipping, others=others,
                  billing_lines=queries.address_lines(customer, billing) if billing else None,
                  shipping_lines=queries.address_lines(customer, shipping) if shipping else None)


async def address_form(request: Request) -> Response:
    if (login := needs_login(request)):
        return login
    address = None
    if "address_id" in request.path_params:
        with db(request) as conn:
            found = conn.execute("SELECT * FROM addresses WHERE id = ? AND customer_id = ?",
                                 (request.path_params["address_id"], customer_id(request))).fetchone()
        if found is None:
            raise not_found()
        address = dict(found)
    with db(request) as conn:
        account = queries.customer_by_id(conn, customer_id(request) or 0)
    return render(request, "address_form.html", address=address, account=account, states=US_STATES)


async def address_post(request: Request) -> Response:
    if (login := needs_login(request)):
        return login
    form = await form_data(request)
    address_id = request.path_params.get("address_id")
    entry = store.AddressForm(
        street=form.get("street", ""), city=form.get("city", ""), region=form.get("region", ""),
        postcode=form.get("postcode", ""), phone=form.get("telephone", ""),
        default_billing=form.get("default_billing") == "1", default_shipping=form.get("default_shipping") == "1")
    if entry.region and entry.region not in US_STATES:
        flash(request, "Please select a valid State/Province.", "error")
        return redirect(f"/customer/address/edit/id/{address_id}/" if address_id else "/customer/address/new/")
    try:
        with db(request) as conn:
            store.save_address(conn, customer_id(request) or 0, entry, address_id)
    except store.StoreError as exc:
        flash(request, str(exc), "error")
        return redirect(f"/customer/address/edit/id/{address_id}/" if address_id else "/customer/address/new/")
    flash(request, "You saved the address.")
    return redirect("/customer/address/")


async def address_delete(request: Request) -> Response:
    if (login := needs_login(request)):
        return login
    try:
        with db(request) as conn:
            store.delete_address(conn, customer_id(request) or 0, request.path_params["address_id"])
    except store.StoreError as exc:
        flash(request, str(exc), "error")
        return redirect("/customer/address/")
    flash(request, "You deleted the address.")
    return redirect("/customer/address/")


async def newsletter(request: Request) -> Response:
    if (login := needs_login(request)):
        return login
    with db(request) as conn:
        account = queries.customer_by_id(conn, customer_id(request) or 0)
    return render(request, "newsletter.html", account=account)


async def newsletter_post(request: Request) -> Response:
    if (login := needs_login(request)):
        return login
    form = await form_data(request)
    subscribed = form.get("is_subscribed") == "1"
    with db(request) as conn:
        store.set_newsletter(conn, customer_id(request) or 0, subscribed)
    flash(request, "We have saved your subscription." if subscribed else "We have removed your newsletter "
                                                                         "subscription.")
    return redirect("/customer/account/")


async def my_reviews(request: Request) -> Response:
    if (login := needs_login(request)):
        return login
    with db(request) as conn:
        reviews = queries.customer_reviews(conn, customer_id(request) or 0)
    return render(request, "my_reviews.html", reviews=reviews)
