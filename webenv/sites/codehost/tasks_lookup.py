"""Information-seeking code host tasks: answers (string_match) and "show me" pages (url_match).

Every expected answer is read from the seed database through `queries`, and every subject is checked to make the
question well-posed (no ties at a "top N" boundary, a count that is not zero, a list that fits on one page).
"""

from __future__ import annotations

from typing import Any

from webenv.answers import code, count, name, names, neighbours, not_achievable, yes_no
from webenv.sites.codehost import queries
from webenv.sites.codehost.clock import parse
from webenv.sites.codehost.queries import Row
from webenv.sites.codehost.task_kit import HOME, finish, task, tracker_page
from webenv.sites.codehost.task_steps import ME, World, open_project
from webenv.tasks.authoring import (
    Plan,
    Split,
    Template,
    click,
    select,
    stable_fraction,
    string_eval,
    type_into,
    url_eval,
)
from webenv.url_sets import page

Task = dict[str, Any]


def _public_projects(world: World, count: int, salt: str) -> list[Row]:
    """Public projects in a stable pseudo-random order (where training instances come from)."""
    found, _total = queries.list_projects(world.conn, world.me["id"], scope="all", limit=1000)
    public = [p for p in found if p["visibility"] == "public"]
    return sorted(public, key=lambda p: stable_fraction(salt, p["full_path"]))[:count]


def issue_label_counts(world: World) -> list[Task]:
    template = Template(4000, "How many open issues labelled {{label}} does the {{project}} project have?")
    cases = [("a11yproject/a11yproject.com", "bug"), ("kkroening/ffmpeg-python", "enhancement")]
    more = [(p["full_path"], label["title"]) for p in _public_projects(world, 12, "4000")
            for label in queries.labels(world.conn, p["id"])[:2] if label["open_issues"]]  # training instances

    def make(case: tuple[str, str], split: Split) -> Task:
        full_path, label = case
        project = world.project(full_path)
        found = queries.open_issue_count(world.conn, project, label)
        assert found > 0, f"{full_path} has no open {label} issues"
        plan = Plan()
        open_project(plan, world, project)
        plan.step("The issue list's filter form narrows open issues to one label and reports how many match.",
                  f"Open the project's issues and filter them by the label '{label}'",
                  click("link", "Issues"), select("Label", label), click("button", "Apply filters"),
                  notes=[f"{found} open issues are labelled {label}"])
        # Distractors: off by one, and the project's open issues whatever their label.
        every = queries.open_issue_count(world.conn, project)
        wrong = [*neighbours(count(found), -1, 1), *([count(every)] if every != found else [])]
        return task(template.id, template.text, {"label": label, "project": project["name"]},
                    string_eval(count(found), exclude=wrong), finish(plan, str(found)), split=split)

    return template.tasks([*cases, *(c for c in more if c not in cases)], make, test=len(cases))


def top_committers(world: World) -> list[Task]:
    template = Template(4001, "Who has made the most commits to the {{project}} project?")
    cases = ["eriklindernoren/PyTorch-GAN", "koush/AndroidAsync"]
    more = [p["full_path"] for p in _public_projects(world, 14, "4001") if p["full_path"] not in cases]

    def make(full_path: str, split: Split) -> Task:
        project = world.project(full_path)
        ranking = queries.contributors(world.conn, project["id"])
        assert ranking[0]["commits"] > ranking[1]["commits"], f"{full_path}: tie for most commits"
        top = ranking[0]
        plan = Plan()
        open_project(plan, world, project)
        plan.step("Contributors ranks commit authors by number of commits, most first.",
                  "Open the Contributors page and read the first row",
                  click("link", "Contributors"), notes=[f"{top['name']} made {top['commits']} commits, the most"])
        return task(template.id, template.text, {"project": project["name"]},
                    string_eval(name(top["name"]), exclude=[name(r["name"]) for r in ranking[1:4]]),
                    finish(plan, top["name"]), split=split)

    return template.tasks([*cases, *more], make, test=len(cases))


def most_starred_names(world: World) -> list[Task]:
    template = "What are the names of the top {{n}} most starred projects on this GitLab?"
    tasks = []
    for n in (3, 5):
        ranking = queries.most_starred(world.conn, n + 3)
        assert ranking[n - 1]["star_count"] > ranking[n]["star_count"], f"tie at the top-{n} boundary"
        top = [p["name"] for p in ranking[:n]]
        plan = Plan()
        plan.step("Explore lists every project; its Most starred tab orders them by stars, highest first.",
                  "Open Explore and switch to the Most starred tab",
                  click("link", "Explore projects"), click("link", "Most starred"),
                  notes=["Most starred: " + ", ".join(f"{p['name']} ({p['star_count']})" for p in ranking[:n])])
        # Distractors: the projects ranked just below the top n.
        tasks.append(task(
            4002, template, {"n": n},
            string_eval(names(top), exclude=[name(p["name"]) for p in ranking[n:]]), finish(plan, ", ".join(top))))
    return tasks


def my_open_merge_requests(world: World) -> list[Task]:
    template = "List the titles of the open merge requests {{relation}}"
    tasks = []
    for relation, link, kind in (("that are waiting for my review", "Review requests for you", "reviewer"),
                                 ("assigned to me", "Merge requests assigned to you", "assignee")):
        found = queries.open_merge_requests(world.conn, **{kind: ME})
        assert 0 < len(found) <= 20, f"{len(found)} merge requests do not fit one page"
        titles = [mr["title"] for mr in found]
        other = "assignee" if kind == "reviewer" else "reviewer"
        near_misses = [mr["title"] for mr in queries.open_merge_requests(world.conn, **{other: ME})
                       if mr["title"] not in titles]
        plan = Plan()
        plan.step("The top bar links straight to this dashboard list.", f"Open '{link}' from the top bar",
                  click("link", link), notes=[f"{len(titles)} open merge requests: " + "; ".join(titles)])
        tasks.append(task(
            4003, template, {"relation": relation},
            # Distractors: the open merge requests of the other list (assigned vs. waiting for review).
            string_eval(names(titles), exclude=[name(t) for t in near_misses], raw="; ".join(titles)),
            finish(plan, "; ".join(titles))))
    return tasks


def labelled_issue_lists(world: World) -> list[Task]:
    template = "Display the open issues of {{project}} that are labelled {{label}}"
    tasks = []
    for full_path, label in (("a11yproject/a11yproject.com", "good first issue"), ("primer/design", "bug")):
        project = world.project(full_path)
        assert queries.label_by_title(world.conn, project["id"], label), f"{full_path} has no {label} label"
        plan = Plan()
        open_project(plan, world, project)
        plan.step("The filtered list is the page the task wants on screen.",
                  f"Open the issues and filter them by the label '{label}'",
                  click("link", "Issues"), select("Label", label), click("button", "Apply filters"))
        tasks.append(task(
            4004, template, {"project": project["name"], "label": label},
            url_eval(tracker_page(f"/{full_path}/-/issues", [("label_name[]", label)])), finish(plan)))
    return tasks


def dashboard_lists(world: World) -> list[Task]:
    template = "Checkout {{what}}"
    tasks = []
    for what, link, path, pairs in (
        ("merge requests requiring my review", "Review requests for you", "/dashboard/merge_requests",
         [("reviewer_username", ME)]),
        ("merge requests assigned to me", "Merge requests assigned to you", "/dashboard/merge_requests",
         [("assignee_username", ME)]),
        ("issues assigned to me", "Issues assigned to you", "/dashboard/issues", [("assignee_username", ME)]),
    ):
        plan = Plan().step("The top bar has a direct link to exactly this list.", f"Open '{link}' from the top bar",
                           click("link", link))
        tasks.append(task(4005, template, {"what": what}, url_eval(tracker_page(path, pairs)), finish(plan)))
    return tasks


def latest_issue_state(world: World) -> list[Task]:
    template = ("Open my latest created issue that has {{keyword}} in its title to check if it is closed. "
                "Answer yes or no.")
    tasks = []
    for keyword in ("homepage content", "contrast"):
        issue = queries.latest_issue_by_author(world.conn, ME, keyword)
        assert issue is not None, f"{ME} opened no issue about {keyword}"
        answer = "Yes" if issue["state"] == "closed" else "No"
        plan = Plan()
        plan.step("The dashboard issue list can show issues from all projects; closed ones count too.",
                  "Open my issues list and show issues in every state",
                  click("link", "Issues assigned to you"), click("link", "All"))
        plan.step("Clearing the assignee and setting me as author leaves the issues I created; the list is newest "
                  "first.",
                  f"Filter for issues I authored that mention '{keyword}'",
                  select("Assignee", "Any assignee"), select("Author", world.me["name"]),
                  type_into("searchbox", "Search or filter results", keyword), click("button", "Apply filters"))
        plan.step("The search also matches descriptions, so pick the first result with the keyword in its title.",
                  f"Open the newest issue whose title contains '{keyword}'",
                  click("link", issue["title"]),
                  notes=[f"'{issue['title']}' is {'closed' if answer == 'Yes' else 'open'}"])
        tasks.append(task(
            4017, template, {"keyword": keyword},
            string_eval(yes_no(answer == "Yes"), must_include=[answer], raw=answer,
                        reference_url=page(f"{HOME}/{issue['project_full_path']}/-/issues/{issue['iid']}")),
            finish(plan, answer)))
    return tasks


def project_collaborators(world: World) -> list[Task]:
    template = "Who else has access to my repo {{project}}? Show me their usernames"
    tasks = []
    for full_path in ("byteblaze/gimmiethat.space", "byteblaze/a11y-webring.club"):
        project = world.project(full_path)
        others = [m["username"] for m in queries.project_members(world.conn, project) if m["username"] != ME]
        assert others, f"nobody else has access to {full_path}"
        plan = Plan()
        open_project(plan, world, project)
        plan.step("The members table lists everyone with access and their @username.",
                  "Open the Members page and read the usernames other than mine",
                  click("link", "Members"), notes=["Other members: " + ", ".join(others)])
        # Distractors: who has access to the other repository but not to this one.
        elsewhere = {m["username"] for path in ("byteblaze/gimmiethat.space", "byteblaze/a11y-webring.club")
                     for m in queries.project_members(world.conn, world.project(path))} - {*others, ME}
        tasks.append(task(
            4019, template, {"project": project["name"]},
            string_eval([code(u) for u in others], exclude=[code(u) for u in sorted(elsewhere)],
                        must_include=others, raw=", ".join(others)), finish(plan, ", ".join(others))))
    return tasks


def commits_on_a_day(world: World) -> list[Task]:
    template = "How many commits did {{name}} make to {{project}} on {{date}}?"
    project = world.project("a11yproject/a11yproject.com")
    author = "Kilian Valkhof"
    days = queries.commits_per_day(world.conn, project["id"], author)
    _, total = queries.commits(world.conn, project["id"], author=author, limit=1)
    assert days and total <= 40, "the author's commits must fit one commits page"
    day = parse(days[0]["day"])
    date_text = f"{day.month}/{day.day}/{day.year}"
    made = days[0]["commits"]
    plan = Plan()
    open_project(plan, world, project)
    plan.step("Commits are grouped by day; narrowing to one author leaves only the days that matter.",
              f"Open Commits and filter them to {author}'s",
              click("link", "Commits"), select("Author", author), click("button", "Filter"),
              notes=[f"{author} made {made} commits on {date_text}"])
    # Distractors: off by one, the author's commits on other days, and all of the author's commits.
    wrong = {*(d["commits"] for d in days[1:]), total, made - 1, made + 1} - {made}
    return [task(
        4022, template, {"name": author, "project": project["name"], "date": date_text},
        string_eval(count(made), exclude=[count(n) for n in sorted(wrong) if n >= 0]), finish(plan, str(made)))]


def star_counts(world: World) -> list[Task]:
    template = "How many stars does the {{project}} project have?"
    project = world.project("thoughtbot/administrate")
    plan = Plan()
    open_project(plan, world, project)
    plan.note(f"The overview shows {project['star_count']} stars next to the Star button")
    answerable = task(
        4023, template, {"project": project["name"]},
        string_eval(count(project["star_count"]), exclude=neighbours(count(project["star_count"]), -1, 1)),
        finish(plan, str(project["star_count"])))
    missing = "tensorflow"
    assert not queries.list_projects(world.conn, world.me["id"], search=missing, limit=1)[1]
    plan = Plan()
    plan.step("Every project this GitLab hosts is listed in Explore.", f"Search Explore for '{missing}'",
              click("link", "Explore projects"), type_into("searchbox", "Filter by name", missing, enter=True),
              notes=[f"No project matches '{missing}'"])
    unanswerable = task(
        4023, template, {"project": missing},
        string_eval(not_achievable(), fuzzy="N/A", raw="N/A", note=f"There is no {missing} project on this GitLab"),
        finish(plan, "N/A", reasoning="The project does not exist here, so the question cannot be answered."))
    return [answerable, unanswerable]


BUILDERS = (issue_label_counts, top_committers, most_starred_names, my_open_merge_requests, labelled_issue_lists,
            dashboard_lists, latest_issue_state, project_collaborators, commits_on_a_day, star_counts)
