"""Read-only questions about the code host's data, shared by the pages and by the task builder.

Pages and task answers ask the *same* functions ("open issues of X labelled bug", "top committers of Y"), so a
task's expected answer is whatever the site itself shows; the site tests then check those pages in a browser.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from webenv.sites.codehost import roles
from webenv.sites.codehost.filters import TrackerQuery
from webenv.sites.common import one, rows

Row = dict[str, Any]

PROJECT_SELECT = """
SELECT p.*, n.path AS namespace_path, n.name AS namespace_name, n.kind AS namespace_kind,
       n.owner_id AS namespace_owner_id,
       n.path || '/' || p.path AS full_path,
       n.name || ' / ' || p.name AS name_with_namespace,
       (SELECT COUNT(*) FROM stars s WHERE s.project_id = p.id) AS star_count,
       (SELECT COUNT(*) FROM issues i WHERE i.project_id = p.id AND i.state = 'opened') AS open_issues_count,
       (SELECT COUNT(*) FROM merge_requests m WHERE m.project_id = p.id AND m.state = 'opened') AS open_mrs_count,
       (SELECT COUNT(*) FROM commits c WHERE c.project_id = p.id) AS commit_count
FROM projects p JOIN namespaces n ON n.id = p.namespace_id
"""

# Projects a user belongs to: directly, through the owning group, or by owning the personal namespace.
_MEMBER_PROJECTS = """
SELECT pm.project_id FROM project_members pm WHERE pm.user_id = :uid
UNION SELECT p2.id FROM projects p2 JOIN group_members gm ON gm.namespace_id = p2.namespace_id WHERE gm.user_id = :uid
UNION SELECT p3.id FROM projects p3 JOIN namespaces n3 ON n3.id = p3.namespace_id WHERE n3.owner_id = :uid
"""
_VISIBLE = f"""(p.visibility = 'public' OR (p.visibility = 'internal' AND :uid IS NOT NULL)
               OR p.id IN ({_MEMBER_PROJECTS}))"""

# sort key -> (label in the sort menu, ORDER BY over the columns of PROJECT_SELECT)
PROJECT_SORTS: dict[str, tuple[str, str]] = {
    "latest_activity_desc": ("Last updated", "last_activity_at DESC, id DESC"),
    "name_asc": ("Name", "name COLLATE NOCASE ASC, full_path ASC"),
    "created_desc": ("Last created", "created_at DESC, id DESC"),
    "created_asc": ("Oldest created", "created_at ASC, id ASC"),
    "stars_desc": ("Most stars", "star_count DESC, full_path ASC"),
}

# -- users ------------------------------------------------------------------------------------------------------


def user_by_id(conn: sqlite3.Connection, user_id: int) -> Row | None:
    return one(conn, "SELECT * FROM users WHERE id = ?", user_id)


def user_by_username(conn: sqlite3.Connection, username: str) -> Row | None:
    return one(conn, "SELECT * FROM users WHERE username = ?", username)


def user_by_login(conn: sqlite3.Connection, login: str) -> Row | None:
    """A user by username or e-mail, as the sign-in form accepts either."""
    return one(conn, "SELECT * FROM users WHERE username = ? OR email = ?", login.strip(), login.strip())


def find_user(conn: sqlite3.Connection, text: str) -> Row | None:
    """A user named by `username`, `@username`, e-mail or exact full name (the invite form accepts all four)."""
    text = text.strip()
    found = user_by_login(conn, text.removeprefix("@"))
    if found:
        return found
    matches = rows(conn, "SELECT * FROM users WHERE name = ? COLLATE NOCASE", text)
    return matches[0] if len(matches) == 1 else None


def search_users(conn: sqlite3.Connection, term: str, limit: int = 20) -> list[Row]:
    like = f"%{term.strip()}%"
    return rows(conn, "SELECT * FROM users WHERE username LIKE ? OR name LIKE ? ORDER BY name COLLATE NOCASE LIMIT ?",
                like, like, limit)


def followers(conn: sqlite3.Connection, user_id: int) -> list[Row]:
    return rows(conn, """SELECT u.* FROM follows f JOIN users u ON u.id = f.follower_id
                         WHERE f.followee_id = ? ORDER BY u.name COLLATE NOCASE""", user_id)


def following(conn: sqlite3.Connection, user_id: int) -> list[Row]:
    return rows(conn, """SELECT u.* FROM follows f JOIN users u ON u.id = f.followee_id
                         WHERE f.follower_id = ? ORDER BY u.name COLLATE NOCASE""", user_id)


def is_following(conn: sqlite3.Connection, follower_id: int, followee_id: int) -> bool:
    return one(conn, "SELECT 1 AS x FROM follows WHERE follower_id = ? AND followee_id = ?",
               follower_id, followee_id) is not None


def namespace_by_path(conn: sqlite3.Connection, path: str) -> Row | None:
    return one(conn, "SELECT * FROM namespaces WHERE path = ?", path)


def group_members(conn: sqlite3.Connection, namespace_id: int) -> list[Row]:
    return rows(conn, """SELECT u.*, gm.access_level FROM group_members gm JOIN users u ON u.id = gm.user_id
                         WHERE gm.namespace_id = ? ORDER BY gm.access_level DESC, u.name COLLATE NOCASE""",
                namespace_id)


def writable_namespaces(conn: sqlite3.Connection, user_id: int) -> list[Row]:
    """Where a user may create projects: their own namespace and groups they maintain."""
    return rows(conn, """SELECT n.* FROM namespaces n WHERE n.owner_id = ?
                         UNION ALL
                         SELECT n.* FROM namespaces n JOIN group_members gm ON gm.namespace_id = n.id
                         WHERE gm.user_id = ? AND gm.access_level >= ?""", user_id, user_id, roles.MAINTAINER)


# -- projects ---------------------------------------------------------------------------------------------------


def project_by_path(conn: sqlite3.Connection, namespace: str, path: str) -> Row | None:
    return one(conn, PROJECT_SELECT + " WHERE n.path = ? AND p.path = ?", namespace, path)


def project_by_full_path(conn: sqlite3.Connection, full_path: str) -> Row | None:
    namespace, _, path = full_path.partition("/")
    return project_by_path(conn, namespace, path)


def access_level(conn: sqlite3.Connection, project: Row, user_id: int | None) -> int:
    """The user's effective role on a project (0 = not a member): the highest of direct, group and owner."""
    if user_id is None:
        return 0
    if project["namespace_owner_id"] == user_id:
        return roles.OWNER
    found = one(conn, """SELECT MAX(level) AS level FROM (
                            SELECT access_level AS level FROM project_members WHERE project_id = ? AND user_id = ?
                            UNION ALL
                            SELECT access_level FROM group_members WHERE namespace_id = ? AND user_id = ?)""",
                project["id"], user_id, project["namespace_id"], user_id)
    return int(found["level"] or 0) if found else 0


def can_read(project: Row, user_id: int | None, level: int) -> bool:
    if project["visibility"] == "public":
        return True
    if project["visibility"] == "internal":
        return user_id is not None
    return level > 0


def list_projects(conn: sqlite3.Connection, viewer_id: int | None, *, scope: str = "all",
                  user_id: int | None = None, search: str = "", sort: str = "latest_activity_desc",
                  limit: int = 20, offset: int = 0) -> tuple[list[Row], int]:
    """Projects the viewer may see. scope: all | member (viewer's) | starred (by user_id) | personal (user_id's
    namespace) | namespace (user_id is then a namespace id)."""
    where = [_VISIBLE]
    params: dict[str, Any] = {"uid": viewer_id, "target": user_id}
    if scope == "member":
        where.append(f"p.id IN ({_MEMBER_PROJECTS})")
    elif scope == "starred":
        where.append("p.id IN (SELECT project_id FROM stars WHERE user_id = :target)")
    elif scope == "personal":
        where.append("n.owner_id = :target")
    elif scope == "namespace":
        where.append("n.id = :target")
    if search.strip():
        params["like"] = f"%{search.strip()}%"
        where.append("(p.name LIKE :like OR p.path LIKE :like OR n.path LIKE :like OR p.description LIKE :like)")
    order = PROJECT_SORTS.get(sort, PROJECT_SORTS["latest_activity_desc"])[1]
    base = f"SELECT * FROM ({PROJECT_SELECT} WHERE {' AND '.join(where)})"
    total = int(conn.execute(f"SELECT COUNT(*) FROM ({base})", params).fetchone()[0])
    params.update(limit=limit, offset=offset)
    return rows_named(conn, f"{base} ORDER BY {order} LIMIT :limit OFFSET :offset", params), total


def rows_named(conn: sqlite3.Connection, sql: str, params: dict[str, Any]) -> list[Row]:
    return [dict(row) for row in conn.execute(sql, params).fetchall()]


def is_starred(conn: sqlite3.Connection, user_id: int | None, project_id: int) -> bool:
    if user_id is None:
        return False
    return one(conn, "SELECT 1 AS x FROM stars WHERE user_id = ? AND project_id = ?", user_id, project_id) is not None


def starrers(conn: sqlite3.Connection, project_id: int) -> list[Row]:
    return rows(conn, """SELECT u.*, s.created_at AS starred_at FROM stars s JOIN users u ON u.id = s.user_id
                         WHERE s.project_id = ? ORDER BY s.created_at DESC""", project_id)


def project_members(conn: sqlite3.Connection, project: Row) -> list[Row]:
    """Everyone with access, one row per user at their highest role; `source` says where the role comes from."""
    direct = rows(conn, """SELECT u.*, pm.access_level, pm.created_at AS member_since, 'Direct member' AS source
                           FROM project_members pm JOIN users u ON u.id = pm.user_id WHERE pm.project_id = ?""",
                  project["id"])
    inherited = rows(conn, """SELECT u.*, gm.access_level, gm.created_at AS member_since, ? AS source
                              FROM group_members gm JOIN users u ON u.id = gm.user_id WHERE gm.namespace_id = ?""",
                     project["namespace_name"], project["namespace_id"])
    best: dict[int, Row] = {}
    for row in direct + inherited:
        current = best.get(row["id"])
        if current is None or row["access_level"] > current["access_level"]:
            best[row["id"]] = row
    return sorted(best.values(), key=lambda r: (-r["access_level"], r["name"].lower()))


def assignable_users(conn: sqlite3.Connection, project: Row) -> list[Row]:
    return sorted(project_members(conn, project), key=lambda r: r["name"].lower())


# -- repository -------------------------------------------------------------------------------------------------


def file_at(conn: sqlite3.Connection, project_id: int, path: str) -> Row | None:
    return one(conn, """SELECT f.*, c.title AS commit_title, c.created_at AS committed_at, c.sha
                        FROM repo_files f LEFT JOIN commits c ON c.id = f.last_commit_id
                        WHERE f.project_id = ? AND f.path = ?""", project_id, path)


def tree(conn: sqlite3.Connection, project_id: int, directory: str = "") -> tuple[list[str], list[Row]]:
    """The folders and files directly inside `directory` ("" = the repository root)."""
    prefix = f"{directory.strip('/')}/" if directory.strip("/") else ""
    folders: set[str] = set()
    files: list[Row] = []
    for row in rows(conn, """SELECT f.path, c.title AS commit_title, c.created_at AS committed_at
                             FROM repo_files f LEFT JOIN commits c ON c.id = f.last_commit_id
                             WHERE f.project_id = ? ORDER BY f.path""", project_id):
        if not row["path"].startswith(prefix):
            continue
        rest = row["path"][len(prefix):]
        if "/" in rest:
            folders.add(prefix + rest.split("/", 1)[0])
        else:
            files.append({**row, "name": rest})
    return sorted(folders, key=str.lower), files


def is_directory(conn: sqlite3.Connection, project_id: int, directory: str) -> bool:
    return one(conn, "SELECT 1 AS x FROM repo_files WHERE project_id = ? AND path LIKE ? ESCAPE '\\'",
               project_id, directory.strip("/").replace("%", "\\%").replace("_", "\\_") + "/%") is not None


def commits(conn: sqlite3.Connection, project_id: int, *, author: str = "", limit: int = 40,
            offset: int = 0) -> tuple[list[Row], int]:
    where, params = "project_id = ?", [project_id]
    if author:
        where += " AND (author_name = ? COLLATE NOCASE OR author_email = ? COLLATE NOCASE)"
        params += [author, author]
    total = int(conn.execute(f"SELECT COUNT(*) FROM commits WHERE {where}", params).fetchone()[0])
    found = rows(conn, f"SELECT * FROM commits WHERE {where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                 *params, limit, offset)
    return found, total


def contributors(conn: sqlite3.Connection, project_id: int) -> list[Row]:
    """Commit authors of the default branch, most commits first (GitLab's Contributors chart)."""
    return rows(conn, """SELECT author_name AS name, author_email AS email, COUNT(*) AS commits,
                                MIN(created_at) AS first_commit, MAX(created_at) AS last_commit
                         FROM commits WHERE project_id = ? GROUP BY author_name, author_email
                         ORDER BY commits DESC, name COLLATE NOCASE""", project_id)


def branches(conn: sqlite3.Connection, project_id: int) -> list[Row]:
    return rows(conn, """SELECT b.*, (SELECT m.iid FROM merge_requests m WHERE m.project_id = b.project_id
                                      AND m.source_branch = b.name AND m.state = 'opened') AS open_mr_iid
                         FROM branches b WHERE b.project_id = ?
                         ORDER BY b.name = 'main' DESC, b.created_at DESC""", project_id)


# -- labels and milestones --------------------------------------------------------------------------------------


def labels(conn: sqlite3.Connection, project_id: int) -> list[Row]:
    return rows(conn, """SELECT l.*,
                           (SELECT COUNT(*) FROM issue_labels il JOIN issues i ON i.id = il.issue_id
                            WHERE il.label_id = l.id AND i.state = 'opened') AS open_issues,
                           (SELECT COUNT(*) FROM mr_labels ml JOIN merge_requests m ON m.id = ml.mr_id
                            WHERE ml.label_id = l.id AND m.state = 'opened') AS open_mrs
                         FROM labels l WHERE l.project_id = ? ORDER BY l.title COLLATE NOCASE""", project_id)


def label_by_title(conn: sqlite3.Connection, project_id: int, title: str) -> Row | None:
    return one(conn, "SELECT * FROM labels WHERE project_id = ? AND title = ? COLLATE NOCASE", project_id, title)


def milestones(conn: sqlite3.Connection, project_id: int, state: str = "active") -> list[Row]:
    where = "" if state == "all" else "AND ms.state = ?"
    params: list[Any] = [project_id] + ([] if state == "all" else [state])
    return rows(conn, f"""SELECT ms.*,
                            (SELECT COUNT(*) FROM issues i WHERE i.milestone_id = ms.id) AS total_issues,
                            (SELECT COUNT(*) FROM issues i WHERE i.milestone_id = ms.id AND i.state = 'closed')
                              AS closed_issues
                          FROM milestones ms WHERE ms.project_id = ? {where}
                          ORDER BY ms.due_date IS NULL, ms.due_date, ms.title""", *params)


def milestone_by_title(conn: sqlite3.Connection, project_id: int, title: str) -> Row | None:
    return one(conn, "SELECT * FROM milestones WHERE project_id = ? AND title = ? COLLATE NOCASE", project_id, title)


def milestone_by_id(conn: sqlite3.Connection, milestone_id: int | None) -> Row | None:
    return one(conn, "SELECT * FROM milestones WHERE id = ?", milestone_id) if milestone_id else None


# -- issues and merge requests ----------------------------------------------------------------------------------

_TABLES = {"issue": ("issues", "issue_labels", "issue_id"), "merge_request": ("merge_requests", "mr_labels", "mr_id")}


def _tracker_where(q: TrackerQuery, project_id: int | None, viewer_id: int | None) -> tuple[str, dict[str, Any]]:
    table, label_table, key = _TABLES[q.kind]
    where: list[str] = []
    params: dict[str, Any] = {"uid": viewer_id}
    if project_id is not None:
        where.append("t.project_id = :project_id")
        params["project_id"] = project_id
    else:
        where.append(f"t.project_id IN (SELECT p.id FROM projects p WHERE {_VISIBLE})")
    for index, label in enumerate(q.labels):
        params[f"label{index}"] = label
        where.append(f"""EXISTS (SELECT 1 FROM {label_table} x JOIN labels l ON l.id = x.label_id
                                 WHERE x.{key} = t.id AND l.title = :label{index} COLLATE NOCASE)""")
    for column, value, name in (("assignee_id", q.assignee, "assignee"), ("author_id", q.author, "author")):
        if value == "None" and column == "assignee_id":
            where.append("t.assignee_id IS NULL")
        elif value == "Any" and column == "assignee_id":
            where.append("t.assignee_id IS NOT NULL")
        elif value:
            params[name] = value
            where.append(f"t.{column} = (SELECT id FROM users WHERE username = :{name})")
    if q.reviewer:
        params["reviewer"] = q.reviewer
        where.append("""EXISTS (SELECT 1 FROM mr_reviewers r JOIN users u ON u.id = r.user_id
                                WHERE r.mr_id = t.id AND u.username = :reviewer)""")
    if q.milestone == "None":
        where.append("t.milestone_id IS NULL")
    elif q.milestone == "Any":
        where.append("t.milestone_id IS NOT NULL")
    elif q.milestone:
        params["milestone"] = q.milestone
        where.append("t.milestone_id IN (SELECT id FROM milestones WHERE title = :milestone COLLATE NOCASE)")
    if q.search:
        params["search"] = f"%{q.search}%"
        where.append("(t.title LIKE :search OR t.description LIKE :search)")
    return " AND ".join(where) or "1", params


def tracker_counts(conn: sqlite3.Connection, q: TrackerQuery, project_id: int | None,
                   viewer_id: int | None) -> dict[str, int]:
    """How many items each state tab holds under the current filters (the numbers beside Open / Closed / All)."""
    table = _TABLES[q.kind][0]
    where, params = _tracker_where(q, project_id, viewer_id)
    counts = {state: 0 for state in ("opened", "closed", "merged")}
    for row in conn.execute(f"SELECT t.state, COUNT(*) FROM {table} t WHERE {where} GROUP BY t.state", params):
        counts[row[0]] = int(row[1])
    counts["all"] = sum(counts.values())
    return counts


def tracker_items(conn: sqlite3.Connection, q: TrackerQuery, project_id: int | None, viewer_id: int | None,
                  *, limit: int = 20, offset: int = 0) -> list[Row]:
    """One page of issues or merge requests matching the query, with labels, people and comment counts."""
    table, label_table, key = _TABLES[q.kind]
    where, params = _tracker_where(q, project_id, viewer_id)
    if q.state != "all":
        where += " AND t.state = :state"
        params["state"] = q.state
    params.update(limit=limit, offset=offset)
    noteable = q.kind
    found = rows_named(conn, f"""
        SELECT t.*, au.username AS author_username, au.name AS author_name,
               asg.username AS assignee_username, asg.name AS assignee_name,
               n.path || '/' || p.path AS project_full_path, n.name || ' / ' || p.name AS project_name_with_namespace,
               (SELECT COUNT(*) FROM notes nt WHERE nt.noteable_type = '{noteable}' AND nt.noteable_id = t.id
                AND nt.system = 0) AS comment_count
        FROM {table} t JOIN users au ON au.id = t.author_id LEFT JOIN users asg ON asg.id = t.assignee_id
             JOIN projects p ON p.id = t.project_id JOIN namespaces n ON n.id = p.namespace_id
        WHERE {where} ORDER BY {q.order_by} LIMIT :limit OFFSET :offset""", params)
    for item in found:
        item["labels"] = rows(conn, f"""SELECT l.* FROM {label_table} x JOIN labels l ON l.id = x.label_id
                                        WHERE x.{key} = ? ORDER BY l.title COLLATE NOCASE""", item["id"])
    return found


def issue(conn: sqlite3.Connection, project_id: int, iid: int) -> Row | None:
    found = one(conn, """SELECT i.*, au.username AS author_username, au.name AS author_name,
                                asg.username AS assignee_username, asg.name AS assignee_name
                         FROM issues i JOIN users au ON au.id = i.author_id
                         LEFT JOIN users asg ON asg.id = i.assignee_id
                         WHERE i.project_id = ? AND i.iid = ?""", project_id, iid)
    if found:
        found["labels"] = rows(conn, """SELECT l.* FROM issue_labels x JOIN labels l ON l.id = x.label_id
                                        WHERE x.issue_id = ? ORDER BY l.title COLLATE NOCASE""", found["id"])
        found["milestone"] = milestone_by_id(conn, found["milestone_id"])
    return found


def merge_request(conn: sqlite3.Connection, project_id: int, iid: int) -> Row | None:
    found = one(conn, """SELECT m.*, au.username AS author_username, au.name AS author_name,
                                asg.username AS assignee_username, asg.name AS assignee_name
                         FROM merge_requests m JOIN users au ON au.id = m.author_id
                              LEFT JOIN users asg ON asg.id = m.assignee_id
                         WHERE m.project_id = ? AND m.iid = ?""", project_id, iid)
    if found:
        found["labels"] = rows(conn, """SELECT l.* FROM mr_labels x JOIN labels l ON l.id = x.label_id
                                        WHERE x.mr_id = ? ORDER BY l.title COLLATE NOCASE""", found["id"])
        found["reviewers"] = rows(conn, """SELECT u.* FROM mr_reviewers r JOIN users u ON u.id = r.user_id
                                           WHERE r.mr_id = ? ORDER BY u.name COLLATE NOCASE""", found["id"])
        found["approvals"] = rows(conn, """SELECT u.*, a.created_at AS approved_at FROM mr_approvals a
                                           JOIN users u ON u.id = a.user_id WHERE a.mr_id = ?
                                           ORDER BY a.created_at""", found["id"])
        found["milestone"] = milestone_by_id(conn, found["milestone_id"])
    return found


def notes(conn: sqlite3.Connection, noteable_type: str, noteable_id: int) -> list[Row]:
    return rows(conn, """SELECT nt.*, u.username AS author_username, u.name AS author_name
                         FROM notes nt JOIN users u ON u.id = nt.author_id
                         WHERE nt.noteable_type = ? AND nt.noteable_id = ? ORDER BY nt.created_at, nt.id""",
                noteable_type, noteable_id)


def todos(conn: sqlite3.Connection, user_id: int) -> list[Row]:
    """Pending work for a user: open merge requests awaiting their review, then open issues assigned to them."""
    return rows(conn, """
        SELECT 'Review requested' AS action, 'merge_request' AS kind, m.iid, m.title, m.updated_at,
               n.path || '/' || p.path AS project_full_path, n.name || ' / ' || p.name AS project_name_with_namespace
        FROM merge_requests m JOIN mr_reviewers r ON r.mr_id = m.id
             JOIN projects p ON p.id = m.project_id JOIN namespaces n ON n.id = p.namespace_id
        WHERE r.user_id = ? AND m.state = 'opened'
        UNION ALL
        SELECT 'Assigned', 'issue', i.iid, i.title, i.updated_at,
               n.path || '/' || p.path, n.name || ' / ' || p.name
        FROM issues i JOIN projects p ON p.id = i.project_id JOIN namespaces n ON n.id = p.namespace_id
        WHERE i.assignee_id = ? AND i.state = 'opened'
        ORDER BY updated_at DESC""", user_id, user_id)


# -- facts for tasks --------------------------------------------------------------------------------------------


def most_starred(conn: sqlite3.Connection, limit: int) -> list[Row]:
    """Public projects by star count; ties broken by name so the order is total."""
    return rows(conn, f"SELECT * FROM ({PROJECT_SELECT} WHERE p.visibility = 'public') "
                      "ORDER BY star_count DESC, full_path LIMIT ?", limit)


def open_issue_count(conn: sqlite3.Connection, project: Row, label: str | None = None) -> int:
    q = TrackerQuery(kind="issue", labels=(label,) if label else ())
    return tracker_counts(conn, q, project["id"], None)["opened"]


def next_iid(conn: sqlite3.Connection, kind: str, project_id: int) -> int:
    table = _TABLES[kind][0]
    return int(conn.execute(f"SELECT COALESCE(MAX(iid), 0) + 1 FROM {table} WHERE project_id = ?",
                            (project_id,)).fetchone()[0])


def starred_project_ids(conn: sqlite3.Connection, user_id: int) -> set[int]:
    return {row["project_id"] for row in rows(conn, "SELECT project_id FROM stars WHERE user_id = ?", user_id)}


def open_merge_requests(conn: sqlite3.Connection, *, assignee: str = "", reviewer: str = "") -> list[Row]:
    """Open merge requests across all projects for a person, as the dashboard lists them (newest first)."""
    q = TrackerQuery(kind="merge_request", assignee=assignee, reviewer=reviewer)
    return tracker_items(conn, q, None, None, limit=1000)


def open_issues(conn: sqlite3.Connection, project_id: int) -> list[Row]:
    """A project's open issues, oldest first (the order tasks pick subjects in)."""
    return tracker_items(conn, TrackerQuery(kind="issue", sort="created_asc"), project_id, None, limit=1000)


def latest_issue_by_author(conn: sqlite3.Connection, username: str, keyword: str) -> Row | None:
    """The newest issue a user opened whose title contains `keyword` (any project, any state)."""
    return one(conn, """SELECT i.*, n.path || '/' || p.path AS project_full_path FROM issues i
                        JOIN users u ON u.id = i.author_id JOIN projects p ON p.id = i.project_id
                        JOIN namespaces n ON n.id = p.namespace_id
                        WHERE u.username = ? AND i.title LIKE ? ORDER BY i.created_at DESC LIMIT 1""",
               username, f"%{keyword}%")


def commits_per_day(conn: sqlite3.Connection, project_id: int, author_name: str) -> list[Row]:
    """Days on which an author committed to a project, with counts, busiest first."""
    return rows(conn, """SELECT substr(created_at, 1, 10) AS day, COUNT(*) AS commits FROM commits
                         WHERE project_id = ? AND author_name = ? GROUP BY day
                         ORDER BY commits DESC, day DESC""", project_id, author_name)


def unmerged_branches(conn: sqlite3.Connection, project_id: int) -> list[str]:
    """Branches besides the default one that have no open merge request yet."""
    return [b["name"] for b in branches(conn, project_id) if b["name"] != "main" and not b["open_mr_iid"]]


def merge_request_by_title(conn: sqlite3.Connection, project_id: int, title: str) -> Row | None:
    found = one(conn, "SELECT iid FROM merge_requests WHERE project_id = ? AND title = ?", project_id, title)
    return merge_request(conn, project_id, found["iid"]) if found else None


def user_by_name(conn: sqlite3.Connection, name: str) -> Row | None:
    return one(conn, "SELECT * FROM users WHERE name = ?", name)
