"""The store admin's ASGI app: routes (Magento admin paths), sessions, static files and the 404 page.

Route map (all GET unless noted; every page requires signing in):
  /admin/auth/login/ (GET, POST)  /admin/auth/logout/ (POST)     /  dashboard
  /sales/order/  grid              /sales/order/view/order_id/{id}/
  POST /sales/order/{cancel,hold,unhold,addComment}/order_id/{id}/   /sales/order/address/order_id/{id}/ (GET, POST)
  /catalog/product/  grid          /catalog/product/edit/id/{id}/   /catalog/product/new/
  POST /catalog/product/save/id/{id}/   POST /catalog/product/save/
  /customer/index/  grid           /customer/index/edit/id/{id}/    POST /customer/index/save/id/{id}/
  /review/product/  all reviews    /review/product/pending/          /review/product/edit/id/{id}/
  POST /review/product/save/id/{id}/    POST /review/product/delete/id/{id}/
  /reports/report_sales/sales/     /reports/report_sales/bestsellers/
  /reports/report_customer/orders/ /reports/report_customer/totals/  /search/term/report/
  /cms/page/  grid                 /cms/page/edit/page_id/{id}/      POST /cms/page/save/page_id/{id}/
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from webenv.sites.common import SiteContext, connect, session_app
from webenv.sites.shop import ADMIN, seed_admin
from webenv.sites.shop.admin import auth, catalog, cms, customers, dashboard, orders, reports, reviews
from webenv.sites.shop.admin.web import SITE_DIR, AdminSite, render

POST = ["POST"]


def routes() -> list[Route | Mount]:
    return [
        Route("/admin/auth/login/", auth.login_form, methods=["GET"]),
        Route("/admin/auth/login/", auth.login_submit, methods=POST),
        Route("/admin/auth/logout/", auth.logout, methods=POST),
        Route("/", dashboard.dashboard),
        Route("/sales/order/", orders.grid),
        Route("/sales/order/view/order_id/{order_id}/", orders.view),
        Route("/sales/order/cancel/order_id/{order_id}/", orders.cancel, methods=POST),
        Route("/sales/order/hold/order_id/{order_id}/", orders.hold, methods=POST),
        Route("/sales/order/unhold/order_id/{order_id}/", orders.unhold, methods=POST),
        Route("/sales/order/addComment/order_id/{order_id}/", orders.add_comment, methods=POST),
        Route("/sales/order/address/order_id/{order_id}/", orders.address_form, methods=["GET"]),
        Route("/sales/order/address/order_id/{order_id}/", orders.address_save, methods=POST),
        Route("/catalog/product/", catalog.grid),
        Route("/catalog/product/new/", catalog.new),
        Route("/catalog/product/edit/id/{id}/", catalog.edit),
        Route("/catalog/product/save/id/{id}/", catalog.save_existing, methods=POST),
        Route("/catalog/product/save/", catalog.save_new, methods=POST),
        Route("/customer/index/", customers.grid),
        Route("/customer/index/edit/id/{id}/", customers.edit),
        Route("/customer/index/save/id/{id}/", customers.save, methods=POST),
        Route("/review/product/", reviews.grid),
        Route("/review/product/pending/", reviews.pending),
        Route("/review/product/edit/id/{id}/", reviews.edit),
        Route("/review/product/save/id/{id}/", reviews.save, methods=POST),
        Route("/review/product/delete/id/{id}/", reviews.delete, methods=POST),
        Route("/reports/report_sales/sales/", reports.sales),
        Route("/reports/report_sales/bestsellers/", reports.bestsellers),
        Route("/reports/report_customer/orders/", reports.customer_orders),
        Route("/reports/report_customer/totals/", reports.customer_totals),
        Route("/search/term/report/", reports.search_terms),
        Route("/cms/page/", cms.grid),
        Route("/cms/page/edit/page_id/{page_id}/", cms.edit),
        Route("/cms/page/save/page_id/{page_id}/", cms.save, methods=POST),
        Mount("/static", app=StaticFiles(directory=SITE_DIR / "static"), name="static"),
    ]


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        detail = exc.detail if exc.detail != "Not Found" else "We could not find the page you asked for."
        return render(request, "404.html", status_code=404, show_messages=False, detail=detail)
    return Response(exc.detail, status_code=exc.status_code)


def create_app(ctx: SiteContext) -> Starlette:
    with connect(ctx.db_path) as conn:
        seed_admin.ensure_admin_tables(conn)  # databases seeded before these tables existed still work
    app = session_app(ctx, ADMIN.cookie_name, routes(), {HTTPException: _http_error})
    app.state.site = AdminSite(ctx)
    return app
