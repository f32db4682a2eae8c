"""Admin-only seed rows layered on the shared shop seed: the order comments history and held orders' memory.

`webenv.sites.shop.seed.build_database` calls `extend(conn, rng)` last, so the store-admin builder can add data
its pages and tasks need without editing the storefront's seed code. The storefront seed already writes the
admin user, search terms, CMS pages and pending reviews; this adds what only the admin shows: a history note on
every canceled or held order (the reason, as a shop's staff would write it) and, for held orders, the status
"Unhold" returns them to.
"""

from __future__ import annotations

import random
import sqlite3

# Tables only the admin writes. They are created here (so the seed database has them) and again, idempotently,
# when the admin app starts, so a database built by an older seed still works.
ADMIN_DDL = """
CREATE TABLE IF NOT EXISTS order_comments (
    id                 INTEGER PRIMARY KEY,
    order_id           INTEGER NOT NULL REFERENCES orders(id),
    comment            TEXT NOT NULL,
    status             TEXT NOT NULL,               -- the order's status when the comment was written
    customer_notified  INTEGER NOT NULL DEFAULT 0,
    created_at         TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS order_holds (
    order_id         INTEGER PRIMARY KEY REFERENCES orders(id),
    previous_status  TEXT NOT NULL                  -- restored by "Unhold", as Magento's hold_before_state
);
CREATE INDEX IF NOT EXISTS idx_order_comments_order ON order_comments(order_id);
"""

CANCEL_REASONS = (
    "Canceled at the customer's request: ordered the wrong size.",
    "Canceled at the customer's request: found a better price elsewhere.",
    "Canceled: payment was declined by the card issuer.",
    "Canceled: the customer no longer needs the items.",
    "Canceled: duplicate order placed by mistake.",
)
HOLD_REASONS = (
    "On hold: billing and shipping addresses do not match, waiting for the customer to confirm.",
    "On hold: item backordered with the supplier.",
    "On hold: payment under fraud review.",
)


def ensure_admin_tables(conn: sqlite3.Connection) -> None:
    """Create the admin-only tables if they are missing (safe to call on every app start)."""
    conn.executescript(ADMIN_DDL)


def extend(conn: sqlite3.Connection, rng: random.Random) -> None:
    """Add admin-only rows. Deterministic: use only `rng` for randomness."""
    ensure_admin_tables(conn)
    _add_status_notes(conn, rng)


def _add_status_notes(conn: sqlite3.Connection, rng: random.Random) -> None:
    """One staff note per canceled or held order, a day after it was placed; held orders remember that they
    were processing, which is where Magento's "Unhold" returns them."""
    for order_id, status, created in conn.execute(
        "SELECT id, status, created_at FROM orders WHERE status IN ('canceled', 'on_hold') ORDER BY id"
    ).fetchall():
        reasons = CANCEL_REASONS if status == "canceled" else HOLD_REASONS
        noted = conn.execute("SELECT datetime(?, '+1 day')", (created,)).fetchone()[0]
        conn.execute(
            "INSERT INTO order_comments (order_id, comment, status, customer_notified, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (order_id, rng.choice(reasons), status, int(rng.random() < 0.5), noted),
        )
        if status == "on_hold":
            conn.execute("INSERT INTO order_holds (order_id, previous_status) VALUES (?, 'processing')",
                         (order_id,))
