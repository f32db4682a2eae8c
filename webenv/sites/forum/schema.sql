-- The forum's tables, shaped after Postmill's (users, forums, submissions, comments, votes, subscriptions).
-- Scores are never stored: they are sums over the vote tables, so a vote can never leave a stale score behind.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_salt TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    biography     TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL
);

CREATE TABLE forums (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    sidebar     TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);

CREATE TABLE moderators (
    forum_id INTEGER NOT NULL REFERENCES forums(id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (forum_id, user_id)
);

CREATE TABLE subscriptions (
    forum_id INTEGER NOT NULL REFERENCES forums(id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (forum_id, user_id)
);

CREATE TABLE submissions (
    id         INTEGER PRIMARY KEY,
    forum_id   INTEGER NOT NULL REFERENCES forums(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    url        TEXT,
    body       TEXT,
    created_at TEXT NOT NULL,
    edited_at  TEXT
);
CREATE INDEX submissions_forum ON submissions(forum_id, created_at);
CREATE INDEX submissions_user ON submissions(user_id);

CREATE TABLE comments (
    id            INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    parent_id     INTEGER REFERENCES comments(id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    body          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    edited_at     TEXT
);
CREATE INDEX comments_submission ON comments(submission_id);
CREATE INDEX comments_user ON comments(user_id);

CREATE TABLE submission_votes (
    submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    choice        INTEGER NOT NULL CHECK (choice IN (-1, 1)),
    PRIMARY KEY (submission_id, user_id)
);

CREATE TABLE comment_votes (
    comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    choice     INTEGER NOT NULL CHECK (choice IN (-1, 1)),
    PRIMARY KEY (comment_id, user_id)
);
