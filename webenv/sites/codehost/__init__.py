"""The code host: a GitLab-like site standing in for WebArena's GitLab instance (`__GITLAB__`).

Projects in user and group namespaces with READMEs, files, commits, stars and members; issues and merge
requests with labels, milestones, assignees, reviewers and comments; dashboards, explore, search and profiles.
URLs follow GitLab's scheme (`/{namespace}/{project}/-/issues/{iid}`, `/dashboard/merge_requests?...`) and the
markup keeps the hooks WebArena's evaluators read (`tr[data-username]` + `td.member-role` on the members page,
`[data-qa-selector="title_content"]`, `.block.assignee`, `#notes-list`, `.cover-status`, ...).

Documented accounts (all public test data, every seeded user shares the password `hello1234`):

- `byteblaze` / `hello1234` — Byte Blaze, the default account: owner of eleven personal projects
  (byteblaze/dotfiles, byteblaze/a11y-webring.club, byteblaze/gimmiethat.space, ...), Maintainer of the
  `a11yproject` group, Developer in the `primer` group and on kkroening/ffmpeg-python and convexegg/chatgpt.
- `vinta` / `hello1234` — Vinta Chen, owner of vinta/awesome-python.
- `abisubramanya27` / `hello1234` — Abishek S, owner of abisubramanya27/ml-notebooks.
- `ericwbailey` / `hello1234` — Eric Bailey, Owner of the `a11yproject` group.
"""

from __future__ import annotations

from webenv.sites import Account, LoginForm, SiteSpec, lazy

GITLAB = SiteSpec(
    name="gitlab",
    placeholder="__GITLAB__",
    database="codehost",
    build_database=lazy("webenv.sites.codehost.seed", "build_database"),
    create_app=lazy("webenv.sites.codehost.app", "create_app"),
    cookie_name="codehost_session",
    login=LoginForm(path="/users/sign_in", username_field="user[login]", password_field="user[password]"),
    accounts=(
        Account("byteblaze", "hello1234"),
        Account("vinta", "hello1234"),
        Account("abisubramanya27", "hello1234"),
        Account("ericwbailey", "hello1234"),
    ),
    build_tasks=lazy("webenv.sites.codehost.tasks", "build_tasks"),
    title="code host",
    summary="29 projects, 215 issues, 81 merge requests, members and roles, stars, files",
    perf_pages=("/a11yproject/a11yproject.com/-/issues", "/byteblaze/dotfiles"),
)

SPECS = (GITLAB,)
