"""Long code host tasks (12-30 reference actions): aggregation over several projects or pages, and edits that are
configured and then verified, or that a form first rejects.

These are the tasks a plan earns its keep on: partial results (one count per project, the rows of each page that
pass a threshold) must be carried in the plan's notes until the last page is read, and edits come in an order
(create, then configure, then check the filtered list). Subjects and answers are read from the seed through
`queries`; every instance is checked to be well-posed (a unique winner, a name that is really taken).
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

from webenv.answers import count, name
from webenv.sites.codehost import queries, writes
from webenv.sites.codehost.filters import TrackerQuery
from webenv.sites.codehost.queries import Row
from webenv.sites.codehost.task_kit import HOME, finish, task, tracker_page
from webenv.sites.codehost.task_steps import ME, World
from webenv.sites.codehost.views.tracker import PAGE_SIZE
from webenv.sites.common import rows
from webenv.tasks.authoring import (
    Plan,
    Split,
    Template,
    click,
    html_check,
    html_eval,
    select,
    stable_fraction,
    string_eval,
    type_into,
)

Task = dict[str, Any]
COMPARED_LABELS = ("bug", "feature", "enhancement", "documentation", "question")
# Training candidates per long template: enough to teach the shape, few enough that an oracle sweep over the
# training pool stays affordable (each of these tasks takes 16-25 actions).
TRAINING_PER_TEMPLATE = 24


def open_project_anywhere(plan: Plan, world: World, project: Row) -> None:
    """From any page: my projects through "Your projects", any other project through Explore's name filter."""
    if world.is_mine(project):
        assert project["full_path"] in world.dashboard, f"{project['full_path']} is not on the dashboard's first page"
        plan.step("I am a member of this project, so my projects list has it.",
                  f"Open {project['name_with_namespace']} from Your projects",
                  click("link", "Your projects"), click("link", project["name_with_namespace"]))
    else:
        plan.step("I am not a member of this project; Explore finds every public project by name.",
                  f"Search Explore for '{project['name']}' and open {project['name_with_namespace']}",
                  click("link", "Explore projects"),
                  type_into("searchbox", "Filter by name", project["name"], enter=True),
                  click("link", project["name_with_namespace"]))


def _others(world: World) -> list[Row]:
    """Public projects I am not a member of that have issues, in a stable order (subjects of comparisons)."""
    found, _ = queries.list_projects(world.conn, world.me["id"], scope="all", limit=1000)
    chosen = [p for p in found if p["visibility"] == "public" and not world.is_mine(p)
              and queries.open_issue_count(world.conn, p) >= 3]
    return sorted(chosen, key=lambda p: p["full_path"])


def _label_count_steps(plan: Plan, world: World, project: Row, label: str, found: int) -> None:
    open_project_anywhere(plan, world, project)
    plan.step("The issue list's label filter reports how many open issues carry the label.",
              f"Open the issues of {project['name']} and filter them by the label '{label}'",
              click("link", "Issues"), select("Label", label), click("button", "Apply filters"),
              notes=[f"{project['name_with_namespace']}: {found} open {label} issues"])


def _comparison_cases(world: World, tests: list[tuple[tuple[str, ...], str]], salt: str,
                      limit: int) -> list[tuple[tuple[str, ...], str]]:
    """Training candidates: sets of as many projects as the test questions compare, and a label, in a stable
    pseudo-random order; the same projects and label as a test question (in any order) are left out."""
    size = len(tests[0][0])
    asked = {(frozenset(paths), label) for paths, label in tests}
    paths = [p["full_path"] for p in _others(world)]
    cases = [(group, label) for group in combinations(paths, size) for label in COMPARED_LABELS
             if (frozenset(group), label) not in asked]
    return sorted(cases, key=lambda c: stable_fraction(salt, c))[:limit]


def _listed(projects: list[Row]) -> str:
    names = [p["name"] for p in projects]
    return ", ".join(names[:-1]) + " and " + names[-1]


def most_labelled_project(world: World) -> list[Task]:
    template = Template(4030, "Which of the projects {{projects}} has the most open issues labelled {{label}}?")
    cases = [(("facebook/create-react-app", "keycloak/keycloak", "thoughtbot/administrate",
               "umano/AndroidSlidingUpPanel"), "bug"),
             (("bblanchon/ArduinoJson", "keycloak/keycloak", "koush/AndroidAsync", "vinta/awesome-python"), "feature"),
             (("keycloak/keycloak", "bblanchon/ArduinoJson", "facebook/create-react-app", "koush/AndroidAsync"),
              "question"),
             (("umano/AndroidSlidingUpPanel", "thoughtbot/administrate", "vinta/awesome-python",
               "bblanchon/ArduinoJson"), "feature"),
             (("thoughtbot/administrate", "koush/AndroidAsync", "keycloak/keycloak", "bblanchon/ArduinoJson"),
              "enhancement")]

    def make(case: tuple[tuple[str, ...], str], split: Split) -> Task:
        paths, label = case
        projects = [world.project(p) for p in paths]
        found = {p["full_path"]: queries.open_issue_count(world.conn, p, label) for p in projects}
        ranking = sorted(projects, key=lambda p: -found[p["full_path"]])
        best, second = found[ranking[0]["full_path"]], found[ranking[1]["full_path"]]
        assert best > second, f"{paths} {label}: tie for the most open {label} issues"
        plan = Plan()
        for project in projects:
            _label_count_steps(plan, world, project, label, found[project["full_path"]])
        winner = ranking[0]["name"]
        return task(template.id, template.text, {"projects": _listed(projects), "label": label},
                    # Distractors: every other project of the question (the runner-up among them).
                    string_eval(name(winner), exclude=[name(p["name"]) for p in ranking[1:]]),
                    finish(plan, winner, reasoning=f"{winner} has {best} open {label} issues, more than any other."),
                    split=split)

    training = _comparison_cases(world, cases, "4030", TRAINING_PER_TEMPLATE)
    return template.tasks([*cases, *training], make, test=len(cases))


def label_total_over_projects(world: World) -> list[Task]:
    template = Template(4031, "How many open issues labelled {{label}} do the projects {{projects}} have altogether?")
    cases = [(("facebook/create-react-app", "keycloak/keycloak", "umano/AndroidSlidingUpPanel",
               "bblanchon/ArduinoJson"), "bug"),
             (("thoughtbot/administrate", "koush/AndroidAsync", "facebook/create-react-app",
               "vinta/awesome-python"), "enhancement"),
             (("vinta/awesome-python", "keycloak/keycloak", "thoughtbot/administrate",
               "umano/AndroidSlidingUpPanel"), "documentation"),
             (("bblanchon/ArduinoJson", "koush/AndroidAsync", "facebook/create-react-app",
               "vinta/awesome-python"), "feature"),
             (("koush/AndroidAsync", "umano/AndroidSlidingUpPanel", "keycloak/keycloak", "thoughtbot/administrate"),
              "question")]

    def make(case: tuple[tuple[str, ...], str], split: Split) -> Task:
        paths, label = case
        projects = [world.project(p) for p in paths]
        found = [queries.open_issue_count(world.conn, p, label) for p in projects]
        total = sum(found)
        assert total > 0 and min(found) > 0, f"{paths} {label}: a project without {label} issues"
        plan = Plan()
        for project, n in zip(projects, found):
            _label_count_steps(plan, world, project, label, n)
        # Distractors: the total with one project forgotten, off by one, and the largest single count.
        wrong = {total - n for n in found} | {total - 1, total + 1, max(found)}
        return task(template.id, template.text, {"projects": _listed(projects), "label": label},
                    string_eval(count(total), exclude=[count(n) for n in sorted(wrong - {total})]),
                    finish(plan, str(total), reasoning=" + ".join(map(str, found)) + f" = {total}."), split=split)

    training = _comparison_cases(world, cases, "4031", TRAINING_PER_TEMPLATE)
    return template.tasks([*cases, *training], make, test=len(cases))


def _all_items(world: World, kind: str, project: Row) -> list[Row]:
    """Every issue or merge request of a project, in the order the All tab lists them (newest first)."""
    return queries.tracker_items(world.conn, TrackerQuery(kind=kind, state="all"), project["id"], None, limit=10000)  # type: ignore[arg-type]


def _page_through(plan: Plan, items: list[Row], what: str, threshold: int) -> int:
    """Read every page of a list (on its first page already): note the qualifying rows page by page."""
    found = 0
    pages = max(1, -(-len(items) // PAGE_SIZE))
    for number in range(1, pages + 1):
        chunk = items[(number - 1) * PAGE_SIZE:number * PAGE_SIZE]
        hits = [it for it in chunk if it["comment_count"] >= threshold]
        found += len(hits)
        fact = (f"{what} page {number} of {pages}: {len(hits)} with {threshold}+ comments"
                + (f" ({'; '.join(h['title'] for h in hits)})" if hits else "") + f"; {found} so far")
        if number == 1:
            plan.note(fact)
        else:
            plan.step("The list continues; every page must be read before the count is known.",
                      f"Go to page {number} of the {what}", click("link", "Next"), notes=[fact])
    return found


def much_discussed_items(world: World) -> list[Task]:
    template = Template(4032, "How many issues and merge requests of {{project}}, in any state, have at least "
                              "{{n}} comments?", held_out=True)
    cases = [("a11yproject/a11yproject.com", 3), ("facebook/create-react-app", 4), ("kkroening/ffmpeg-python", 3),
             ("keycloak/keycloak", 4)]

    def make(case: tuple[str, int], split: Split) -> Task:
        full_path, n = case
        project = world.project(full_path)
        issues, mrs = _all_items(world, "issue", project), _all_items(world, "merge_request", project)
        assert len(issues) > 2 * PAGE_SIZE, f"{full_path}: the issue list must span three pages"
        plan = Plan()
        open_project_anywhere(plan, world, project)
        plan.step("Closed issues count too, so the All tab; the comment count is on every row.",
                  "Open the issues and switch to the All tab", click("link", "Issues"), click("link", "All"))
        on_issues = _page_through(plan, issues, "issues", n)
        plan.step("Merge requests are counted the same way, in every state.",
                  "Open the merge requests and switch to the All tab", click("link", "Merge requests"),
                  click("link", "All"))
        on_mrs = _page_through(plan, mrs, "merge requests", n)
        total = on_issues + on_mrs
        assert on_issues and on_mrs, f"{full_path}: nothing to add up on one of the lists"
        # Distractors: one list only, and the counts at the neighbouring thresholds.
        at = lambda m: sum(1 for it in [*issues, *mrs] if it["comment_count"] >= m)  # noqa: E731
        wrong = {on_issues, on_mrs, at(n - 1), at(n + 1), total - 1, total + 1} - {total}
        return task(template.id, template.text, {"project": project["name"], "n": n},
                    string_eval(count(total), exclude=[count(v) for v in sorted(wrong)]),
                    finish(plan, str(total), reasoning=f"{on_issues} issues + {on_mrs} merge requests = {total}."),
                    split=split)

    return template.tasks(cases, make, test=len(cases))


NEW_ISSUE_TITLES = ("Audit heading levels on the contributor guide", "Add skip link to the print stylesheet",
                    "Check alt text of the newsletter archive", "Review focus order of the search dialog",
                    "Describe reduced motion settings in the FAQ", "Label icon-only buttons in the footer",
                    "Test the glossary with a screen reader", "Explain error summaries in form patterns")


def configured_issue(world: World) -> list[Task]:
    template = Template(4033, 'Create an issue titled "{{title}}" in {{project}}, then label it {{label}}, assign it '
                              "to {{assignee}} and add it to the {{milestone}} milestone. Finish on the project's "
                              "list of open issues filtered by that label, assignee and milestone.")
    cases = [("a11yproject/a11yproject.com", NEW_ISSUE_TITLES[0], "documentation", "kilian", "Content audit"),
             ("a11yproject/a11yproject.com", NEW_ISSUE_TITLES[1], "bug", "gokafor", "2023 redesign"),
             ("a11yproject/a11yproject.com", NEW_ISSUE_TITLES[2], "content", "aisharahman", "Content audit"),
             ("primer/design", NEW_ISSUE_TITLES[3], "enhancement", "sofiamarchetti", "Q2 docs refresh")]

    def training_cases() -> list[tuple[str, str, str, str, str]]:
        found = []
        for full_path in ("a11yproject/a11yproject.com", "primer/design"):
            project = world.project(full_path)
            people = [m["username"] for m in queries.assignable_users(world.conn, project)]
            for title in NEW_ISSUE_TITLES[4:]:
                for label in ("bug", "feature", "question"):
                    for milestone in queries.milestones(world.conn, project["id"]):
                        person = people[int(stable_fraction("4033", title, label) * len(people))]
                        found.append((full_path, title, label, person, milestone["title"]))
        return sorted(found, key=lambda c: stable_fraction("4033", c))[:TRAINING_PER_TEMPLATE // 2]

    def make(case: tuple[str, str, str, str, str], split: Split) -> Task:
        full_path, title, label, username, milestone = case
        project = world.project(full_path)
        assert queries.label_by_title(world.conn, project["id"], label), f"{full_path} has no label {label}"
        active = {m["title"] for m in queries.milestones(world.conn, project["id"])}
        assert milestone in active, f"{full_path} has no active milestone {milestone}"
        person = queries.user_by_username(world.conn, username)
        assert person is not None and queries.access_level(world.conn, project, person["id"]), "not a member"
        assert not rows(world.conn, "SELECT 1 FROM issues WHERE project_id = ? AND title = ?", project["id"], title)
        iid = queries.next_iid(world.conn, "issue", project["id"])
        plan = Plan()
        open_project_anywhere(plan, world, project)
        plan.step("New issue is at the top of the project's issue list; the title is all it needs to be created.",
                  "Open Issues, start a new issue, type the title and create it",
                  click("link", "Issues"), click("link", "New issue"), type_into("textbox", "Title", title),
                  click("button", "Create issue"), notes=[f"Created issue #{iid}"])
        plan.step("The issue's sidebar changes one attribute per form.", f"Add the label {label}",
                  select("Add a label", label), click("button", "Add label"))
        plan.step("The assignee form is also in the sidebar.", f"Assign it to {person['name']}",
                  select("Change assignee", person["name"]), click("button", "Save assignee"))
        plan.step("The milestone form is the last sidebar change.", f"Set the milestone {milestone}",
                  select("Change milestone", milestone), click("button", "Set milestone"))
        plan.step("The filtered open issues list must show the new issue; that page is where the task ends.",
                  "Open the issues list and filter by the label, assignee and milestone",
                  click("link", "Issues"), select("Label", label), select("Assignee", person["name"]),
                  select("Milestone", milestone), click("button", "Apply filters"))
        base = f"{HOME}/{full_path}/-/issues/{iid}"
        return task(
            template.id, template.text,
            {"title": title, "project": project["name"], "label": label, "assignee": username, "milestone": milestone},
            html_eval(
                html_check(base, "document.querySelector('[data-qa-selector=\"title_content\"]').outerText",
                           exact_match=title),
                html_check(base, "document.querySelector('.block.labels').outerText", must_include=[label]),
                html_check(base, "document.querySelector('.block.assignee').outerText",
                           must_include=[f"@{username}"]),
                html_check(base, "document.querySelector('.block.milestone').outerText", must_include=[milestone]),
                html_check("last", "", must_include=[title]),
                reference_url=tracker_page(f"/{full_path}/-/issues", [("label_name[]", label),
                                                                       ("milestone_title", milestone),
                                                                       ("assignee_username", username)]),
            ),
            finish(plan), split=split, require_reset=True)

    return template.tasks([*cases, *training_cases()], make, test=len(cases))


ROLE_SETS = (("Developer", "Reporter", "Guest"), ("Maintainer", "Developer", "Reporter"),
             ("Reporter", "Guest", "Developer"), ("Developer", "Developer", "Reporter"))


def project_with_members(world: World) -> list[Task]:
    template = Template(4034, 'Create a private project named "{{name}}" in my namespace; if that name is already '
                              'taken, name it "{{name}}-2" instead. Then give {{people}} access to it, in that order '
                              "with the roles {{roles}}.", held_out=True)
    cases = [("dotfiles", ("vinta", "kilian", "lnowak")), ("timecard", ("abisubramanya27", "noahb", "hannahkim")),
             ("empathy-prompts", ("priyapatel", "oliverq", "gokafor")),
             ("cloud-to-butt", ("ericwbailey", "zoe-carter", "rafaelcosta"))]

    def make(case: tuple[str, tuple[str, ...]], split: Split) -> Task:
        wanted, usernames = case
        assert queries.project_by_path(world.conn, ME, writes.project_slug(wanted)) is not None, f"{wanted} is free"
        actual = f"{wanted}-2"
        assert queries.project_by_path(world.conn, ME, writes.project_slug(actual)) is None, f"{actual} is taken"
        role_set = ROLE_SETS[cases.index(case) % len(ROLE_SETS)]
        people = [queries.user_by_username(world.conn, u) for u in usernames]
        assert all(people), f"unknown users in {usernames}"
        plan = Plan()
        plan.step("Trying the wanted name first: the form says whether it is taken.",
                  f"Open New project and try the name '{wanted}' (Private is preselected)",
                  click("link", "New project"), type_into("textbox", "Project name", wanted),
                  click("button", "Create project"), notes=[f"'{wanted}' is already taken in {ME}'s namespace"])
        plan.step("The task says to fall back to the -2 name; the form kept the other fields.",
                  f"Rename it to '{actual}' and create the project",
                  type_into("textbox", "Project name", actual), click("button", "Create project"))
        plan.step("Members are added from the project's Members page.", "Open Members", click("link", "Members"))
        for person, role in zip(people, role_set):
            assert person is not None
            plan.step("The invite form takes a username and a role.", f"Invite {person['username']} as {role}",
                      type_into("textbox", "Username or email", person["username"]), select("Select a role", role),
                      click("button", "Invite"))
        members_page = f"{HOME}/{ME}/{writes.project_slug(actual)}/-/project_members"
        return task(
            template.id, template.text,
            {"name": wanted, "people": _listed_names([f"@{u}" for u in usernames]), "roles": _listed_names(role_set)},
            html_eval(
                html_check(f"{HOME}/{ME}/{writes.project_slug(actual)}",
                           "document.querySelector('.visibility-icon').getAttribute('title')",
                           must_include=["private"]),
                *(html_check(members_page, f"func:gitlab_get_project_memeber_role(__page__, '{u}')",
                             must_include=[role]) for u, role in zip(usernames, role_set)),
            ),
            finish(plan), split=split, require_reset=True)

    return template.tasks(cases, make, test=len(cases))


def _listed_names(items: tuple[str, ...] | list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1]


BUILDERS = (most_labelled_project, label_total_over_projects, much_discussed_items, configured_issue,
            project_with_members)
