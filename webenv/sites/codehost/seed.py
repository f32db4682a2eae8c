"""Build the code host's seed database from `seed_data/*.json` plus deterministic generated activity.

The JSON files hold what a task may name (people, groups, projects, star counts, a few hand-written issues);
the generator fills in the bulk (issues, merge requests, comments, commits) with `seeded_rng("codehost")`, so
every machine builds the same world and task answers computed from it never drift.
"""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from webenv.sites.codehost import roles
from webenv.sites.codehost.clock import stamp
from webenv.sites.codehost.passwords import hash_password
from webenv.sites.codehost.seed_text import TitleMaker, branch_slug, fill, issue_body, topic_of
from webenv.sites.common import seeded_rng

PACKAGE_DIR = Path(__file__).parent
DATA_DIR = PACKAGE_DIR / "seed_data"
SCHEMA = PACKAGE_DIR / "schema.sql"
SEED_NOW = datetime(2023, 3, 31, 12, 0, 0)  # the seed world's "today": answers never drift with the real clock
KIND_LABEL = {"bug": "bug", "feature": "feature", "enhancement": "enhancement", "documentation": "documentation",
              "question": "question"}


def load_seed_data() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    def read(name: str) -> dict[str, Any]:
        return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))

    return read("users.json"), read("projects.json"), read("content.json")


def build_database(path: Path) -> None:
    users, projects, content = load_seed_data()
    conn = sqlite3.connect(path)
    try:
        conn.executescript(SCHEMA.read_text(encoding="utf-8"))
        _Seeder(conn, seeded_rng("codehost"), users, projects, content).run()
        conn.commit()
    finally:
        conn.close()


@dataclass
class _Project:
    id: int
    spec: dict[str, Any]
    full_path: str
    created: datetime
    members: dict[int, int] = field(default_factory=dict)  # user id -> effective access level
    labels: dict[str, int] = field(default_factory=dict)
    milestones: list[int] = field(default_factory=list)
    latest: datetime = SEED_NOW - timedelta(days=400)

    def pool(self, at_least: int = roles.GUEST) -> list[int]:
        return sorted(uid for uid, level in self.members.items() if level >= at_least)


class _Seeder:
    """One pass over the seed data; methods run in dependency order (users before projects before issues)."""

    def __init__(self, conn: sqlite3.Connection, rng: random.Random, users: dict[str, Any],
                 projects: dict[str, Any], content: dict[str, Any]) -> None:
        self.conn = conn
        self.rng = rng
        self.users_data = users
        self.projects_data = projects
        self.content = content
        self.user_ids: dict[str, int] = {}
        self.user_rows: dict[int, dict[str, Any]] = {}
        self.namespace_ids: dict[str, int] = {}
        self.group_members: dict[str, dict[int, int]] = {}
        self.projects: list[_Project] = []
        # Older history (the first years of the big projects) comes from its own stream, so adding or resizing it
        # never moves a single draw of the recent activity that existing tasks are about.
        self.history_rng = seeded_rng("codehost-history")

    def run(self) -> None:
        self.insert_users()
        self.insert_groups()
        for spec in self.projects_data["projects"]:
            self.projects.append(self.insert_project(spec))
        self.insert_stars()
        self.insert_follows()
        for project in self.projects:
            self.insert_labels_and_milestones(project)
            self.insert_repository(project)
            self.insert_issues(project)
            self.insert_merge_requests(project)
            self.conn.execute("UPDATE projects SET last_activity_at = ? WHERE id = ?",
                              (stamp(project.latest), project.id))

    # -- helpers -----------------------------------------------------------------------------------------------

    def moment(self, start: datetime, end: datetime) -> datetime:
        span = max(0, int((end - start).total_seconds()))
        return start + timedelta(seconds=self.rng.randint(0, span))

    def insert(self, table: str, **values: Any) -> int:
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = self.conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(values.values()))
        return int(cursor.lastrowid or 0)

    def uid(self, username: str | None) -> int | None:
        return self.user_ids[username] if username else None

    # -- people and groups -------------------------------------------------------------------------------------

    def insert_users(self) -> None:
        password = hash_password(self.users_data["password"])
        for spec in self.users_data["users"]:
            created = self.moment(datetime(2011, 1, 1), datetime(2012, 12, 31))
            uid = self.insert(
                "users", username=spec["username"], name=spec["name"], email=f"{spec['username']}@example.com",
                password_hash=password, bio=spec.get("bio", ""), status_emoji=spec.get("status_emoji", ""),
                status_message=spec.get("status_message", ""), website_url=spec.get("website_url", ""),
                location=spec.get("location", ""), organization=spec.get("organization", ""), created_at=stamp(created))
            self.user_ids[spec["username"]] = uid
            self.user_rows[uid] = {"name": spec["name"], "email": f"{spec['username']}@example.com", "created": created}
            self.namespace_ids[spec["username"]] = self.insert(
                "namespaces", path=spec["username"], name=spec["name"], kind="user", owner_id=uid,
                created_at=stamp(created))

    def insert_groups(self) -> None:
        for spec in self.projects_data["groups"]:
            created = self.moment(datetime(2013, 1, 1), datetime(2013, 1, 31))
            nid = self.insert("namespaces", path=spec["path"], name=spec["name"], kind="group",
                              description=spec["description"], created_at=stamp(created))
            self.namespace_ids[spec["path"]] = nid
            levels: dict[int, int] = {}
            for username, role in spec["members"].items():
                levels[self.user_ids[username]] = roles.level_of(role)
                self.insert("group_members", namespace_id=nid, user_id=self.user_ids[username],
                            access_level=roles.level_of(role), created_at=stamp(created + timedelta(days=1)))
            self.group_members[spec["path"]] = levels

    # -- projects ----------------------------------------------------------------------------------------------

    def insert_project(self, spec: dict[str, Any]) -> _Project:
        namespace = spec["namespace"]
        created = datetime.fromisoformat(spec["created"]) + timedelta(hours=self.rng.randint(8, 20),
                                                                       minutes=self.rng.randint(0, 59))
        owner = self.user_ids.get(namespace)
        pid = self.insert(
            "projects", namespace_id=self.namespace_ids[namespace], path=spec["path"], name=spec["name"],
            description=spec["description"], visibility=spec["visibility"], forks_count=spec["forks"],
            creator_id=owner or self.pick_group_owner(namespace), created_at=stamp(created),
            last_activity_at=stamp(created))
        project = _Project(id=pid, spec=spec, full_path=f"{namespace}/{spec['path']}", created=created)
        project.members.update(self.group_members.get(namespace, {}))
        direct = dict(spec.get("members", {}))
        if owner is not None:
            direct = {namespace: "Owner", **direct}
        for username, role in direct.items():
            uid = self.user_ids[username]
            level = roles.level_of(role)
            self.insert("project_members", project_id=pid, user_id=uid, access_level=level,
                        created_at=stamp(created + timedelta(
                            days=self.rng.randint(0, 200) if username != namespace else 0)))
            project.members[uid] = max(level, project.members.get(uid, 0))
        return project

    def pick_group_owner(self, group: str) -> int:
        levels = self.group_members[group]
        return max(sorted(levels), key=lambda uid: levels[uid])

    def insert_stars(self) -> None:
        explicit: dict[str, list[int]] = {}
        for spec in self.users_data["users"]:
            for full_path in spec.get("stars", []):
                explicit.setdefault(full_path, []).append(self.user_ids[spec["username"]])
        everyone = sorted(self.user_ids.values())
        byteblaze = self.user_ids["byteblaze"]
        for project in self.projects:
            chosen = explicit.get(project.full_path, [])
            missing = project.spec["stars"] - len(chosen)
            if missing < 0:
                raise ValueError(f"{project.full_path}: more explicit stars than its star count")
            # byteblaze's stars are exactly the listed ones, so tasks about "my starred projects" stay readable.
            candidates = [uid for uid in everyone if uid not in chosen and uid != byteblaze]
            for uid in chosen + self.rng.sample(candidates, missing):
                self.insert("stars", user_id=uid, project_id=project.id,
                            created_at=stamp(self.moment(project.created, SEED_NOW)))

    def insert_follows(self) -> None:
        everyone = sorted(self.user_ids.values())
        pairs: set[tuple[int, int]] = set()
        for spec in self.users_data["users"]:
            follower = self.user_ids[spec["username"]]
            followees = [self.user_ids[name] for name in spec.get("follows", [])]
            if spec["username"] != "byteblaze" and "follows" not in spec:
                followees = self.rng.sample([uid for uid in everyone if uid != follower], self.rng.randint(0, 4))
            for followee in followees:
                pairs.add((follower, followee))
        for follower, followee in sorted(pairs):
            self.insert("follows", follower_id=follower, followee_id=followee,
                        created_at=stamp(self.moment(datetime(2019, 1, 1), SEED_NOW)))

    # -- labels, milestones, repository ------------------------------------------------------------------------

    def insert_labels_and_milestones(self, project: _Project) -> None:
        colors = self.content["extra_label_colors"]
        for label in self.content["base_labels"]:
            project.labels[label["title"]] = self.insert(
                "labels", project_id=project.id, title=label["title"], color=label["color"],
                description=label["description"])
        for index, title in enumerate(project.spec.get("labels_extra", [])):
            project.labels[title] = self.insert("labels", project_id=project.id, title=title,
                                                color=colors[index % len(colors)], description="")
        for milestone in project.spec.get("milestones", []):
            due = datetime.fromisoformat(milestone["due"])
            project.milestones.append(self.insert(
                "milestones", project_id=project.id, title=milestone["title"],
                description=f"Work planned for {milestone['title']}.",
                state="closed" if milestone.get("closed") else "active", due_date=milestone["due"],
                created_at=stamp(due - timedelta(days=90))))

    def insert_repository(self, project: _Project) -> None:
        spec = project.spec
        path = project.full_path
        contributors = spec["contributors"]
        dates = sorted(self.moment(project.created, SEED_NOW - timedelta(days=1)) for _ in range(spec["commits"] - 1))
        commit_ids: list[int] = []
        for index, when in enumerate([project.created, *dates]):
            author = self.rng.choices(contributors, weights=[c["weight"] for c in contributors])[0]
            if index == 0:
                author, title = contributors[0], "Initial commit"
            else:
                title = fill(self.rng.choice(self.content["commit_patterns"]), self.rng.choice(spec["topics"]))
            commit_ids.append(self.insert(
                "commits", project_id=project.id, sha=hashlib.sha1(f"{path}:{index}".encode()).hexdigest(),
                title=title, message=title, author_name=author["name"],
                author_email=f"{author['username']}@example.com", created_at=stamp(when)))
        project.latest = max(project.latest, dates[-1] if dates else project.created)
        values = {"{name}": spec["name"], "{path}": spec["path"], "{description}": spec["description"]}

        def expand(text: str) -> str:
            for key, value in values.items():
                text = text.replace(key, value)
            return text

        readme = (f"# {spec['name']}\n\n{spec['description']}\n\n"
                  + expand(self.content["readme_sections"][spec["kind"]]))
        files = {"README.md": readme,
                 **{expand(k): expand(v) for k, v in self.content["files_by_kind"][spec["kind"]].items()}}
        for file_path, text in sorted(files.items()):
            self.insert("repo_files", project_id=project.id, path=file_path, content=text,
                        last_commit_id=self.rng.choice(commit_ids))
        for branch in ["main", *spec.get("branches", [])]:
            self.insert("branches", project_id=project.id, name=branch,
                        created_at=stamp(project.created if branch == "main"
                                         else SEED_NOW - timedelta(days=self.rng.randint(2, 30))))

    # -- issues and merge requests -----------------------------------------------------------------------------

    def activity_window(self, project: _Project) -> tuple[datetime, datetime]:
        return max(project.created, SEED_NOW - timedelta(days=3 * 365)), SEED_NOW - timedelta(days=2)

    def timeline(self, project: _Project) -> tuple[datetime, datetime]:
        created = self.moment(*self.activity_window(project))
        updated = self.moment(created, min(SEED_NOW, created + timedelta(days=90)))
        project.latest = max(project.latest, updated)
        return created, updated

    def states(self, total: int, fixed: list[str], shares: dict[str, float]) -> list[str]:
        """States for the generated items, so that fixed + generated match the project's shares."""
        wanted: list[str] = []
        for state, share in shares.items():
            count = max(0, round(total * share) - fixed.count(state))
            wanted += [state] * count
        fallback = next(iter(shares))
        generated = total - len(fixed)
        wanted = (wanted + [fallback] * generated)[:generated]
        self.rng.shuffle(wanted)
        return wanted

    def people(self, project: _Project, at_least: int = roles.GUEST) -> list[int]:
        return project.pool(at_least) or [self.user_ids[project.spec["namespace"]]]

    def insert_notes(self, kind: str, item_id: int, authors: list[int], start: datetime, end: datetime,
                     rng: random.Random | None = None) -> None:
        rng = rng or self.rng
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3, 4])):
            span = max(0, int((end - start).total_seconds()))
            self.insert("notes", noteable_type=kind, noteable_id=item_id, author_id=rng.choice(authors),
                        body=rng.choice(self.content["comments"]),
                        created_at=stamp(start + timedelta(seconds=rng.randint(0, span))))

    def history_span(self, project: _Project, kind: str) -> tuple[int, list[datetime]]:
        """How many older items a project has and their creation times, all before its recent activity window
        (iids follow creation order, so the history takes iids 1..n and the recent items follow)."""
        total = int(project.spec.get("history", {}).get(kind, 0))
        start, end = project.created + timedelta(days=20), self.activity_window(project)[0] - timedelta(days=1)
        if total and end <= start:
            raise ValueError(f"{project.full_path}: no time before its recent activity for history")
        span = int((end - start).total_seconds())
        return total, sorted(start + timedelta(seconds=self.history_rng.randint(0, span)) for _ in range(total))

    def insert_history_issues(self, project: _Project, used: set[str]) -> None:
        rng = self.history_rng
        total, moments = self.history_span(project, "issues")
        maker = TitleMaker(rng, self.content["issue_patterns"], project.spec["topics"], set(used))
        members, everyone = self.people(project), sorted(self.user_ids.values())
        for iid, created in enumerate(moments, start=1):
            title, kind = maker.make()
            labels = [KIND_LABEL[kind]]
            if rng.random() < 0.2:
                labels.append(rng.choice(["help wanted", "good first issue"]))
            if project.spec.get("labels_extra") and rng.random() < 0.3:
                labels.append(rng.choice(project.spec["labels_extra"]))
            state = "opened" if rng.random() < 0.25 else "closed"
            assignee = rng.choice(members) if rng.random() < 0.65 else None
            author = rng.choice(members) if rng.random() < 0.5 else rng.choice(everyone)
            updated = created + timedelta(seconds=rng.randint(3600, 200 * 86400))
            issue_id = self.insert(
                "issues", project_id=project.id, iid=iid, title=title,
                description=issue_body(self.content, kind, topic_of(title, project.spec["topics"])),
                author_id=author, assignee_id=assignee, milestone_id=None, state=state, due_date=None,
                created_at=stamp(created), updated_at=stamp(updated),
                closed_at=stamp(updated) if state == "closed" else None)
            for label in dict.fromkeys(labels):
                self.insert("issue_labels", issue_id=issue_id, label_id=project.labels[label])
            self.insert_notes("issue", issue_id, sorted({*members, author}), created, updated, rng)

    def insert_history_merge_requests(self, project: _Project, used: set[str], branches: set[str]) -> None:
        rng = self.history_rng
        total, moments = self.history_span(project, "mrs")
        maker = TitleMaker(rng, self.content["mr_patterns"], project.spec["topics"], set(used))
        developers = self.people(project, roles.DEVELOPER)
        for iid, created in enumerate(moments, start=1):
            title, kind = maker.make()
            author = rng.choice(developers)
            others = [uid for uid in developers if uid != author]
            reviewers = rng.sample(others, min(len(others), rng.randint(0, 2)))
            draw = rng.random()
            state = "opened" if draw < 0.06 else "merged" if draw < 0.8 else "closed"
            updated = created + timedelta(seconds=rng.randint(3600, 40 * 86400))
            branch = branch_slug(title)
            while branch in branches:
                branch = f"{branch}-h{iid}"
            branches.add(branch)
            mr_id = self.insert(
                "merge_requests", project_id=project.id, iid=iid, title=title,
                description=self.content["mr_body"].replace("{title}", title), author_id=author,
                assignee_id=author if rng.random() < 0.8 else rng.choice(developers), state=state,
                source_branch=branch, target_branch="main", created_at=stamp(created), updated_at=stamp(updated),
                merged_at=stamp(updated) if state == "merged" else None,
                closed_at=stamp(updated) if state == "closed" else None)
            if kind in KIND_LABEL:
                self.insert("mr_labels", mr_id=mr_id, label_id=project.labels[KIND_LABEL[kind]])
            for reviewer in reviewers:
                self.insert("mr_reviewers", mr_id=mr_id, user_id=reviewer)
            if reviewers and state == "merged":
                self.insert("mr_approvals", mr_id=mr_id, user_id=reviewers[0], created_at=stamp(updated))
            if state == "opened":
                self.insert("branches", project_id=project.id, name=branch, created_at=stamp(created))
            self.insert_notes("merge_request", mr_id, sorted({*developers, author}), created, updated, rng)

    def insert_issues(self, project: _Project) -> None:
        spec = project.spec
        total = spec["issues"]
        fixed = [f for f in self.content["fixed_issues"] if f["project"] == project.full_path]
        maker = TitleMaker(self.rng, self.content["issue_patterns"], spec["topics"], {f["title"] for f in fixed})
        members = self.people(project)
        everyone = sorted(self.user_ids.values())
        byteblaze = self.user_ids["byteblaze"]
        items: list[dict[str, Any]] = []
        for f in fixed:
            kind = f["label"] if f["label"] in KIND_LABEL else "bug"
            items.append({"title": f["title"], "kind": kind, "labels": [f["label"]], "state": f["state"],
                          "author": self.uid(f["author"]), "assignee": self.uid(f["assignee"])})
        for state in self.states(total, [f["state"] for f in fixed], {"opened": spec["open_share"], "closed": 1.0}):
            title, kind = maker.make()
            labels = [KIND_LABEL[kind]]
            if self.rng.random() < 0.2:
                labels.append(self.rng.choice(["help wanted", "good first issue"]))
            if spec.get("labels_extra") and self.rng.random() < 0.35:
                labels.append(self.rng.choice(spec["labels_extra"]))
            assignee = None
            if self.rng.random() < (0.6 if state == "opened" else 0.7):
                assignee = byteblaze if byteblaze in members and self.rng.random() < 0.3 else self.rng.choice(members)
            author = self.rng.choice(members) if self.rng.random() < 0.6 else self.rng.choice(everyone)
            items.append({"title": title, "kind": kind, "labels": labels, "state": state, "author": author,
                          "assignee": assignee})
        for item in items:
            item["created"], item["updated"] = self.timeline(project)
        items.sort(key=lambda item: item["created"])
        history = int(spec.get("history", {}).get("issues", 0))
        for iid, item in enumerate(items, start=1 + history):
            created, updated = item["created"], item["updated"]
            due = None
            if self.rng.random() < 0.12:
                due = (created + timedelta(days=self.rng.randint(10, 120))).date().isoformat()
            milestone = self.rng.choice(project.milestones) if project.milestones and self.rng.random() < 0.3 else None
            issue_id = self.insert(
                "issues", project_id=project.id, iid=iid, title=item["title"],
                description=issue_body(self.content, item["kind"], topic_of(item["title"], spec["topics"])),
                author_id=item["author"], assignee_id=item["assignee"], milestone_id=milestone, state=item["state"],
                due_date=due, created_at=stamp(created), updated_at=stamp(updated),
                closed_at=stamp(updated) if item["state"] == "closed" else None)
            for label in dict.fromkeys(item["labels"]):
                self.insert("issue_labels", issue_id=issue_id, label_id=project.labels[label])
            self.insert_notes("issue", issue_id, sorted({*members, item["author"]}), created, updated)
        self.insert_history_issues(project, {item["title"] for item in items})

    def insert_merge_requests(self, project: _Project) -> None:
        spec = project.spec
        total = spec["mrs"]
        if total == 0:
            return
        fixed = [f for f in self.content["fixed_merge_requests"] if f["project"] == project.full_path]
        maker = TitleMaker(self.rng, self.content["mr_patterns"], spec["topics"], {f["title"] for f in fixed})
        developers = self.people(project, roles.DEVELOPER)
        byteblaze = self.user_ids["byteblaze"]
        items: list[dict[str, Any]] = []
        for f in fixed:
            items.append({"title": f["title"], "kind": "feature", "state": f["state"], "author": self.uid(f["author"]),
                          "assignee": self.uid(f["assignee"]), "reviewers": [self.uid(r) for r in f["reviewers"]],
                          "branch": f["source_branch"]})
        shares = {"opened": 0.45, "merged": 0.4, "closed": 1.0}
        for state in self.states(total, [f["state"] for f in fixed], shares):
            title, kind = maker.make()
            author = self.rng.choice(developers)
            assignee = author if self.rng.random() < 0.8 else self.rng.choice(developers)
            others = [uid for uid in developers if uid != author]
            reviewers = self.rng.sample(others, min(len(others), self.rng.randint(0, 2)))
            if byteblaze in others and byteblaze not in reviewers and self.rng.random() < 0.4:
                reviewers = [byteblaze, *reviewers[:1]]
            items.append({"title": title, "kind": kind, "state": state, "author": author, "assignee": assignee,
                          "reviewers": reviewers, "branch": branch_slug(title)})
        for item in items:
            item["created"], item["updated"] = self.timeline(project)
        items.sort(key=lambda item: item["created"])
        branches: set[str] = {"main", *spec.get("branches", [])}
        history = int(spec.get("history", {}).get("mrs", 0))
        for iid, item in enumerate(items, start=1 + history):
            branch = item["branch"]
            while branch in branches:
                branch = f"{branch}-{iid - history}"
            branches.add(branch)
            created, updated = item["created"], item["updated"]
            state = item["state"]
            mr_id = self.insert(
                "merge_requests", project_id=project.id, iid=iid, title=item["title"],
                description=self.content["mr_body"].replace("{title}", item["title"]), author_id=item["author"],
                assignee_id=item["assignee"], state=state, source_branch=branch, target_branch="main",
                created_at=stamp(created), updated_at=stamp(updated),
                merged_at=stamp(updated) if state == "merged" else None,
                closed_at=stamp(updated) if state == "closed" else None)
            if item["kind"] in KIND_LABEL:
                self.insert("mr_labels", mr_id=mr_id, label_id=project.labels[KIND_LABEL[item["kind"]]])
            for reviewer in item["reviewers"]:
                self.insert("mr_reviewers", mr_id=mr_id, user_id=reviewer)
            approver = item["reviewers"][0] if item["reviewers"] else None
            if approver is not None and (state == "merged" or (state == "opened" and self.rng.random() < 0.3)):
                self.insert("mr_approvals", mr_id=mr_id, user_id=approver, created_at=stamp(updated))
            if state == "opened":
                self.insert("branches", project_id=project.id, name=branch, created_at=stamp(created))
            self.insert_notes("merge_request", mr_id, sorted({*developers, item["author"]}), created, updated)
        self.insert_history_merge_requests(project, {item["title"] for item in items}, branches)
