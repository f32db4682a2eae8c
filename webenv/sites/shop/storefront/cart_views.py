"""Buying: the cart, checkout and its success page, and the wish list.

Carts and wish lists belong to signed-in customers (the shared schema keys them by customer), so adding to
either while signed out leads to the sign-in page and back.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from webenv.sites.common import redirect
from webenv.sites.shop import queries
from webenv.sites.shop.storefront import store
from webenv.sites.shop.storefront.web import customer_id, db, flash, form_data, needs_login, not_found, render


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(value or "")
    except ValueError:
        return default


async def cart(request: Request) -> Response:
    if (login := needs_login(request)):
        return login
    with db(request) as conn:
        items = queries.cart_of(conn, customer_id(request) or 0)
    return render(request, "cart.html", items=items, subtotal=sum(item["row_total_cents"] for item in items))


async def cart_add(request: Request) -> Response:
    form = await form_data(request)
    back = form.get("return_url", "/") or "/"
    if customer_id(request) is None:
        flash(request, "Please sign in to add products to your cart.", "error")
        return redirect(f"/customer/account/login/?next={back}")
    try:
        with db(request) as conn:
            product = store.add_to_cart(conn, customer_id(request) or 0, _int(form.get("product")),
                                        _int(form.get("qty"), 1))
    except store.StoreError as exc:
        flash(request, str(exc), "error")
        return redirect(back if back.startswith("/") else "/")
    flash(request, f"You added {product['name']} to your shopping cart.")
    return redirect("/checkout/cart/")


async def cart_update(request: Request) -> Response:
    if (login := needs_login(request)):
        return login
    form = await form_data(request)
    quantities = {_int(key[4:-1]): _int(value, -1) for key, value in form.items()
                  if key.startswith("qty[") and key.endswith("]")}
    with db(request) as conn:
        store.update_cart(conn, customer_id(request) or 0, {k: v for k, v in quantities.items() if v >= 0})
    flash(request, "Your shopping cart has been updated.")
    return redirect("/checkout/cart/")


async def cart_delete(request: Request) -> Response:
    if (login := needs_login(request)):
        return login
    with db(request) as conn:
        store.remove_cart_item(conn, customer_id(request) or 0, request.path_params["item_id"])
    flash(request, "The item has been removed from your shopping cart.")
    return redirect("/checkout/cart/")


async def checkout(request: Request) -> Response:
    if (login := needs_login(request)):
        return login
    user = customer_id(request) or 0
    with db(request) as conn:
        items = queries.cart_of(conn, user)
        if not items:
            return redirect("/checkout/cart/")
        account = queries.customer_by_id(conn, user)
        addresses = queries.addresses_of(conn, user)
    subtotal = sum(item["row_total_cents"] for item in items)
    methods = [(code, title, carrier, store.shipping_cost(code, items))
               for code, (title, carrier, _, _) in store.SHIPPING_METHODS.items()]
    return render(request, "checkout.html", items=items, subtotal=subtotal, account=account, addresses=addresses,
                  methods=methods, payments=store.PAYMENT_METHODS)


async def place_order(request: Request) -> Response:
    if (login := needs_login(request)):
        return login
    form = await form_data(request)
    choice = store.Checkout(address_id=_int(form.get("address_id")), shipping=form.get("shipping_method", ""),
                            payment=form.get("payment_method", ""))
    try:
        with db(request) as conn:
            order_id = store.place_order(conn, customer_id(request) or 0, choice)
    except store.StoreError as exc:
        flash(request, str(exc), "error")
        return redirect("/checkout/")
    request.session["last_order_id"] = order_id
    return redirect("/checkout/onepage/success/")


async def success(request: Request) -> Response:
    if (login := needs_login(request)):
        return login
    order_id = request.session.get("last_order_id")
    if order_id is None:
        return redirect("/checkout/cart/")
    with db(request) as conn:
        order = queries.order_of(conn, customer_id(request) or 0, int(order_id))
    if order is None:
        raise not_found()
    return render(request, "success.html", order=order)


async def wishlist(request: Request) -> Response:
    if (login := needs_login(request)):
        return login
    with db(request) as conn:
        items = queries.wishlist_of(conn, customer_id(request) or 0)
    return render(request, "wishlist.html", items=items)


async def wishlist_add(request: Request) -> Response:
    form = await form_data(request)
    if customer_id(request) is None:
        flash(request, "Please sign in to add products to your wish list.", "error")
        back = form.get("return_url", "/") or "/"
        return redirect(f"/customer/account/login/?next={back}")
    try:
        with db(request) as conn:
            product = store.add_to_wishlist(conn, customer_id(request) or 0, _int(form.get("product")))
    except store.StoreError as exc:
        flash(request, str(exc), "error")
        return redirect("/wishlist/")
    flash(request, f"{product['name']} has been added to your Wish List.")
    return redirect("/wishlist/")


async def wishlist_remove(request: Request) -> Response:
    if (login := needs_login(request)):
        return login
    with db(request) as conn:
        store.remove_wishlist_item(conn, customer_id(request) or 0, request.path_params["item_id"])
    flash(request, "The item has been removed from your Wish List.")
    return redirect("/wishlist/")


async def wishlist_to_cart(request: Request) -> Response:
    """Move a wish list item into the cart (Magento's "Add to Cart" on the wish list)."""
    if (login := needs_login(request)):
        return login
    user = customer_id(request) or 0
    with db(request) as conn:
        row = conn.execute("SELECT product_id FROM wishlist_items WHERE id = ? AND customer_id = ?",
                           (request.path_params["item_id"], user)).fetchone()
        if row is None:
            raise not_found()
        try:
            product = store.add_to_cart(conn, user, row["product_id"], 1)
        except store.StoreError as exc:
            flash(request, str(exc), "error")
            return redirect("/wishlist/")
        store.remove_wishlist_item(conn, user, request.path_params["item_id"])
    flash(request, f"You added {product['name']} to your shopping cart.")
    return redirect("/checkout/cart/")
