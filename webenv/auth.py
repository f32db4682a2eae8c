"""Log in to a site by HTTP and hand the cookies to a browser as a Playwright storage state.

WebArena starts `require_login` tasks from a saved `storage_state`; this is how our environment makes one
for its own sites without putting a password anywhere near the agent.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx

from webenv.sites import Account, SiteSpec


class LoginError(RuntimeError):
    """The site refused the documented account (a broken seed or login form)."""


def default_account(spec: SiteSpec) -> Account:
    if not spec.accounts:
        raise LoginError(f"site {spec.name!r} documents no accounts")
    return spec.accounts[0]


def login_cookies(spec: SiteSpec, base_url: str, account: Account | None = None) -> list[dict[str, Any]]:
    """POST the site's login form and return its session cookie in Playwright's cookie format."""
    if spec.login is None:
        return []
    account = account or default_account(spec)
    form = {spec.login.username_field: account.username, spec.login.password_field: account.password}
    # verify=False: loopback HTTP needs no TLS, and building a CA context costs ~0.2 s per login under load.
    with httpx.Client(base_url=base_url, follow_redirects=False, timeout=10, verify=False) as client:
        response = client.post(spec.login.path, data=form)
        value = response.cookies.get(spec.cookie_name)
    if response.status_code >= 400 or not value:
        raise LoginError(
            f"login to {spec.name} as {account.username!r} failed (HTTP {response.status_code}, "
            f"no {spec.cookie_name!r} cookie)"
        )
    host = urlsplit(base_url).hostname or "127.0.0.1"
    return [
        {"name": spec.cookie_name, "value": value, "domain": host, "path": "/", "httpOnly": True,
         "secure": False, "sameSite": "Lax", "expires": -1}
    ]


def storage_state(cookies: list[dict[str, Any]]) -> dict[str, Any]:
    """A Playwright `storage_state` holding just these cookies."""
    return {"cookies": cookies, "origins": []}
