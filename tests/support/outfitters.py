""""Trail Outfitters": a small multi-page shop served on 127.0.0.1 for the agent's own tests.

It has what the core tests need and nothing more: links, a search form with a select, a results page, product
pages with an add-to-cart form, a cart and checkout, a contact form, a sign-in form, a review page with a one-time
notice, a page whose button spins forever, a price list to download, a 20,000-element page, a dead button (for loop detection), a hidden
button, a page that never finishes loading, off-site links, and a link that opens a new tab. The results page can
be held shut by a gate, so a test can stop the agent at an exact point without sleeping.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from html import escape

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse
from starlette.routing import Route

PRODUCTS = [
    {"slug": "summit-boots", "name": "Summit Hiking Boots", "category": "Boots", "price": 129.0, "stock": 7},
    {"slug": "ridge-boots", "name": "Ridge Trail Boots", "category": "Boots", "price": 89.5, "stock": 0},
    {"slug": "alpine-tent", "name": "Alpine 2P Tent", "category": "Tents", "price": 249.0, "stock": 3},
    {"slug": "canyon-pack", "name": "Canyon 40L Pack", "category": "Packs", "price": 74.0, "stock": 12},
    {"slug": "summit-socks", "name": "Summit Wool Socks", "category": "Boots", "price": 15.0, "stock": 40},
]


@dataclass
class Gate:
    """Holds requests to /results until opened; `reached` is set when one arrives."""

    opened: threading.Event = field(default_factory=threading.Event)
    reached: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.opened.set()

    def close(self) -> None:
        self.opened.clear()


@dataclass
class ShopState:
    cart: list[str] = field(default_factory=list)
    orders: list[list[str]] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    notice_shown: bool = False
    proceeded: list[str] = field(default_factory=list)
    results_gate: Gate = field(default_factory=Gate)
    slow_release: threading.Event = field(default_factory=threading.Event)  # set at teardown


def _page(title: str, body: str) -> HTMLResponse:
    nav = ('<nav><a href="/">Home</a> | <a href="/catalog">Catalog</a> | <a href="/contact">Contact</a> | '
           '<a href="/cart">Cart</a></nav>')
    return HTMLResponse(f"<!doctype html><html><head><title>{escape(title)} - Trail Outfitters</title></head>"
                        f"<body>{nav}<main><h1>{escape(title)}</h1>{body}</main></body></html>")


def create_app(state: ShopState | None = None) -> Starlette:
    shop = state or ShopState()

    async def home(request: Request) -> HTMLResponse:
        return _page("Trail Outfitters", "<p>Gear for every trail.</p>"
                     '<p><a href="/tabs">Store locations</a> <a href="/dead">Inventory</a></p>')

    async def catalog(request: Request) -> HTMLResponse:
        options = "".join(f"<option>{c}</option>" for c in ("All", "Boots", "Tents", "Packs"))
        form = ('<form action="/results" method="get"><label for="q">Search products</label>'
                '<input id="q" name="q" type="text"> <label for="category">Category</label>'
                f'<select id="category" name="category">{options}</select> <button type="submit">Search</button>'
                "</form>")
        return _page("Catalog", form)

    async def results(request: Request) -> HTMLResponse:
        shop.results_gate.reached.set()
        await asyncio.to_thread(shop.results_gate.opened.wait)
        query = request.query_params.get("q", "").lower()
        category = request.query_params.get("category", "All")
        found = [p for p in PRODUCTS if query in p["name"].lower() and category in ("All", p["category"])]
        items = "".join(f'<li><a href="/product/{p["slug"]}">{escape(p["name"])}</a> ${p["price"]:.2f}</li>'
                        for p in found)
        body = f"<p>{len(found)} products found</p><ul>{items}</ul>" if found else "<p>No products match.</p>"
        return _page(f"Results for {request.query_params.get('q', '')}", body)

    async def product(request: Request) -> HTMLResponse:
        item = next((p for p in PRODUCTS if p["slug"] == request.path_params["slug"]), None)
        if item is None:
            return HTMLResponse("<h1>Not found</h1>", status_code=404)
        stock = f"{item['stock']} in stock" if item["stock"] else "Out of stock"
        return _page(item["name"], f'<p class="price">Price: ${item["price"]:.2f}</p><p>{stock}</p>'
                     f'<form method="post" action="/cart/add"><input type="hidden" name="slug" value="{item["slug"]}">'
                     '<button type="submit">Add to cart</button></form>')

    async def cart_add(request: Request) -> RedirectResponse:
        form = await request.form()
        shop.cart.append(str(form["slug"]))
        return RedirectResponse("/cart", status_code=303)

    async def cart(request: Request) -> HTMLResponse:
        rows = "".join(f"<tr><td>{escape(next(p['name'] for p in PRODUCTS if p['slug'] == s))}</td></tr>"
                       for s in shop.cart)
        total = sum(next(p["price"] for p in PRODUCTS if p["slug"] == s) for s in shop.cart)
        body = (f"<table><tr><th>Item</th></tr>{rows}</table><p>Total: ${total:.2f}</p>"
                '<form method="post" action="/checkout"><button type="submit">Place order</button></form>')
        return _page("Your cart", body if shop.cart else "<p>Your cart is empty.</p>")

    async def checkout(request: Request) -> RedirectResponse:
        shop.orders.append(list(shop.cart))
        shop.cart.clear()
        return RedirectResponse(f"/order/{1000 + len(shop.orders)}", status_code=303)

    async def order(request: Request) -> HTMLResponse:
        return _page(f"Order {request.path_params['number']} placed", "<p>Thank you for your order.</p>")

    async def contact(request: Request) -> HTMLResponse:
        if request.method == "POST":
            form = await request.form()
            shop.messages.append(str(form.get("message", "")))
            return _page("Message sent", "<p>We will reply soon.</p>")
        return _page("Contact", '<form method="post"><label for="message">Message</label>'
                     '<textarea id="message" name="message"></textarea><button type="submit">Send</button></form>')

    async def login(request: Request) -> HTMLResponse | RedirectResponse:
        if request.method == "POST":
            form = await request.form()
            shop.logins.append((str(form.get("username", "")), str(form.get("password", ""))))
            return RedirectResponse("/account", status_code=303)
        return _page("Sign in", '<form method="post"><label for="user">Username</label>'
                     '<input id="user" name="username" type="text"> <label for="pw">Password</label>'
                     '<input id="pw" name="password" type="password"> <button type="submit">Sign in</button></form>')

    async def account(request: Request) -> HTMLResponse:
        return _page("Your account", f"<p>{len(shop.logins)} sign-ins</p>")

    async def checkout_notice(request: Request) -> HTMLResponse:
        """A one-time message above the buttons: reloaded, the page numbers its elements differently."""
        notice = "" if shop.notice_shown else '<p role="status">Your cart was saved.</p><button>Dismiss</button>'
        shop.notice_shown = True
        return _page("Review your order", notice + '<form method="post" action="/proceed"><button name="to" '
                     'value="checkout">Proceed to checkout</button></form><footer><a href="/">Back to shop</a>'
                     '</footer>')

    async def proceed(request: Request) -> HTMLResponse:
        form = await request.form()
        shop.proceeded.append(str(form.get("to", "")))
        return _page("Checkout", "<p>Almost there.</p>")

    async def busy(request: Request) -> HTMLResponse:
        return _page("Busy", '<button onclick="while (true) {}">Spin forever</button>')

    async def files(request: Request) -> HTMLResponse:
        return _page("Price lists", '<a href="/files/prices.csv">Download the price list</a>')

    async def price_list(request: Request) -> PlainTextResponse:
        rows = "".join(f"{p['name']},{p['price']:.2f}\n" for p in PRODUCTS)
        return PlainTextResponse("name,price\n" + rows, headers={"Content-Disposition": "attachment; "
                                                                 "filename=prices.csv"})

    async def huge(request: Request) -> HTMLResponse:
        rows = "".join(f'<li><a href="/product/{i % len(PRODUCTS)}">Part {i}</a></li>' for i in range(10_000))
        return _page("Parts", f"<ul>{rows}</ul>")  # 20,000 elements

    async def dead(request: Request) -> HTMLResponse:
        return _page("Inventory", '<button type="button">Refresh inventory</button>'
                     '<div style="display:none"><button type="button">Secret admin</button></div>')

    async def tabs(request: Request) -> HTMLResponse:
        return _page("Store locations", '<a href="/catalog" target="_blank">Open catalog in a new tab</a> '
                     '<a href="http://example.invalid/">Partner site</a> '
                     f'<a href="http://localhost:{request.url.port}/catalog">Mirror</a>')

    async def slow(request: Request) -> HTMLResponse:
        # Answers only when the test is over: navigation timeouts are the point, a hung server at shutdown is not.
        await asyncio.to_thread(shop.slow_release.wait)
        return _page("Finally", "<p>Too late.</p>")

    return Starlette(routes=[
        Route("/", home), Route("/catalog", catalog), Route("/results", results),
        Route("/product/{slug}", product), Route("/cart/add", cart_add, methods=["POST"]), Route("/cart", cart),
        Route("/checkout", checkout, methods=["POST"]), Route("/order/{number}", order),
        Route("/contact", contact, methods=["GET", "POST"]), Route("/dead", dead), Route("/tabs", tabs),
        Route("/slow", slow), Route("/login", login, methods=["GET", "POST"]), Route("/account", account),
        Route("/review", checkout_notice), Route("/proceed", proceed, methods=["POST"]), Route("/busy", busy),
        Route("/files", files), Route("/files/prices.csv", price_list), Route("/huge", huge),
    ])
