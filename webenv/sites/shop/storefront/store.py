"""The storefront's writes: cart, wish list, orders, addresses, account, newsletter, reviews, contact messages.

Kept apart from the views so each change is one small function over a connection, easy to test and to read;
views only parse forms, call these, flash a message and redirect.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from webenv.sites.shop import queries
from webenv.sites.shop.storefront.clock import next_timestamp

SHIPPING_METHODS = {
    "flatrate": ("Flat Rate - Fixed", "Flat Rate", 500, True),  # $5.00 per item
    "tablerate": ("Best Way - Table Rate", "Best Way", 1500, False),  # $15.00 per order
}
PAYMENT_METHODS = {"checkmo": "Check / Money order", "cashondelivery": "Cash On Delivery"}


class StoreError(ValueError):
    """A request the shop refuses (shown to the shopper as an error notice)."""


def add_to_cart(conn: sqlite3.Connection, customer_id: int, product_id: int, qty: int) -> queries.Row:
    product = queries.product_by_id(conn, product_id)
    if product is None:
        raise StoreError("This product is no longer available.")
    if qty < 1:
        raise StoreError("Please enter a quantity greater than 0.")
    if product["stock"] < 1:
        raise StoreError("This product is out of stock.")
    existing = conn.execute("SELECT id FROM cart_items WHERE customer_id = ? AND product_id = ?",
                            (customer_id, product_id)).fetchone()
    if existing:
        conn.execute("UPDATE cart_items SET qty = qty + ? WHERE id = ?", (qty, existing["id"]))
    else:
        conn.execute("INSERT INTO cart_items (customer_id, product_id, qty, added_at) VALUES (?, ?, ?, ?)",
                     (customer_id, product_id, qty, next_timestamp(conn, "cart_items", "added_at")))
    return product


def update_cart(conn: sqlite3.Connection, customer_id: int, quantities: dict[int, int]) -> None:
    """Set quantities by cart item id; zero removes the item."""
    for item_id, qty in quantities.items():
        if qty <= 0:
            conn.execute("DELETE FROM cart_items WHERE id = ? AND customer_id = ?", (item_id, customer_id))
        else:
            conn.execute("UPDATE cart_items SET qty = ? WHERE id = ? AND customer_id = ?", (qty, item_id, customer_id))


def remove_cart_item(conn: sqlite3.Connection, customer_id: int, item_id: int) -> None:
    conn.execute("DELETE FROM cart_items WHERE id = ? AND customer_id = ?", (item_id, customer_id))


def add_to_wishlist(conn: sqlite3.Connection, customer_id: int, product_id: int) -> queries.Row:
    product = queries.product_by_id(conn, product_id)
    if product is None:
        raise StoreError("This product is no longer available.")
    if not conn.execute("SELECT 1 FROM wishlist_items WHERE customer_id = ? AND product_id = ?",
                        (customer_id, product_id)).fetchone():
        conn.execute("INSERT INTO wishlist_items (customer_id, product_id, added_at) VALUES (?, ?, ?)",
                     (customer_id, product_id, next_timestamp(conn, "wishlist_items", "added_at")))
    return product


def remove_wishlist_item(conn: sqlite3.Connection, customer_id: int, item_id: int) -> None:
    conn.execute("DELETE FROM wishlist_items WHERE id = ? AND customer_id = ?", (item_id, customer_id))


@dataclass(frozen=True)
class Checkout:
    address_id: int
    shipping: str
    payment: str


def shipping_cost(method: str, items: list[queries.Row]) -> int:
    _, _, cents, per_item = SHIPPING_METHODS[method]
    return cents * sum(item["qty"] for item in items) if per_item else cents


def place_order(conn: sqlite3.Connection, customer_id: int, checkout: Checkout) -> int:
    """Turn the cart into a pending order; returns the new order's id (its number is the id, zero-padded)."""
    items = queries.cart_of(conn, customer_id)
    if not items:
        raise StoreError("You have no items in your shopping cart.")
    if checkout.shipping not in SHIPPING_METHODS:
        raise StoreError("Please specify a shipping method.")
    if checkout.payment not in PAYMENT_METHODS:
        raise StoreError("Please specify a payment method.")
    address = conn.execute("SELECT * FROM addresses WHERE id = ? AND customer_id = ?",
                           (checkout.address_id, customer_id)).fetchone()
    if address is None:
        raise StoreError("Please choose a shipping address.")
    customer = queries.customer_by_id(conn, customer_id)
    assert customer is not None
    subtotal = sum(item["row_total_cents"] for item in items)
    shipping = shipping_cost(checkout.shipping, items)
    order_id = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM orders").fetchone()[0])
    ship_to = (f"{customer['first_name']} {customer['last_name']}, {address['street']}, {address['city']}, "
               f"{address['region']}, {address['postcode']}, {address['country']}")
    conn.execute(
        "INSERT INTO orders (id, increment_id, customer_id, status, created_at, subtotal_cents, shipping_cents,"
        " grand_total_cents, shipping_address, payment_method, shipping_method)"
        " VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?)",
        (order_id, f"{order_id:09d}", customer_id, next_timestamp(conn, "orders"), subtotal, shipping,
         subtotal + shipping, ship_to, PAYMENT_METHODS[checkout.payment], SHIPPING_METHODS[checkout.shipping][0]))
    for item in items:
        conn.execute("INSERT INTO order_items (order_id, product_id, sku, name, price_cents, qty)"
                     " VALUES (?, ?, ?, ?, ?, ?)", (order_id, item["id"], item["sku"], item["name"],
                                                    item["price_cents"], item["qty"]))
        conn.execute("UPDATE products SET stock = max(stock - ?, 0) WHERE id = ?", (item["qty"], item["id"]))
    conn.execute("DELETE FROM cart_items WHERE customer_id = ?", (customer_id,))
    return order_id


def reorder(conn: sqlite3.Connection, customer_id: int, order_id: int) -> int:
    """Put an old order's (still available) items back in the cart; returns how many lines were added."""
    added = 0
    for item in queries.order_items(conn, order_id):
        try:
            add_to_cart(conn, customer_id, item["product_id"], item["qty"])
            added += 1
        except StoreError:
            continue
    return added


@dataclass(frozen=True)
class AddressForm:
    street: str
    city: str
    region: str
    postcode: str
    phone: str
    country: str = "United States"
    default_billing: bool = False
    default_shipping: bool = False

    def problems(self) -> list[str]:
        missing = [label for label, value in (("Street Address", self.street), ("City", self.city),
                                              ("State/Province", self.region), ("Zip/Postal Code", self.postcode),
                                              ("Phone Number", self.phone)) if not value]
        return [f'"{label}" is a required value.' for label in missing]


def save_address(conn: sqlite3.Connection, customer_id: int, form: AddressForm, address_id: int | None) -> int:
    if problems := form.problems():
        raise StoreError(" ".join(problems))
    values = (form.street, form.city, form.region, form.postcode, form.country, form.phone)
    if address_id is None:
        cur = conn.execute("INSERT INTO addresses (customer_id, street, city, region, postcode, country, phone)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?)", (customer_id, *values))
        address_id = int(cur.lastrowid or 0)
    else:
        updated = conn.execute("UPDATE addresses SET street = ?, city = ?, region = ?, postcode = ?, country = ?,"
                               " phone = ? WHERE id = ? AND customer_id = ?", (*values, address_id, customer_id))
        if updated.rowcount == 0:
            raise StoreError("We can't find this address.")
    for flag, column in ((form.default_billing, "is_default_billing"), (form.default_shipping,
                                                                          "is_default_shipping")):
        if flag:
            conn.execute(f"UPDATE addresses SET {column} = (id = ?) WHERE customer_id = ?", (address_id, customer_id))
    return address_id


def delete_address(conn: sqlite3.Connection, customer_id: int, address_id: int) -> None:
    row = conn.execute("SELECT is_default_billing, is_default_shipping FROM addresses WHERE id = ? AND"
                       " customer_id = ?", (address_id, customer_id)).fetchone()
    if row is None:
        raise StoreError("We can't find this address.")
    if row["is_default_billing"] or row["is_default_shipping"]:
        raise StoreError("You can't delete a default address.")
    conn.execute("DELETE FROM addresses WHERE id = ?", (address_id,))


def update_account(conn: sqlite3.Connection, customer_id: int, first_name: str, last_name: str, email: str) -> None:
    if not first_name or not last_name or not email:
        raise StoreError("First Name, Last Name and Email are required.")
    if "@" not in email or "." not in email.rsplit("@", 1)[-1]:
        raise StoreError("Please enter a valid email address (Ex: johndoe@domain.com).")
    other = queries.customer_by_email(conn, email)
    if other is not None and other["id"] != customer_id:
        raise StoreError("A customer with the same email address already exists.")
    conn.execute("UPDATE customers SET first_name = ?, last_name = ?, email = ? WHERE id = ?",
                 (first_name, last_name, email, customer_id))


def set_newsletter(conn: sqlite3.Connection, customer_id: int, subscribed: bool) -> None:
    conn.execute("UPDATE customers SET newsletter = ? WHERE id = ?", (int(subscribed), customer_id))


def add_review(conn: sqlite3.Connection, product_id: int, customer_id: int | None, nickname: str, title: str,
               body: str, rating: int) -> None:
    """New reviews wait for moderation in the admin (status pending), as Magento's do."""
    if queries.product_by_id(conn, product_id) is None:
        raise StoreError("This product is no longer available.")
    if not (nickname and title and body):
        raise StoreError("Please fill in Nickname, Summary and Review.")
    if rating not in range(1, 6):
        raise StoreError("Please select one of each of the ratings above.")
    conn.execute("INSERT INTO reviews (product_id, customer_id, nickname, title, body, rating, status, created_at)"
                 " VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
                 (product_id, customer_id, nickname, title, body, rating, next_timestamp(conn, "reviews")))


def save_contact_message(conn: sqlite3.Connection, name: str, email: str, phone: str, comment: str) -> None:
    if not (name and email and comment):
        raise StoreError("Name, Email and What’s on your mind? are required.")
    conn.execute("INSERT INTO contact_messages (name, email, phone, comment, created_at) VALUES (?, ?, ?, ?, ?)",
                 (name, email, phone, comment, next_timestamp(conn, "contact_messages")))
