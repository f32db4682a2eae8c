"""GitLab's five access levels: the numbers order permissions, the names are what pages and tasks show.

WebArena's member checks read the role *name* off the members page ("Guest", "Maintainer"), so names are the
vocabulary everywhere outside the database.
"""

from __future__ import annotations

GUEST = 10
REPORTER = 20
DEVELOPER = 30
MAINTAINER = 40
OWNER = 50

ROLE_NAMES: dict[int, str] = {
    GUEST: "Guest",
    REPORTER: "Reporter",
    DEVELOPER: "Developer",
    MAINTAINER: "Maintainer",
    OWNER: "Owner",
}


def role_name(level: int) -> str:
    return ROLE_NAMES[level]


def level_of(name: str) -> int:
    """The access level for a role name, case-insensitively; KeyError for anything else."""
    for level, role in ROLE_NAMES.items():
        if role.lower() == name.strip().lower():
            return level
    raise KeyError(name)
