"""The customer's orders: "My Orders" (newest first, ten a page) and one order's page, plus reorder.

A customer sees only their own orders; any other order id is a 404, exactly like an id that does not exist,
so order numbers cannot be probed.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from webenv.sites.common import page_from, redirect
from webenv.sites.shop import queries
from webenv.sites.shop.storefront import store
from webenv.sites.shop.storefront.web import customer_id, db, flash, needs_login, not_found, render

ORDERS_PER_PAGE = 10


async def history(request: Request) -> Response:
    if (login := needs_login(request)):
        return login
    with db(request) as conn:
        orders = queries.orders_of(conn, customer_id(request) or 0)
        page = page_from(request, len(orders), size=ORDERS_PER_PAGE)
        shown = orders[page.offset:page.offset + page.size]
        for order in shown:
            order["ship_to"] = order["shipping_address"].split(",")[0]
    return render(request, "orders.html", orders=shown, page=page)


async def view(request: Request) -> Response:
    if (login := needs_login(request)):
        return login
    with db(request) as conn:
        order = queries.order_of(conn, customer_id(request) or 0, request.path_params["order_id"])
        if order is None:
            raise not_found()
        items = queries.order_items(conn, order["id"])
    return render(request, "order_view.html", order=order, items=items)


async def reorder(request: Request) -> Response:
    if (login := needs_login(request)):
        return login
    user = customer_id(request) or 0
    with db(request) as conn:
        order = queries.order_of(conn, user, request.path_params["order_id"])
        if order is None:
            raise not_found()
        added = store.reorder(conn, user, order["id"])
    if added:
        flash(request, f"The items of order # {order['increment_id']} were added to your shopping cart.")
    else:
        flash(request, "None of the items of this order can be ordered any more.", "error")
    return redirect("/checkout/cart/")
