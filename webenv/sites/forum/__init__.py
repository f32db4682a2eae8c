"""The forum: a Postmill-like link aggregator standing in for WebArena's "reddit" site.

Postmill's URL scheme and the CSS classes WebArena's evaluators read (`.submission__inner`, `.submission__body`,
`div.submission__vote form.vote--user-upvoted`, `.comment__body`, `.user-bio__biography`, `#forum_description`,
`#forum_sidebar`, `#sidebar > section`) are kept, so WebArena-style `program_html` checks read naturally here.

Accounts (password `test1234` for all three; listed in `seed_data/accounts.json`, which the seed also reads):
- `MarvelsGrantMan136` — the default account tasks run as: an ordinary user with five posts of its own
  (books, gadgets, movies, nyc, television), subscribed to books, movies and television, no votes, moderates
  nothing.
- `quietlibrarian` — moderator of /f/books (can open `/f/books/edit`).
- `CameronKelsey` — an ordinary user with landscape photos in /f/EarthPorn.
Every other seeded user has an unguessable random password.
"""

from __future__ import annotations

import json
from pathlib import Path

from webenv.sites import Account, LoginForm, SiteSpec, lazy

_ACCOUNTS_FILE = Path(__file__).parent / "seed_data" / "accounts.json"


def _accounts() -> tuple[Account, ...]:
    raw = json.loads(_ACCOUNTS_FILE.read_text())
    return tuple(Account(item["username"], item["password"], item["role"]) for item in raw)


FORUM = SiteSpec(
    name="reddit",
    placeholder="__REDDIT__",
    database="forum",
    build_database=lazy("webenv.sites.forum.seed", "build_database"),
    create_app=lazy("webenv.sites.forum.app", "create_app"),
    cookie_name="forum_session",
    login=LoginForm(path="/login_check", username_field="_username", password_field="_password"),
    accounts=_accounts(),
    build_tasks=lazy("webenv.sites.forum.task_set", "build_tasks"),
    title="forum",
    summary="21 forums, 787 posts, 4,149 comments, votes, profiles with bios, submit",
    perf_pages=("/", "/f/books"),
)

SPECS = (FORUM,)
