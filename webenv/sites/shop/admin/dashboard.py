"""The dashboard: lifetime sales, the last orders, bestsellers and what shoppers search for."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from webenv.sites import common
from webenv.sites.shop import admin_queries as facts
from webenv.sites.shop.admin.web import admin_page, render, site

SHOWN = 5


@admin_page
async def dashboard(request: Request) -> Response:
    with site(request).db() as conn:
        last_orders = common.rows(
            conn,
            f"""SELECT o.id, o.increment_id, o.grand_total_cents, {facts.CUSTOMER_NAME} AS customer_name,
                      (SELECT SUM(qty) FROM order_items WHERE order_id = o.id) AS items
               FROM orders o JOIN customers c ON c.id = o.customer_id
               ORDER BY o.created_at DESC, o.id DESC LIMIT ?""",
            SHOWN,
        )
        bestsellers = common.rows(
            conn,
            """SELECT p.id, p.name, p.price_cents, SUM(i.qty) AS qty
               FROM order_items i JOIN orders o ON o.id = i.order_id JOIN products p ON p.id = i.product_id
               WHERE o.status != 'canceled' GROUP BY p.id ORDER BY qty DESC, p.name LIMIT ?""",
            SHOWN,
        )
        last_terms = common.rows(conn, "SELECT term, hits FROM search_terms ORDER BY id DESC LIMIT ?", SHOWN)
        top_terms = facts.top_search_terms(conn, SHOWN)
        totals = facts.store_totals(conn)
    return render(request, "dashboard.html", last_orders=last_orders, bestsellers=bestsellers,
                  last_terms=last_terms, top_terms=top_terms, totals=totals)
