"""Reports: orders (sales), bestsellers, customers by order count / order total, and search terms.

A report is a GET form (Period, From, To, "Show Report"), so the report an admin is looking at is a bookmarkable
URL. Dates are echoed back as `M/D/YY`, Magento's report format, whatever shape they were typed in; nothing is
shown until a period is chosen, as in Magento.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from webenv.sites.common import page_from
from webenv.sites.shop import admin_queries as facts
from webenv.sites.shop.admin import formats
from webenv.sites.shop.admin.grids import pager_suffix
from webenv.sites.shop.admin.web import admin_page, query, render, site

PERIODS = {"day": "Day", "month": "Month", "year": "Year"}


@dataclass
class ReportFilter:
    """The submitted report form: what to redisplay, and the span to report on once it is valid."""

    kind: facts.PeriodKind = "day"
    from_text: str = ""
    to_text: str = ""
    span: facts.DateRange | None = None
    errors: list[str] = field(default_factory=list)


def read_filter(request: Request) -> ReportFilter:
    raw_kind = query(request, "period_type")
    kind: facts.PeriodKind = raw_kind if raw_kind in PERIODS else "day"  # type: ignore[assignment]
    raw_from, raw_to = query(request, "from"), query(request, "to")
    report = ReportFilter(kind=kind, from_text=raw_from, to_text=raw_to)
    if not (raw_from or raw_to):
        return report
    start, end = formats.parse_user_date(raw_from), formats.parse_user_date(raw_to)
    if start is None:
        report.errors.append("From: enter a date like 1/31/23.")
    if end is None:
        report.errors.append("To: enter a date like 1/31/23.")
    if start and end:
        report.from_text, report.to_text = formats.report_date(start), formats.report_date(end)
        if start > end:
            report.errors.append("The From date must be on or before the To date.")
        else:
            report.span = facts.DateRange(start, end)
    return report


def _render(request: Request, template: str, report: ReportFilter, title: str, action: str,
            **context: Any) -> Response:
    return render(request, template, report=report, periods=PERIODS, title=title, action=action, **context)


@admin_page
async def sales(request: Request) -> Response:
    report = read_filter(request)
    status = query(request, "order_status")
    status = status if status in formats.ORDER_STATUSES else ""
    found: list[dict[str, Any]] = []
    if report.span:
        with site(request).db() as conn:
            found = facts.sales_report(conn, report.span, report.kind, status or None)
    totals = {key: sum(row[key] or 0 for row in found)
              for key in ("orders", "items", "subtotal_cents", "shipping_cents", "total_cents")}
    return _render(request, "reports/sales.html", report, "Orders Report", "/reports/report_sales/sales/",
                   rows=found, totals=totals, status=status, statuses=formats.ORDER_STATUSES)


@admin_page
async def bestsellers(request: Request) -> Response:
    report = read_filter(request)
    found: list[dict[str, Any]] = []
    if report.span:
        with site(request).db() as conn:
            found = facts.bestsellers_report(conn, report.span, report.kind)
    return _render(request, "reports/bestsellers.html", report, "Bestsellers Report",
                   "/reports/report_sales/bestsellers/", rows=found)


async def _customers(request: Request, by: str, title: str, action: str) -> Response:
    report = read_filter(request)
    found: list[dict[str, Any]] = []
    if report.span:
        with site(request).db() as conn:
            found = facts.customer_report(conn, report.span, report.kind, "orders" if by == "orders" else "total")
    return _render(request, "reports/customers.html", report, title, action, rows=found)


@admin_page
async def customer_orders(request: Request) -> Response:
    return await _customers(request, "orders", "Order Count Report", "/reports/report_customer/orders/")


@admin_page
async def customer_totals(request: Request) -> Response:
    return await _customers(request, "total", "Order Total Report", "/reports/report_customer/totals/")


@admin_page
async def search_terms(request: Request) -> Response:
    with site(request).db() as conn:
        terms = facts.search_terms_by_hits(conn)
    page = page_from(request, len(terms), size=20)
    return render(request, "reports/search_terms.html", terms=terms[page.offset:page.offset + page.size],
                  page=page, pager_extra=pager_suffix(request))
