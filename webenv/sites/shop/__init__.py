"""The shop: a storefront and a store admin over one database (WebArena's Magento pair)."""

from __future__ import annotations

from webenv.sites import Account, LoginForm, SiteSpec, lazy

_BUILD = lazy("webenv.sites.shop.seed", "build_database")  # one database behind both sites

STOREFRONT = SiteSpec(
    name="shopping",
    placeholder="__SHOPPING__",
    database="shop",
    build_database=_BUILD,
    create_app=lazy("webenv.sites.shop.storefront.app", "create_app"),
    cookie_name="shop_session",
    login=LoginForm(path="/customer/account/loginPost/", username_field="login[username]",
                    password_field="login[password]"),
    accounts=(Account("emma.lopez@gmail.com", "Password.123", "customer"),),
    build_tasks=lazy("webenv.sites.shop.storefront_tasks", "build_tasks"),
    title="storefront",
    summary="278 products in 33 categories, search, reviews, cart, checkout, order history, account, wish list",
    perf_pages=("/", "/catalogsearch/result/?q=case", "/sales/order/history/"),
)

ADMIN = SiteSpec(
    name="shopping_admin",
    placeholder="__SHOPPING_ADMIN__",
    database="shop",
    build_database=_BUILD,
    create_app=lazy("webenv.sites.shop.admin.app", "create_app"),
    cookie_name="admin_session",
    login=LoginForm(path="/admin/auth/login/", username_field="login[username]", password_field="login[password]"),
    accounts=(Account("admin", "admin1234", "administrator"),),
    build_tasks=lazy("webenv.sites.shop.admin_tasks", "build_tasks"),
    title="store admin",
    summary="orders/products/customers/reviews grids with filters, sales and bestseller reports, CMS",
    perf_pages=("/sales/order/", "/catalog/product/"),
)

SPECS = (STOREFRONT, ADMIN)
