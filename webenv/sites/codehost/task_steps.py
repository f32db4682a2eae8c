"""The seed world as task builders see it, and the navigation steps most code host tasks start with.

Steps name elements exactly as the pages render them (a project link reads "Namespace name / project name",
an issue link is its title), reading those names from the database so a renamed seed project cannot leave a
stale target behind.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import cached_property

from webenv.sites.codehost import queries
from webenv.sites.codehost.queries import Row
from webenv.tasks.authoring import Plan, click, type_into

ME = "byteblaze"


@dataclass(frozen=True)
class World:
    conn: sqlite3.Connection
    me: Row

    @classmethod
    def open(cls, conn: sqlite3.Connection) -> World:
        me = queries.user_by_username(conn, ME)
        if me is None:
            raise LookupError(f"the seed has no {ME} user")
        return cls(conn=conn, me=me)

    def project(self, full_path: str) -> Row:
        found = queries.project_by_full_path(self.conn, full_path)
        if found is None:
            raise LookupError(f"the seed has no project {full_path}")
        return found

    def is_mine(self, project: Row) -> bool:
        """Whether the project is on my dashboard (I am a member, directly or through its group)."""
        return queries.access_level(self.conn, project, self.me["id"]) > 0

    @cached_property
    def dashboard(self) -> set[str]:
        """Full paths on the first page of my dashboard, where a step can click them without paging."""
        found, _ = queries.list_projects(self.conn, self.me["id"], scope="member", limit=20)
        return {p["full_path"] for p in found}


def open_project(plan: Plan, world: World, project: Row) -> None:
    """From the dashboard: my projects are listed there; any other project is found through Explore."""
    if world.is_mine(project):
        assert project["full_path"] in world.dashboard, f"{project['full_path']} is not on the dashboard's first page"
        plan.step("I am a member of this project, so the dashboard lists it.",
                  f"Open the {project['name']} project from my projects list",
                  click("link", project["name_with_namespace"]))
    else:
        plan.step("I am not a member of this project, so it is not on my dashboard; Explore lists every project.",
                  f"Search Explore for '{project['name']}' and open the project",
                  click("link", "Explore projects"),
                  type_into("searchbox", "Filter by name", project["name"], enter=True),
                  click("link", project["name_with_namespace"]))


def open_issue(plan: Plan, title: str) -> None:
    """From a project page: search the project's issues for the title and open the match."""
    plan.step("Searching by the title is quicker than paging through every open issue.",
              f"Open the Issues list and search for '{title}'",
              click("link", "Issues"),
              type_into("searchbox", "Search or filter results", title, enter=True))
    plan.step("The search result with exactly this title is the issue meant.", f"Open the issue '{title}'",
              click("link", title))


def open_merge_request(plan: Plan, title: str) -> None:
    """From a project page: open the merge request with this title from the open merge requests list."""
    plan.step("The merge request is open, so it is on the default (Open) list.",
              f"Open the merge request '{title}' from the project's merge requests",
              click("link", "Merge requests"), click("link", title))
