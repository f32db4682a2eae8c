"""Every change the code host can make to its database, one function per user action.

Views check *who* may act (roles); these functions check *what* is valid (blank titles, taken paths, unknown
users) and raise `ValidationError` with the message the page shows. Like GitLab, changes to an issue or a
merge request leave a system note in its timeline ("added ~bug label"), so the page tells the agent what its
action did.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
from typing import Any

from webenv.sites.codehost import queries, roles
from webenv.sites.codehost.clock import human_date, now_stamp

Row = dict[str, Any]
_TABLES = {"issue": "issues", "merge_request": "merge_requests"}
_LABEL_LINKS = {"issue": ("issue_labels", "issue_id"), "merge_request": ("mr_labels", "mr_id")}


class ValidationError(ValueError):
    """A user mistake (blank title, taken name); the message is shown on the page as is."""


def _insert(conn: sqlite3.Connection, table: str, **values: Any) -> int:
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    return int(conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(values.values())).lastrowid or 0)


def _touch_project(conn: sqlite3.Connection, project_id: int) -> None:
    conn.execute("UPDATE projects SET last_activity_at = ? WHERE id = ?", (now_stamp(), project_id))


def _touch(conn: sqlite3.Connection, kind: str, item: Row) -> None:
    conn.execute(f"UPDATE {_TABLES[kind]} SET updated_at = ? WHERE id = ?", (now_stamp(), item["id"]))
    _touch_project(conn, item["project_id"])


def _required(value: str, what: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError(f"{what} can't be blank")
    return value


# -- notes ------------------------------------------------------------------------------------------------------


def add_note(conn: sqlite3.Connection, kind: str, item: Row, author_id: int, body: str, *, system: bool = False) -> int:
    note_id = _insert(conn, "notes", noteable_type=kind, noteable_id=item["id"], author_id=author_id,
                      body=_required(body, "Comment"), system=int(system), created_at=now_stamp())
    _touch(conn, kind, item)
    return note_id


# -- issues -----------------------------------------------------------------------------------------------------


def create_issue(conn: sqlite3.Connection, project: Row, author_id: int, *, title: str, description: str = "",
                 labels: list[str] | None = None, assignee_id: int | None = None, milestone_id: int | None = None,
                 due_date: str | None = None) -> int:
    """A new issue; returns its iid (the number in its URL)."""
    title = _required(title, "Title")
    iid = queries.next_iid(conn, "issue", project["id"])
    stamp = now_stamp()
    issue_id = _insert(conn, "issues", project_id=project["id"], iid=iid, title=title, description=description.strip(),
                       author_id=author_id, assignee_id=assignee_id, milestone_id=milestone_id, state="opened",
                       due_date=_due(due_date), created_at=stamp, updated_at=stamp)
    for title_ in labels or []:
        label = queries.label_by_title(conn, project["id"], title_)
        if label:
            conn.execute("INSERT OR IGNORE INTO issue_labels (issue_id, label_id) VALUES (?, ?)",
                         (issue_id, label["id"]))
    _touch_project(conn, project["id"])
    return iid


def _due(value: str | None) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValidationError("Due date must be a date like 2030-01-03")
    return value


def set_state(conn: sqlite3.Connection, kind: str, item: Row, state: str, actor_id: int) -> None:
    """Close, reopen or merge; a no-op when the item is already in that state."""
    if item["state"] == state:
        return
    if item["state"] == "merged":
        raise ValidationError("A merged merge request cannot change state")
    stamp = now_stamp()
    table = _TABLES[kind]
    conn.execute(f"UPDATE {table} SET state = ?, closed_at = ? WHERE id = ?",
                 (state, stamp if state == "closed" else None, item["id"]))
    if state == "merged":
        conn.execute("UPDATE merge_requests SET merged_at = ? WHERE id = ?", (stamp, item["id"]))
    add_note(conn, kind, item, actor_id, {"closed": "closed", "opened": "reopened", "merged": "merged"}[state],
             system=True)


def add_label(conn: sqlite3.Connection, kind: str, item: Row, project_id: int, title: str, actor_id: int) -> None:
    label = queries.label_by_title(conn, project_id, title)
    if label is None:
        raise ValidationError(f"No label named {title!r} in this project")
    table, key = _LABEL_LINKS[kind]
    cursor = conn.execute(f"INSERT OR IGNORE INTO {table} ({key}, label_id) VALUES (?, ?)", (item["id"], label["id"]))
    if cursor.rowcount:
        add_note(conn, kind, item, actor_id, f"added ~{label['title']} label", system=True)


def remove_label(conn: sqlite3.Connection, kind: str, item: Row, project_id: int, title: str, actor_id: int) -> None:
    label = queries.label_by_title(conn, project_id, title)
    if label is None:
        return
    table, key = _LABEL_LINKS[kind]
    cursor = conn.execute(f"DELETE FROM {table} WHERE {key} = ? AND label_id = ?", (item["id"], label["id"]))
    if cursor.rowcount:
        add_note(conn, kind, item, actor_id, f"removed ~{label['title']} label", system=True)


def set_assignee(conn: sqlite3.Connection, kind: str, item: Row, user: Row | None, actor_id: int) -> None:
    new_id = user["id"] if user else None
    if item["assignee_id"] == new_id:
        return
    conn.execute(f"UPDATE {_TABLES[kind]} SET assignee_id = ? WHERE id = ?", (new_id, item["id"]))
    message = f"assigned to @{user['username']}" if user else f"unassigned @{item['assignee_username']}"
    add_note(conn, kind, item, actor_id, message, system=True)


def set_due_date(conn: sqlite3.Connection, item: Row, due_date: str, actor_id: int) -> None:
    due = _due(due_date)
    conn.execute("UPDATE issues SET due_date = ? WHERE id = ?", (due, item["id"]))
    add_note(conn, "issue", item, actor_id, f"changed due date to {human_date(due)}" if due else "removed due date",
             system=True)


def set_milestone(conn: sqlite3.Connection, kind: str, item: Row, milestone: Row | None, actor_id: int) -> None:
    conn.execute(f"UPDATE {_TABLES[kind]} SET milestone_id = ? WHERE id = ?",
                 (milestone["id"] if milestone else None, item["id"]))
    add_note(conn, kind, item, actor_id,
             f"changed milestone to %{milestone['title']}" if milestone else "removed milestone", system=True)


# -- merge requests ---------------------------------------------------------------------------------------------


def create_merge_request(conn: sqlite3.Connection, project: Row, author_id: int, *, source_branch: str,
                         target_branch: str, title: str, description: str = "", assignee_id: int | None = None,
                         reviewer_ids: list[int] | None = None, labels: list[str] | None = None) -> int:
    names = {b["name"] for b in queries.branches(conn, project["id"])}
    if source_branch not in names or target_branch not in names:
        raise ValidationError("Choose an existing source and target branch")
    if source_branch == target_branch:
        raise ValidationError("Source and target branch must be different")
    if any(b["name"] == source_branch and b["open_mr_iid"] for b in queries.branches(conn, project["id"])):
        raise ValidationError(f"Branch {source_branch} already has an open merge request")
    title = _required(title, "Title")
    iid = queries.next_iid(conn, "merge_request", project["id"])
    stamp = now_stamp()
    mr_id = _insert(conn, "merge_requests", project_id=project["id"], iid=iid, title=title,
                    description=description.strip(), author_id=author_id, assignee_id=assignee_id, state="opened",
                    source_branch=source_branch, target_branch=target_branch, created_at=stamp, updated_at=stamp)
    for reviewer in dict.fromkeys(reviewer_ids or []):
        _insert(conn, "mr_reviewers", mr_id=mr_id, user_id=reviewer)
    for title_ in labels or []:
        label = queries.label_by_title(conn, project["id"], title_)
        if label:
            conn.execute("INSERT OR IGNORE INTO mr_labels (mr_id, label_id) VALUES (?, ?)", (mr_id, label["id"]))
    _touch_project(conn, project["id"])
    return iid


def approve(conn: sqlite3.Connection, mr: Row, user_id: int) -> None:
    cursor = conn.execute("INSERT OR IGNORE INTO mr_approvals (mr_id, user_id, created_at) VALUES (?, ?, ?)",
                          (mr["id"], user_id, now_stamp()))
    if cursor.rowcount:
        add_note(conn, "merge_request", mr, user_id, "approved this merge request", system=True)


def revoke_approval(conn: sqlite3.Connection, mr: Row, user_id: int) -> None:
    cursor = conn.execute("DELETE FROM mr_approvals WHERE mr_id = ? AND user_id = ?", (mr["id"], user_id))
    if cursor.rowcount:
        add_note(conn, "merge_request", mr, user_id, "unapproved this merge request", system=True)


def add_reviewer(conn: sqlite3.Connection, mr: Row, user: Row, actor_id: int) -> None:
    cursor = conn.execute("INSERT OR IGNORE INTO mr_reviewers (mr_id, user_id) VALUES (?, ?)", (mr["id"], user["id"]))
    if cursor.rowcount:
        add_note(conn, "merge_request", mr, actor_id, f"requested review from @{user['username']}", system=True)


# -- stars, follows, profile ------------------------------------------------------------------------------------


def toggle_star(conn: sqlite3.Connection, user_id: int, project_id: int) -> bool:
    """Star or unstar (GitLab's one button); returns whether the project is starred afterwards."""
    if queries.is_starred(conn, user_id, project_id):
        conn.execute("DELETE FROM stars WHERE user_id = ? AND project_id = ?", (user_id, project_id))
        return False
    _insert(conn, "stars", user_id=user_id, project_id=project_id, created_at=now_stamp())
    return True


def set_following(conn: sqlite3.Connection, follower_id: int, followee_id: int, follow: bool) -> None:
    if follower_id == followee_id:
        raise ValidationError("You cannot follow yourself")
    if follow:
        conn.execute("INSERT OR IGNORE INTO follows (follower_id, followee_id, created_at) VALUES (?, ?, ?)",
                     (follower_id, followee_id, now_stamp()))
    else:
        conn.execute("DELETE FROM follows WHERE follower_id = ? AND followee_id = ?", (follower_id, followee_id))


def update_profile(conn: sqlite3.Connection, user_id: int, *, name: str, status_message: str, bio: str,
                   website_url: str, location: str) -> None:
    website = website_url.strip()
    if website and not re.match(r"https?://", website):
        website = "https://" + website
    conn.execute("""UPDATE users SET name = ?, status_message = ?, bio = ?, website_url = ?, location = ?
                    WHERE id = ?""",
                 (_required(name, "Full name"), status_message.strip(), bio.strip(), website, location.strip(),
                  user_id))
    conn.execute("UPDATE namespaces SET name = ? WHERE owner_id = ?", (name.strip(), user_id))


# -- members ----------------------------------------------------------------------------------------------------


def invite_member(conn: sqlite3.Connection, project: Row, user: Row, level: int) -> None:
    if level not in roles.ROLE_NAMES:
        raise ValidationError("Choose a role")
    current = queries.access_level(conn, project, user["id"])
    if current:
        raise ValidationError(f"{user['name']} (@{user['username']}) is already a member of this project")
    _insert(conn, "project_members", project_id=project["id"], user_id=user["id"], access_level=level,
            created_at=now_stamp())


def change_role(conn: sqlite3.Connection, project: Row, user: Row, level: int) -> None:
    if level not in roles.ROLE_NAMES:
        raise ValidationError("Choose a role")
    if project["namespace_owner_id"] == user["id"]:
        raise ValidationError("The owner of a personal project keeps the Owner role")
    cursor = conn.execute("UPDATE project_members SET access_level = ? WHERE project_id = ? AND user_id = ?",
                          (level, project["id"], user["id"]))
    if not cursor.rowcount:  # an inherited member: a direct membership overrides the group role
        _insert(conn, "project_members", project_id=project["id"], user_id=user["id"], access_level=level,
                created_at=now_stamp())


def remove_member(conn: sqlite3.Connection, project: Row, user: Row) -> None:
    if project["namespace_owner_id"] == user["id"]:
        raise ValidationError("The owner of a personal project cannot be removed")
    cursor = conn.execute("DELETE FROM project_members WHERE project_id = ? AND user_id = ?",
                          (project["id"], user["id"]))
    if not cursor.rowcount:
        raise ValidationError(f"@{user['username']} is a member through the group; change it in the group instead")


# -- projects and files -----------------------------------------------------------------------------------------


# GitLab's rule for project names (letters include any script; emoji are allowed too)
PROJECT_NAME = re.compile(r"[\w\U0001F000-\U0001FAFF][\w\U0001F000-\U0001FAFF .+-]*")


def project_slug(name: str) -> str:
    """GitLab's default project path for a name: spaces and odd characters become dashes, case is kept."""
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", name.strip())
    return slug.strip("-._")


def create_project(conn: sqlite3.Connection, namespace: Row, creator: Row, *, name: str, path: str = "",
                   description: str = "", visibility: str = "private", with_readme: bool = True) -> Row:
    name = _required(name, "Project name")
    if not PROJECT_NAME.fullmatch(name):
        raise ValidationError("Project name can contain only letters, digits, emoji, '_', '.', '+', dashes, or "
                              "spaces. It must start with a letter, digit, emoji, or '_'.")
    path = (path.strip() or project_slug(name))
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", path) or path.endswith((".git", ".atom")):
        raise ValidationError("Project slug can contain only letters, digits, '_', '-' and '.'")
    if visibility not in ("private", "internal", "public"):
        raise ValidationError("Choose a visibility level")
    if queries.project_by_path(conn, namespace["path"], path):
        raise ValidationError(f"Path {namespace['path']}/{path} has already been taken")
    stamp = now_stamp()
    project_id = _insert(conn, "projects", namespace_id=namespace["id"], path=path, name=name,
                         description=description.strip(), visibility=visibility, creator_id=creator["id"],
                         created_at=stamp, last_activity_at=stamp)
    if namespace["kind"] == "user":
        _insert(conn, "project_members", project_id=project_id, user_id=creator["id"], access_level=roles.OWNER,
                created_at=stamp)
    for label in ("bug", "feature", "documentation", "question"):
        _insert(conn, "labels", project_id=project_id, title=label, color="#428bca", description="")
    project = queries.project_by_path(conn, namespace["path"], path)
    assert project is not None
    if with_readme:
        _insert(conn, "branches", project_id=project_id, name="main", created_at=stamp)
        readme = f"# {name}\n\n{description.strip()}\n" if description.strip() else f"# {name}\n"
        commit_file(conn, project, creator, path="README.md", content=readme, message="Initial commit")
    return project


def commit_file(conn: sqlite3.Connection, project: Row, author: Row, *, path: str, content: str, message: str,
                replace: bool = False) -> None:
    """Create (or, with `replace`, overwrite) a file on the default branch as a new commit."""
    path = _clean_path(path)
    existing = queries.file_at(conn, project["id"], path)
    if existing and not replace:
        raise ValidationError(f"A file with the name {path} already exists")
    if not existing and replace:
        raise ValidationError(f"There is no file named {path}")
    if queries.is_directory(conn, project["id"], path):
        raise ValidationError(f"{path} is a directory")
    stamp = now_stamp()
    commit_id = _insert(conn, "commits", project_id=project["id"], sha=hashlib.sha1(os.urandom(16)).hexdigest(),
                        title=_required(message, "Commit message").splitlines()[0], message=message.strip(),
                        author_name=author["name"], author_email=author["email"], created_at=stamp)
    conn.execute("INSERT OR IGNORE INTO branches (project_id, name, created_at) VALUES (?, 'main', ?)",
                 (project["id"], stamp))
    if existing:
        conn.execute("UPDATE repo_files SET content = ?, last_commit_id = ? WHERE id = ?",
                     (content, commit_id, existing["id"]))
    else:
        _insert(conn, "repo_files", project_id=project["id"], path=path, content=content, last_commit_id=commit_id)
    _touch_project(conn, project["id"])


def _clean_path(path: str) -> str:
    parts = [part for part in path.strip().replace("\\", "/").split("/") if part]
    if not parts or any(part in (".", "..") for part in parts):
        raise ValidationError("File name can't be blank or contain '.' or '..' folders")
    return "/".join(parts)


def update_project(conn: sqlite3.Connection, project: Row, *, name: str, description: str, visibility: str) -> None:
    if visibility not in ("private", "internal", "public"):
        raise ValidationError("Choose a visibility level")
    conn.execute("UPDATE projects SET name = ?, description = ?, visibility = ? WHERE id = ?",
                 (_required(name, "Project name"), description.strip(), visibility, project["id"]))
    _touch_project(conn, project["id"])


def change_path(conn: sqlite3.Connection, project: Row, path: str) -> str:
    path = path.strip()
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", path):
        raise ValidationError("Path can contain only letters, digits, '_', '-' and '.'")
    other = queries.project_by_path(conn, project["namespace_path"], path)
    if other and other["id"] != project["id"]:
        raise ValidationError(f"Path {project['namespace_path']}/{path} has already been taken")
    conn.execute("UPDATE projects SET path = ? WHERE id = ?", (path, project["id"]))
    return f"{project['namespace_path']}/{path}"


def create_label(conn: sqlite3.Connection, project: Row, *, title: str, description: str, color: str) -> None:
    title = _required(title, "Title")
    if queries.label_by_title(conn, project["id"], title):
        raise ValidationError(f"Label {title} already exists")
    color = color.strip() or "#428bca"
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", color):
        raise ValidationError("Color must be a hex code like #428bca")
    _insert(conn, "labels", project_id=project["id"], title=title, description=description.strip(), color=color)


def create_milestone(conn: sqlite3.Connection, project: Row, *, title: str, description: str, due_date: str) -> None:
    title = _required(title, "Title")
    if queries.milestone_by_title(conn, project["id"], title):
        raise ValidationError(f"Milestone {title} already exists")
    _insert(conn, "milestones", project_id=project["id"], title=title, description=description.strip(), state="active",
            due_date=_due(due_date), created_at=now_stamp())

