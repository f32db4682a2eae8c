"""The five embedded sites and the contract each one fulfils: the one registry of sites and task groups.

Every site package (`shop`, `forum`, `codehost`, `map`) exports `SPECS: tuple[SiteSpec, ...]` from its
`__init__.py` (the shop package exports two: the storefront and the store admin, which share one database the
way WebArena's Magento storefront and admin do). `webenv.server` starts whatever `all_specs()` returns.

A spec also carries its reporting group and its task builder, so everything that lists sites or groups — the
task suite, the result tables, the perf pages, the README's site table — reads them from here. Tasks that span
sites belong to no one site: a package may export `GROUPS: tuple[TaskGroup, ...]` beside its (possibly empty)
`SPECS`, as `multisite` does. Adding a site is adding a package to `SITE_PACKAGES`; task ids stay stable
(`webenv.tasks.ids`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp

from webenv.sites.common import SiteContext

SITE_PACKAGES = ("shop", "forum", "codehost", "map", "multisite")  # the order of sites and groups everywhere


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
    group: str = ""  # the reporting group of its tasks (WebArena-Lite's: the site name); "" = `name`
    build_tasks: Callable[..., list[dict[str, Any]]] | None = None  # (db_path: Path) -> task configs
    title: str = ""  # what people call it ("storefront"); the README table's first column
    summary: str = ""  # what it has, one line for the README table
    perf_pages: tuple[str, ...] = ()  # paths an agent meets often: `plan-and-act-bench perf` times them

    @property
    def task_group(self) -> TaskGroup | None:
        """The spec's tasks as a group of the suite (None for a site without tasks of its own)."""
        if self.build_tasks is None:
            return None
        return TaskGroup(name=self.group or self.name, build_tasks=self.build_tasks, databases=(self.database,),
                         sites=(self.name,))


@dataclass(frozen=True)
class TaskGroup:
    """A reporting group of the suite and the builder of its tasks.

    `build_tasks` takes the path of the one seed database in `databases`, or a mapping stem -> path when there are
    several; it returns task configs without ids (see `webenv.tasks.authoring.task_config`), both splits mixed.
    """

    name: str  # "shopping", ..., "multi": how results are grouped (WebArena-Lite's groups)
    build_tasks: Callable[..., list[dict[str, Any]]]
    databases: tuple[str, ...]
    sites: tuple[str, ...] = ()  # the sites its tasks use


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


def task_groups() -> list[TaskGroup]:
    """Every group of the suite, in the registry's order: each site's own, then each package's extra groups."""
    groups: list[TaskGroup] = []
    for package in SITE_PACKAGES:
        module = importlib.import_module(f"webenv.sites.{package}")
        groups.extend(group for spec in module.SPECS if (group := spec.task_group) is not None)
        groups.extend(getattr(module, "GROUPS", ()))
    names = [group.name for group in groups]
    if len(set(names)) != len(names):
        raise ValueError(f"two task groups share a name: {names}")
    return groups


def group_order() -> tuple[str, ...]:
    """Group names in the order result tables list them."""
    return tuple(group.name for group in task_groups())
