"""The store's clock: new rows get timestamps after everything already in the database, never the wall clock.

The seed ends in June 2023; an order placed during an episode must still be the customer's *latest* order and
must not depend on when the episode runs, so "now" is one minute after the newest timestamp of the table.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

STORE_OPENING = datetime(2023, 7, 1, 9, 0, 0)  # the first moment after the seeded history
_FORMAT = "%Y-%m-%d %H:%M:%S"


def next_timestamp(conn: sqlite3.Connection, table: str, column: str = "created_at") -> str:
    """A timestamp later than every `column` value in `table` and not before the store's opening."""
    latest = conn.execute(f"SELECT max({column}) FROM {table}").fetchone()[0]
    moment = STORE_OPENING
    if latest:
        moment = max(moment, datetime.strptime(latest, _FORMAT) + timedelta(minutes=1))
    return moment.strftime(_FORMAT)
