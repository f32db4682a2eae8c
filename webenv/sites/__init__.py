"""The five embedded sites and the contract each one fulfils.

Every site package (`shop`, `forum`, `codehost`, `map`) exports `SPECS: tuple[SiteSpec, ...]` from its
`__init__.py` (the shop package exports two: the storefront and the store admin, which share one database the
way WebArena's Magento storefront and admin do). `webenv.server` starts whatever `all_specs()` returns.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp

from webenv.sites.common import SiteContext

SITE_PACKAGES = ("shop", "forum", "codehost", "map")


@dataclass(frozen=True)
class Account:
    """A documented login. Passwords are public test data for the embedded sites, never real secrets."""

    username: str
    password: str
    role: str = "user"


@dataclass(frozen=True)
class LoginForm:
    """How to log in by HTTP POST, so the environment can hand an episode a logged-in browser state."""

    path: str
    username_field: str = "username"
    password_field: str = "password"


@dataclass(frozen=True)
class SiteSpec:
    """One site: its WebArena name and placeholder, its database, its app factory and its accounts."""

    name: str  # WebArena's key in a config's "sites": shopping, shopping_admin, reddit, gitlab, map
    placeholder: str  # the start_url / eval placeholder, e.g. "__SHOPPING__"
    database: str  # stem of the seed database file; sites that share data share a stem
    build_database: Callable[[Path], None]  # writes the deterministic seed database to the path
    create_app: Callable[[SiteContext], ASGIApp]
    cookie_name: str  # the session cookie (distinct per site: cookies ignore ports)
    login: LoginForm | None = None
    accounts: tuple[Account, ...] = field(default_factory=tuple)
    seed_version: str = "1"  # bump when seed data changes, so cached template databases are rebuilt


def lazy(module: str, name: str) -> Callable[..., Any]:
    """`module.name`, imported on first call: listing the specs must not import every site's seed data and web
    stack. The stand-in takes the target's `__module__`, which is how `webenv.server` finds the package whose
    files fingerprint a cached seed database."""

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__module__, call.__name__, call.__qualname__ = module, name, name
    return call


def all_specs() -> list[SiteSpec]:
    """Every site's spec, in a fixed order."""
    specs: list[SiteSpec] = []
    for package in SITE_PACKAGES:
        module = importlib.import_module(f"webenv.sites.{package}")
        specs.extend(module.SPECS)
    return specs
