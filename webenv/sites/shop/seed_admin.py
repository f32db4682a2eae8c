"""Admin-only seed rows (search terms, CMS pages, pending reviews, ...) layered on the shared shop seed.

`webenv.sites.shop.seed.build_database` calls `extend(conn, rng)` last, so the store-admin builder can add data
its pages and tasks need without editing the storefront's seed code.
"""

from __future__ import annotations

import random
import sqlite3


def extend(conn: sqlite3.Connection, rng: random.Random) -> None:
    """Add admin-only rows. Deterministic: use only `rng` for randomness."""
