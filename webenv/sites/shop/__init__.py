"""The shop: a storefront and a store admin over one database (WebArena's Magento pair)."""

from __future__ import annotations

from pathlib import Path

from starlette.types import ASGIApp

from webenv.sites import Account, LoginForm, SiteSpec
from webenv.sites.common import SiteContext


def _build(path: Path) -> None:
    from webenv.sites.shop.seed import build_database

    build_database(path)


def _storefront(ctx: SiteContext) -> ASGIApp:
    from webenv.sites.shop.storefront.app import create_app

    return create_app(ctx)


def _admin(ctx: SiteContext) -> ASGIApp:
    from webenv.sites.shop.admin.app import create_app

    return create_app(ctx)


STOREFRONT = SiteSpec(
    name="shopping",
    placeholder="__SHOPPING__",
    database="shop",
    build_database=_build,
    create_app=_storefront,
    cookie_name="shop_session",
    login=LoginForm(path="/customer/account/loginPost/", username_field="login[username]",
                    password_field="login[password]"),
    accounts=(Account("emma.lopez@gmail.com", "Password.123", "customer"),),
)

ADMIN = SiteSpec(
    name="shopping_admin",
    placeholder="__SHOPPING_ADMIN__",
    database="shop",
    build_database=_build,
    create_app=_admin,
    cookie_name="admin_session",
    login=LoginForm(path="/admin/auth/login/", username_field="login[username]", password_field="login[password]"),
    accounts=(Account("admin", "admin1234", "administrator"),),
)

SPECS = (STOREFRONT, ADMIN)
