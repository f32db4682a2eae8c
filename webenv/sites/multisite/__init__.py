"""Tasks that span sites (WebArena-Lite's "multi" group): read something on one site and act on another.

Not a site of its own — it serves no pages and has no database — so it exports no `SPECS`, only the task group.
"""

from __future__ import annotations

from webenv.sites import SiteSpec, TaskGroup, lazy

SPECS: tuple[SiteSpec, ...] = ()
GROUPS = (
    TaskGroup(name="multi", build_tasks=lazy("webenv.sites.multisite.tasks", "build_tasks"),
              databases=("shop", "forum", "codehost", "map"),
              sites=("shopping", "shopping_admin", "reddit", "gitlab", "map")),
)
