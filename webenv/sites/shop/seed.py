"""Build the shop's deterministic seed database (shared by the storefront and the store admin).

Data shape, mirroring WebArena's OneStopShop: a category tree (11 top-level categories, 33 leaves) with 278
products (4 disabled), 130 customers, 372 orders from January 2022 to June 2023, ~1,100 reviews (a few pending
or rejected), wishlists, abandoned carts, search terms and CMS pages.
The default storefront account is emma.lopez@gmail.com / Password.123 (Emma Lopez, 24 orders of her own, a
default address plus one more, a three-item wish list, three reviews); every generated customer uses the same
password. The admin user is admin / admin1234. Timestamps are fixed (never "now"), so every machine builds the
same file and task answers computed from it are stable.
"""

from __future__ import annotations

import random
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from webenv.sites.common import seeded_rng
from webenv.sites.shop import seed_admin
from webenv.sites.shop.seed_data import catalog, people, reviews

SCHEMA = Path(__file__).with_name("schema.sql")
PASSWORD = "Password.123"
EMMA_EMAIL = "emma.lopez@gmail.com"
SHIPPING_PER_ITEM_CENTS = 500  # Magento's default "Flat Rate": $5.00 per item
FLAT_RATE = "Flat Rate - Fixed"
PAYMENT_METHODS = ("Check / Money order", "Check / Money order", "Credit Card", "Cash On Delivery")
PERIOD_START = datetime(2022, 1, 1)
PERIOD_END = datetime(2023, 6, 30, 23, 0)

# Columns and tables the storefront needs beyond the shared DDL (added, never renamed: see schema.sql).
SCHEMA_ADDITIONS = """
ALTER TABLE orders ADD COLUMN shipping_method TEXT NOT NULL DEFAULT 'Flat Rate - Fixed';
CREATE TABLE contact_messages (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    email       TEXT NOT NULL,
    phone       TEXT,
    comment     TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
"""

DESCRIPTIONS: dict[str, str] = {
    "beauty": "Dermatologist tested and suitable for everyday use.",
    "mouthguard": "A mouth guard that protects teeth from night-time grinding and clenching (bruxism); BPA free.",
    "electronics": "Includes a USB charging cable and a one-year limited warranty.",
    "fitness": "Built for home workouts, stretching and strength training.",
    "outdoor": "Made for camping, hiking and everyday adventures.",
    "shoes": "Cushioned insole and durable rubber outsole for all-day comfort.",
    "apparel": "Machine washable; see the size chart for the best fit.",
    "swim": "Chlorine-resistant fabric designed for training and competition.",
    "furniture": "Ships flat-packed with all hardware and step-by-step assembly instructions.",
    "kitchen": "Dishwasher-safe parts make clean-up quick.",
    "decor": "Adds a finishing touch to living rooms, bedrooms and entryways.",
    "bedding": "Machine washable and fade resistant.",
    "printer": "Compatible with Windows, macOS, iOS and Android devices.",
    "office": "A staple for the office, the classroom and the home desk.",
    "audio": "Bluetooth 5.0 wireless connection with up to 12 hours of playtime.",
    "charger": "Certified for safe, fast charging.",
    "phonecase": "Precise cutouts keep every button and port accessible.",
    "screen": "9H hardness tempered glass with an oleophobic coating.",
    "games": "Officially licensed accessory; compatible with the latest consoles.",
    "food": "Store in a cool, dry place.",
    "health": "Made in a GMP-certified facility. Consult your doctor before use.",
    "household": "Trusted by families for everyday cleaning.",
    "garden": "Weather resistant for years of outdoor use.",
    "general": "Backed by the manufacturer's warranty.",
}


@dataclass(frozen=True)
class EmmaOrder:
    """One of the default customer's orders: fixed date and status, plus items planted for tasks."""

    when: str
    status: str
    planted: tuple[str, ...] = ()  # product names (optionally "name|color") that must be in the order


# The default account's order history: a few months with several orders, cancellations in 2022, a latest order
# still pending, and items that task intents refer to (a canceled make-up remover kit in summer 2022, body
# butter in January 2023, artificial ivy in February 2023, a screen protector in March 2023...).
EMMA_ORDERS: tuple[EmmaOrder, ...] = (
    EmmaOrder("2022-01-14 10:12:31", "complete", ("Lodge Pre-Seasoned Cast Iron Skillet, 10.25 Inch",)),
    EmmaOrder("2022-02-03 19:40:05", "complete", ("Twinings English Breakfast Black Tea, 100 Count",)),
    EmmaOrder("2022-03-02 09:05:47", "complete", ()),
    EmmaOrder("2022-03-21 16:30:12", "complete", ()),
    EmmaOrder("2022-05-17 11:22:40", "canceled", ("Sony WH-1000XM4 Wireless Noise Canceling Overhead Headphones",)),
    EmmaOrder("2022-06-28 08:47:19", "canceled",
              ("Makeup Remover Kit, Reusable Cleansing Pads and Cleansing Balm, 3-Piece Set",)),
    EmmaOrder("2022-07-09 13:15:02", "complete", ()),
    EmmaOrder("2022-08-23 20:01:55", "complete", ("JBL Flip 5 Waterproof Portable Bluetooth Speaker|Blue",)),
    EmmaOrder("2022-09-30 12:44:08", "complete", ()),
    EmmaOrder("2022-10-11 18:20:33", "canceled", ()),
    EmmaOrder("2022-11-04 09:58:14", "complete", ()),
    EmmaOrder("2022-11-15 21:07:46", "complete", ()),
    EmmaOrder("2022-11-27 15:33:29", "complete", ()),
    EmmaOrder("2022-12-19 10:26:51", "complete", ()),
    EmmaOrder("2023-01-16 17:49:03", "complete",
              ("The Body Shop Shea Body Butter, Nourishing Moisturizer for Very Dry Skin, 6.75 oz",)),
    EmmaOrder("2023-02-08 11:11:11", "complete",
              ("Fake Hanging Plants, 2 Pack Artificial Ivy Vines for Wall and Room Decor|Green-vines",)),
    EmmaOrder("2023-02-22 14:02:37", "complete", ()),
    EmmaOrder("2023-03-11 19:25:18", "complete", ("ESR Tempered Glass Screen Protector for iPhone 13, 3 Pack",)),
    EmmaOrder("2023-04-02 08:15:44", "on_hold", ()),
    EmmaOrder("2023-04-26 16:40:09", "complete", ()),
    EmmaOrder("2023-05-14 12:30:00", "processing", ()),
    EmmaOrder("2023-05-30 09:45:27", "canceled", ()),
    EmmaOrder("2023-06-07 20:12:53", "pending", ()),
    EmmaOrder("2023-06-12 18:03:36", "pending", ("Nature Made Vitamin D3 2000 IU, 220 Softgels",)),
)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "")).strip("-")


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _random_moment(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + timedelta(seconds=rng.randrange(int((end - start).total_seconds())))


def _cents(dollars: str) -> int:
    whole, _, frac = dollars.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def _sku(rng: random.Random, taken: set[str]) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    while True:
        sku = "B0" + "".join(rng.choice(alphabet) for _ in range(8))
        if sku not in taken:
            taken.add(sku)
            return sku


def _insert_categories(conn: sqlite3.Connection) -> dict[str, int]:
    ids: dict[str, int] = {}
    for slug, name in catalog.CATEGORIES:
        parent = slug.rsplit("/", 1)[0] if "/" in slug else None
        cur = conn.execute("INSERT INTO categories (name, slug, parent_id) VALUES (?, ?, ?)",
                           (name, slug, ids[parent] if parent else None))
        ids[slug] = int(cur.lastrowid or 0)
    return ids


def _insert_products(conn: sqlite3.Connection, rng: random.Random, category_ids: dict[str, int]) -> None:
    skus: set[str] = set()
    slugs: set[str] = set()
    for line in catalog.LINES:
        for color in line.colors or (None,):
            name = line.name.format(color=color) if "{color}" in line.name else line.name
            slug = slugify(name)
            if slug in slugs:  # identical names (colour variants): the colour tells the pages apart
                slug = f"{slug}-{slugify(color or 'variant')}"
            slugs.add(slug)
            stock = 0 if rng.random() < 0.07 else rng.choice((rng.randint(1, 12), rng.randint(13, 400)))
            description = " ".join(
                part for part in (
                    f"{name}.",
                    f"Color: {color}." if color else "",
                    f"Available sizes: {line.size}." if line.size else "",
                    DESCRIPTIONS.get(line.kind, DESCRIPTIONS["general"]),
                ) if part
            )
            created = _random_moment(rng, datetime(2021, 6, 1), datetime(2021, 12, 31))
            conn.execute(
                "INSERT INTO products (sku, name, slug, category_id, price_cents, stock, description, color, size,"
                " enabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (_sku(rng, skus), name, slug, category_ids[line.category], _cents(line.price), stock, description,
                 color, line.size, int(line.enabled), _stamp(created)),
            )


def _address_parts(rng: random.Random, place: tuple[str, str, str, str]) -> tuple[str, str, str, str]:
    street, city, region, postcode = place
    return f"{rng.randint(10, 9899)} {street}", city, region, postcode


def _insert_customers(conn: sqlite3.Connection, rng: random.Random) -> None:
    conn.execute(
        "INSERT INTO customers (email, password, first_name, last_name, phone, newsletter, created_at)"
        " VALUES (?, ?, 'Emma', 'Lopez', '215-555-0147', 0, '2021-11-03 14:20:00')", (EMMA_EMAIL, PASSWORD))
    conn.execute(
        "INSERT INTO addresses (customer_id, street, city, region, postcode, phone, is_default_billing,"
        " is_default_shipping) VALUES (1, '1412 Chestnut Street', 'Philadelphia', 'Pennsylvania', '19102',"
        " '215-555-0147', 1, 1)")
    conn.execute(
        "INSERT INTO addresses (customer_id, street, city, region, postcode, phone) VALUES"
        " (1, '88 Atlantic Avenue', 'Brooklyn', 'New York', '11217', '215-555-0147')")
    names = [(first, last) for first in people.FIRST_NAMES for last in people.LAST_NAMES]
    rng.shuffle(names)
    domains = ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com")
    for first, last in names[:129]:
        email = f"{first}.{last}{rng.choice(('', '', str(rng.randint(1, 99))))}@{rng.choice(domains)}".lower()
        phone = f"{rng.randint(201, 989)}-555-{rng.randint(100, 9999):04d}"
        created = _random_moment(rng, datetime(2021, 1, 5), datetime(2022, 12, 1))
        cur = conn.execute(
            "INSERT INTO customers (email, password, first_name, last_name, phone, newsletter, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (email, PASSWORD, first, last, phone, int(rng.random() < 0.3), _stamp(created)))
        customer_id = cur.lastrowid
        street, city, region, postcode = _address_parts(rng, rng.choice(people.PLACES))
        conn.execute(
            "INSERT INTO addresses (customer_id, street, city, region, postcode, phone, is_default_billing,"
            " is_default_shipping) VALUES (?, ?, ?, ?, ?, ?, 1, 1)",
            (customer_id, street, city, region, postcode, phone))
        if rng.random() < 0.2:
            street, city, region, postcode = _address_parts(rng, rng.choice(people.PLACES))
            conn.execute(
                "INSERT INTO addresses (customer_id, street, city, region, postcode, phone) VALUES (?, ?, ?, ?, ?, ?)",
                (customer_id, street, city, region, postcode, phone))


def _status_for(rng: random.Random, moment: datetime) -> str:
    """Old orders are mostly complete; the last weeks of the period still have open ones."""
    if moment >= datetime(2023, 6, 1):
        weights = {"pending": 5, "processing": 4, "canceled": 1}
    elif moment >= datetime(2023, 5, 1):
        weights = {"complete": 5, "processing": 4, "canceled": 1}
    else:
        weights = {"complete": 80, "canceled": 13, "on_hold": 4, "processing": 3}
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _product_lookup(conn: sqlite3.Connection, spec: str) -> sqlite3.Row:
    name, _, color = spec.partition("|")
    sql = "SELECT id, sku, name, price_cents FROM products WHERE name = ?" + (" AND color = ?" if color else "")
    row = conn.execute(sql + " ORDER BY id LIMIT 1", (name, color) if color else (name,)).fetchone()
    if row is None:
        raise LookupError(f"seed: no product {spec!r}")
    return row


def _insert_orders(conn: sqlite3.Connection, rng: random.Random) -> None:
    products = conn.execute("SELECT id, sku, name, price_cents FROM products WHERE enabled = 1").fetchall()
    customers = conn.execute("SELECT id FROM customers WHERE id > 1").fetchall()
    plans: list[tuple[datetime, int, str | None, tuple[str, ...]]] = []
    for order in EMMA_ORDERS:
        plans.append((datetime.strptime(order.when, "%Y-%m-%d %H:%M:%S"), 1, order.status, order.planted))
    for customer in customers:
        count = rng.choices((0, 1, 2, 3, 4, 5, 6), weights=(8, 20, 22, 20, 14, 10, 6))[0]
        moments = [_random_moment(rng, PERIOD_START, PERIOD_END) for _ in range(count)]
        if count >= 2 and rng.random() < 0.3:  # several orders in one month
            moments[1] = moments[0] + timedelta(days=rng.randint(1, 9), minutes=rng.randint(1, 600))
        plans.extend((moment, customer["id"], None, ()) for moment in moments)
    plans.sort(key=lambda plan: plan[0])
    default_address = {
        row["customer_id"]: row for row in conn.execute(
            "SELECT a.*, c.first_name, c.last_name FROM addresses a JOIN customers c ON c.id = a.customer_id"
            " WHERE a.is_default_shipping = 1")
    }
    for number, (moment, customer_id, status, planted) in enumerate(plans, start=1):
        items = [_product_lookup(conn, spec) for spec in planted]
        wanted = rng.choices((1, 2, 3, 4), weights=(45, 30, 17, 8))[0]
        while len(items) < max(wanted, len(planted)):
            candidate = rng.choice(products)
            if all(candidate["id"] != item["id"] for item in items):
                items.append(candidate)
        quantities = [rng.choices((1, 2, 3), weights=(82, 14, 4))[0] for _ in items]
        subtotal = sum(item["price_cents"] * qty for item, qty in zip(items, quantities))
        shipping = SHIPPING_PER_ITEM_CENTS * sum(quantities)
        address = default_address[customer_id]
        ship_to = (f"{address['first_name']} {address['last_name']}, {address['street']}, {address['city']}, "
                   f"{address['region']}, {address['postcode']}, {address['country']}")
        conn.execute(
            "INSERT INTO orders (id, increment_id, customer_id, status, created_at, subtotal_cents, shipping_cents,"
            " grand_total_cents, shipping_address, payment_method, shipping_method)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (number, f"{number:09d}", customer_id, status or _status_for(rng, moment), _stamp(moment), subtotal,
             shipping, subtotal + shipping, ship_to, rng.choice(PAYMENT_METHODS), FLAT_RATE))
        conn.executemany(
            "INSERT INTO order_items (order_id, product_id, sku, name, price_cents, qty) VALUES (?, ?, ?, ?, ?, ?)",
            [(number, item["id"], item["sku"], item["name"], item["price_cents"], qty)
             for item, qty in zip(items, quantities)])


def _review_text(rng: random.Random, rating: int, kind: str) -> tuple[str, str]:
    """A title and body whose every sentence fits the rating (`reviews.ALLOWED`): praise for five stars,
    praise with at most a small gripe for four, one good and one bad point for three, complaints below."""
    allowed = reviews.ALLOWED[rating]
    bank = reviews.BY_KIND.get(kind, reviews.BY_KIND["general"])
    pool = [text for polarity, text in bank if polarity in allowed]
    if rating == 3:  # mixed: one good point, one bad one
        good = [text for polarity, text in bank if polarity == "+"]
        bad = [text for polarity, text in bank if polarity in "-0"]
        picked = [rng.choice(good), rng.choice(bad)] if good and bad else rng.sample(pool, k=min(2, len(pool)))
    else:
        main = "+" if rating >= 4 else "-"
        first = [text for polarity, text in bank if polarity == main] or pool
        picked = [rng.choice(first)]
        rest = [text for text in pool if text not in picked]
        if rest and rng.random() < 0.4:
            picked.append(rng.choice(rest))
    sentences = [rng.choice(reviews.OPENERS[rating]), *picked]
    if kind in reviews.APPAREL_KINDS and rng.random() < 0.5:
        if fitting := [t for p, t in reviews.SIZING if p in allowed]:
            sentences.append(rng.choice(fitting))
    if rng.random() < 0.3:
        if fitting := [t for p, t in reviews.SHIPPING if p in allowed and (rating != 3 or p != "+")]:
            sentences.append(rng.choice(fitting))
    return rng.choice(reviews.TITLES[rating]), " ".join(sentences)


def _skip_legacy_text_draws(rng: random.Random, rating: int, kind: str) -> None:
    """Consume the main stream exactly as the first review-text generator did (it drew titles and sentences
    from it). Texts now come from their own stream; keeping these draws keeps every row generated after the
    reviews — review statuses and dates, wish lists, carts, search-term hits, the admin's data — as it was."""
    rng.choice(reviews.TITLES[rating])
    wanted = "+" if rating >= 4 else "-" if rating <= 2 else rng.choice("+-0")
    pool = [text for polarity, text in reviews.BY_KIND.get(kind, reviews.BY_KIND["general"])
            if polarity in (wanted, "0")]
    rng.choice(reviews.OPENERS[rating])
    rng.sample(pool, k=min(len(pool), rng.choice((1, 1, 2))))
    if kind in reviews.APPAREL_KINDS and rng.random() < 0.5:
        rng.choice([t for p, t in reviews.SIZING if p in (wanted, "0")])
    if rng.random() < 0.3:
        rng.choice([t for p, t in reviews.SHIPPING if p in (wanted, "0")])


def _insert_reviews(conn: sqlite3.Connection, rng: random.Random) -> None:
    # Texts draw from their own stream, so the words of the reviews can change without moving anything else.
    text_rng = seeded_rng("shop-review-text")
    kinds = {}
    for line in catalog.LINES:
        kinds[line.name] = line.kind
    customers = conn.execute("SELECT id, first_name, last_name FROM customers WHERE id > 1").fetchall()
    products = conn.execute("SELECT id, name, created_at FROM products WHERE enabled = 1 ORDER BY id").fetchall()
    for product in products:
        kind = next((k for name, k in kinds.items() if product["name"] == name or
                     ("{color}" in name and product["name"].startswith(name.split("{color}")[0]))), "general")
        count = rng.choices((0, 1, 2, 3, 4, 5, 7, 10, 14), weights=(12, 14, 15, 15, 12, 10, 10, 8, 4))[0]
        quality = rng.uniform(2.3, 4.8)
        used: set[str] = set()
        start = datetime.strptime(product["created_at"], "%Y-%m-%d %H:%M:%S") + timedelta(days=10)
        for _ in range(count):
            if rng.random() < 0.45:
                customer = rng.choice(customers)
                customer_id: int | None = customer["id"]
                nickname = rng.choice((customer["first_name"], f"{customer['first_name']} {customer['last_name'][0]}."))
            else:
                customer_id, nickname = None, rng.choice(people.GUEST_NICKNAMES)
            if nickname in used:
                continue
            used.add(nickname)
            rating = min(5, max(1, round(rng.gauss(quality, 1.0))))
            status = rng.choices(("approved", "pending", "rejected"), weights=(96, 3, 1))[0]
            _skip_legacy_text_draws(rng, rating, kind)
            title, body = _review_text(text_rng, rating, kind)
            conn.execute(
                "INSERT INTO reviews (product_id, customer_id, nickname, title, body, rating, status, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (product["id"], customer_id, nickname, title, body, rating, status,
                 _stamp(_random_moment(rng, start, PERIOD_END))))
    # The default customer reviewed a few things she bought (her "My Product Reviews" page is not empty).
    bought = conn.execute(
        "SELECT DISTINCT oi.product_id, p.name, o.created_at FROM order_items oi JOIN orders o ON o.id = oi.order_id"
        " JOIN products p ON p.id = oi.product_id WHERE o.customer_id = 1 AND o.status = 'complete'"
        " ORDER BY o.created_at LIMIT 3").fetchall()
    for row, (rating, title, body) in zip(bought, (
        (5, "Exactly what I needed",
         "Excellent quality for the price. Shipping was fast and it arrived well packaged."),
        (4, "Good buy", "Very good overall. The instructions could be clearer."),
        (2, "Not great", "Disappointed with the quality. Stopped working after two weeks."),
    )):
        moment = datetime.strptime(row["created_at"], "%Y-%m-%d %H:%M:%S") + timedelta(days=12, hours=3)
        conn.execute(
            "INSERT INTO reviews (product_id, customer_id, nickname, title, body, rating, status, created_at)"
            " VALUES (?, 1, 'Emma', ?, ?, ?, 'approved', ?)", (row["product_id"], title, body, rating, _stamp(moment)))


# The default customer's wish list: fixed, and free of words that wish-list tasks check for ("white", "desk"),
# so adding the asked-for product is what makes such a check pass.
EMMA_WISHLIST = (
    ("Yankee Candle Large Jar Candle, Clean Cotton", "2023-02-11 09:30:00"),
    ("Bose SoundLink Micro Bluetooth Speaker|Stone Blue", "2023-04-18 21:15:00"),
    ("Osprey Daylite Plus Daypack, 20 Liter|Wild Blueberry", "2023-06-02 13:05:00"),
)


def _insert_lists(conn: sqlite3.Connection, rng: random.Random) -> None:
    """Wishlists and abandoned carts (the admin reports on both)."""
    products = [row["id"] for row in conn.execute("SELECT id FROM products WHERE enabled = 1")]
    for spec, when in EMMA_WISHLIST:
        conn.execute("INSERT INTO wishlist_items (customer_id, product_id, added_at) VALUES (1, ?, ?)",
                     (_product_lookup(conn, spec)["id"], when))
    for (customer_id,) in conn.execute("SELECT id FROM customers WHERE id > 1").fetchall():
        for product_id in rng.sample(products, rng.choice((0, 0, 1, 2, 3))):
            conn.execute("INSERT INTO wishlist_items (customer_id, product_id, added_at) VALUES (?, ?, ?)",
                         (customer_id, product_id, _stamp(_random_moment(rng, PERIOD_START, PERIOD_END))))
        if rng.random() < 0.1:
            conn.execute("INSERT INTO cart_items (customer_id, product_id, qty, added_at) VALUES (?, ?, ?, ?)",
                         (customer_id, rng.choice(products), rng.randint(1, 2),
                          _stamp(_random_moment(rng, datetime(2023, 5, 1), PERIOD_END))))


SEARCH_TERMS = (
    "mouth guard", "headphones", "yoga mat", "phone case", "screen protector", "office chair", "desk",
    "coffee", "tea", "candles", "switch game case", "xbox controller", "printer", "running shoes", "hoodie",
    "swimsuit", "vegan jerky", "protein powder", "bluetooth speaker", "sheet set", "blanket", "stand mixer",
    "charger", "notebook", "garden bed",
)

CMS_PAGES = (
    ("404 Not Found", "no-route", "<h1>Whoops, our bad...</h1><p>The page you requested was not found.</p>", 1),
    ("Home Page", "home", "<p>Welcome to One Stop Market, your one-stop shop for everyday essentials.</p>", 1),
    ("About us", "about-us", "<p>One Stop Market has served shoppers since 2015 with thousands of products "
     "across home, beauty, electronics, grocery and more.</p>", 1),
    ("Customer Service", "customer-service", "<p>Questions about an order? Use the Contact Us form and our team "
     "will answer within two business days. Returns are accepted within 30 days of delivery.</p>", 1),
    ("Privacy and Cookie Policy", "privacy-policy-cookie-restriction-mode",
     "<p>We use cookies to keep you signed in and to remember your cart.</p>", 1),
    ("Enable Cookies", "enable-cookies", "<p>Please enable cookies in your web browser to continue.</p>", 1),
    ("Holiday Sale 2022", "holiday-sale-2022", "<p>Up to 30% off selected items until December 31, 2022.</p>", 0),
)


def _insert_site_content(conn: sqlite3.Connection, rng: random.Random) -> None:
    conn.executemany("INSERT INTO search_terms (term, hits) VALUES (?, ?)",
                     [(term, rng.randint(3, 240)) for term in SEARCH_TERMS])
    conn.executemany("INSERT INTO cms_pages (title, url_key, content, is_active) VALUES (?, ?, ?, ?)", CMS_PAGES)
    conn.execute("INSERT INTO admin_users (username, password, name) VALUES ('admin', 'admin1234', 'Admin User')")


def build_database(path: Path) -> None:
    """Write the seed database to `path` (replacing any file there)."""
    path.unlink(missing_ok=True)
    rng = seeded_rng("shop")
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        conn.executescript(SCHEMA.read_text())
        conn.executescript(SCHEMA_ADDITIONS)
        category_ids = _insert_categories(conn)
        _insert_products(conn, rng, category_ids)
        _insert_customers(conn, rng)
        _insert_orders(conn, rng)
        _insert_reviews(conn, rng)
        _insert_lists(conn, rng)
        _insert_site_content(conn, rng)
        seed_admin.extend(conn, rng)
        conn.commit()
    finally:
        conn.close()
