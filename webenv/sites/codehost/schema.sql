-- The code host's data model: a deliberately small cut of GitLab's.
-- Issues and merge requests number themselves per project (iid), as GitLab's URLs do.

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name            TEXT NOT NULL,
    email           TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash   TEXT NOT NULL,
    bio             TEXT NOT NULL DEFAULT '',
    status_emoji    TEXT NOT NULL DEFAULT '',
    status_message  TEXT NOT NULL DEFAULT '',
    website_url     TEXT NOT NULL DEFAULT '',
    location        TEXT NOT NULL DEFAULT '',
    organization    TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL
);

-- Users and groups share one path space, exactly like GitLab namespaces.
CREATE TABLE namespaces (
    id          INTEGER PRIMARY KEY,
    path        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('user', 'group')),
    owner_id    INTEGER REFERENCES users(id),
    description TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);

CREATE TABLE group_members (
    namespace_id INTEGER NOT NULL REFERENCES namespaces(id),
    user_id      INTEGER NOT NULL REFERENCES users(id),
    access_level INTEGER NOT NULL CHECK (access_level IN (10, 20, 30, 40, 50)),
    created_at   TEXT NOT NULL,
    PRIMARY KEY (namespace_id, user_id)
);

CREATE TABLE projects (
    id               INTEGER PRIMARY KEY,
    namespace_id     INTEGER NOT NULL REFERENCES namespaces(id),
    path             TEXT NOT NULL COLLATE NOCASE,
    name             TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    visibility       TEXT NOT NULL CHECK (visibility IN ('private', 'internal', 'public')),
    default_branch   TEXT NOT NULL DEFAULT 'main',
    forks_count      INTEGER NOT NULL DEFAULT 0,
    creator_id       INTEGER REFERENCES users(id),
    created_at       TEXT NOT NULL,
    last_activity_at TEXT NOT NULL,
    UNIQUE (namespace_id, path)
);

CREATE TABLE project_members (
    project_id   INTEGER NOT NULL REFERENCES projects(id),
    user_id      INTEGER NOT NULL REFERENCES users(id),
    access_level INTEGER NOT NULL CHECK (access_level IN (10, 20, 30, 40, 50)),
    created_at   TEXT NOT NULL,
    PRIMARY KEY (project_id, user_id)
);

CREATE TABLE stars (
    user_id    INTEGER NOT NULL REFERENCES users(id),
    project_id INTEGER NOT NULL REFERENCES projects(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, project_id)
);

CREATE TABLE follows (
    follower_id INTEGER NOT NULL REFERENCES users(id),
    followee_id INTEGER NOT NULL REFERENCES users(id),
    created_at  TEXT NOT NULL,
    PRIMARY KEY (follower_id, followee_id),
    CHECK (follower_id <> followee_id)
);

CREATE TABLE branches (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (project_id, name)
);

CREATE TABLE commits (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects(id),
    sha          TEXT NOT NULL UNIQUE,
    branch       TEXT NOT NULL DEFAULT 'main',
    title        TEXT NOT NULL,
    message      TEXT NOT NULL DEFAULT '',
    author_name  TEXT NOT NULL,
    author_email TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX commits_by_project ON commits (project_id, created_at);

-- The files of each project's default branch (other branches exist for merge requests only).
CREATE TABLE repo_files (
    id             INTEGER PRIMARY KEY,
    project_id     INTEGER NOT NULL REFERENCES projects(id),
    path           TEXT NOT NULL,
    content        TEXT NOT NULL,
    last_commit_id INTEGER REFERENCES commits(id),
    UNIQUE (project_id, path)
);

CREATE TABLE labels (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects(id),
    title       TEXT NOT NULL,
    color       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    UNIQUE (project_id, title)
);

CREATE TABLE milestones (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects(id),
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    state       TEXT NOT NULL CHECK (state IN ('active', 'closed')),
    due_date    TEXT,
    created_at  TEXT NOT NULL,
    UNIQUE (project_id, title)
);

CREATE TABLE issues (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects(id),
    iid          INTEGER NOT NULL,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    author_id    INTEGER NOT NULL REFERENCES users(id),
    assignee_id  INTEGER REFERENCES users(id),
    milestone_id INTEGER REFERENCES milestones(id),
    state        TEXT NOT NULL CHECK (state IN ('opened', 'closed')),
    due_date     TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    closed_at    TEXT,
    UNIQUE (project_id, iid)
);

CREATE TABLE issue_labels (
    issue_id INTEGER NOT NULL REFERENCES issues(id),
    label_id INTEGER NOT NULL REFERENCES labels(id),
    PRIMARY KEY (issue_id, label_id)
);

CREATE TABLE merge_requests (
    id            INTEGER PRIMARY KEY,
    project_id    INTEGER NOT NULL REFERENCES projects(id),
    iid           INTEGER NOT NULL,
    title         TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    author_id     INTEGER NOT NULL REFERENCES users(id),
    assignee_id   INTEGER REFERENCES users(id),
    milestone_id  INTEGER REFERENCES milestones(id),
    state         TEXT NOT NULL CHECK (state IN ('opened', 'closed', 'merged')),
    source_branch TEXT NOT NULL,
    target_branch TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    merged_at     TEXT,
    closed_at     TEXT,
    UNIQUE (project_id, iid)
);

CREATE TABLE mr_labels (
    mr_id    INTEGER NOT NULL REFERENCES merge_requests(id),
    label_id INTEGER NOT NULL REFERENCES labels(id),
    PRIMARY KEY (mr_id, label_id)
);

CREATE TABLE mr_reviewers (
    mr_id   INTEGER NOT NULL REFERENCES merge_requests(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (mr_id, user_id)
);

CREATE TABLE mr_approvals (
    mr_id      INTEGER NOT NULL REFERENCES merge_requests(id),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (mr_id, user_id)
);

-- Comments and system notes ("added bug label") on issues and merge requests, in timeline order.
CREATE TABLE notes (
    id            INTEGER PRIMARY KEY,
    noteable_type TEXT NOT NULL CHECK (noteable_type IN ('issue', 'merge_request')),
    noteable_id   INTEGER NOT NULL,
    author_id     INTEGER NOT NULL REFERENCES users(id),
    body          TEXT NOT NULL,
    system        INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);
CREATE INDEX notes_by_noteable ON notes (noteable_type, noteable_id, created_at);
