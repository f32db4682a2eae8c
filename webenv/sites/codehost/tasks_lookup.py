"""Information-seeking code host tasks: answers (string_match) and "show me" pages (url_match).

Every expected answer is read from the seed database through `queries`, and every subject is checked to make the
question well-posed (no ties at a "top N" boundary, a count that is not zero, a list that fits on one page).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from webenv.sites.codehost import queries
from webenv.sites.codehost.clock import parse
from webenv.sites.codehost.task_kit import HOME, Plan, click, select, task_config, type_into
from webenv.sites.codehost.task_steps import ME, World, open_project

Task = dict[str, Any]


def issue_label_counts(world: World) -> list[Task]:
    template = "How many open issues labelled {{label}} does the {{project}} project have?"
    tasks = []
    for full_path, label in (("a11yproject/a11yproject.com", "bug"), ("kkroening/ffmpeg-python", "enhancement")):
        project = world.project(full_path)
        count = queries.open_issue_count(world.conn, project, label)
        assert count > 0, f"{full_path} has no open {label} issues"
        plan = Plan()
        open_project(plan, world, project)
        plan.step(f"Open the project's issues and filter them by the label '{label}'",
                  "The issue list's filter form narrows open issues to one label and reports how many match.",
                  click("link", "Issues"), select("Label", label), click("button", "Apply filters"),
                  note=f"{count} open issues are labelled {label}")
        tasks.append(task_config(
            template_id=4000, intent_template=template, instantiation={"label": label, "project": project["name"]},
            solution=plan.finish(str(count)), eval_types=["string_match"],
            reference_answers={"must_include": [str(count)]}, raw_annotation=str(count)))
    return tasks


def top_committers(world: World) -> list[Task]:
    template = "Who has made the most commits to the {{project}} project?"
    tasks = []
    for full_path in ("eriklindernoren/PyTorch-GAN", "koush/AndroidAsync"):
        project = world.project(full_path)
        ranking = queries.contributors(world.conn, project["id"])
        assert ranking[0]["commits"] > ranking[1]["commits"], f"{full_path}: tie for most commits"
        top = ranking[0]
        plan = Plan()
        open_project(plan, world, project)
        plan.step("Open the Contributors page and read the first row",
                  "Contributors ranks commit authors by number of commits, most first.",
                  click("link", "Contributors"), note=f"{top['name']} made {top['commits']} commits, the most")
        tasks.append(task_config(
            template_id=4001, intent_template=template, instantiation={"project": project["name"]},
            solution=plan.finish(top["name"]), eval_types=["string_match"],
            reference_answers={"must_include": [top["name"]]}, raw_annotation=top["name"]))
    return tasks


def most_starred_names(world: World) -> list[Task]:
    template = "What are the names of the top {{n}} most starred projects on this GitLab?"
    tasks = []
    for n in (3, 5):
        ranking = queries.most_starred(world.conn, n + 1)
        assert ranking[n - 1]["star_count"] > ranking[n]["star_count"], f"tie at the top-{n} boundary"
        names = [p["name"] for p in ranking[:n]]
        plan = Plan()
        plan.step("Open Explore and switch to the Most starred tab",
                  "Explore lists every project; its Most starred tab orders them by stars, highest first.",
                  click("link", "Explore projects"), click("link", "Most starred"),
                  note="Most starred: " + ", ".join(f"{p['name']} ({p['star_count']})" for p in ranking[:n]))
        tasks.append(task_config(
            template_id=4002, intent_template=template, instantiation={"n": n},
            solution=plan.finish(", ".join(names)), eval_types=["string_match"],
            reference_answers={"must_include": names}, raw_annotation=", ".join(names)))
    return tasks


def my_open_merge_requests(world: World) -> list[Task]:
    template = "List the titles of the open merge requests {{relation}}"
    tasks = []
    for relation, link, kind in (("that are waiting for my review", "Review requests for you", "reviewer"),
                                 ("assigned to me", "Merge requests assigned to you", "assignee")):
        found = queries.open_merge_requests(world.conn, **{kind: ME})
        assert 0 < len(found) <= 20, f"{len(found)} merge requests do not fit one page"
        titles = [mr["title"] for mr in found]
        plan = Plan()
        plan.step(f"Open '{link}' from the top bar", "The top bar links straight to this dashboard list.",
                  click("link", link), note=f"{len(titles)} open merge requests: " + "; ".join(titles))
        tasks.append(task_config(
            template_id=4003, intent_template=template, instantiation={"relation": relation},
            solution=plan.finish("; ".join(titles)), eval_types=["string_match"],
            reference_answers={"must_include": titles}, raw_annotation="; ".join(titles)))
    return tasks


def labelled_issue_lists(world: World) -> list[Task]:
    template = "Display the open issues of {{project}} that are labelled {{label}}"
    tasks = []
    for full_path, label in (("a11yproject/a11yproject.com", "good first issue"), ("primer/design", "bug")):
        project = world.project(full_path)
        assert queries.label_by_title(world.conn, project["id"], label), f"{full_path} has no {label} label"
        plan = Plan()
        open_project(plan, world, project)
        plan.step(f"Open the issues and filter them by the label '{label}'",
                  "The filtered list is the page the task wants on screen.",
                  click("link", "Issues"), select("Label", label), click("button", "Apply filters"))
        tasks.append(task_config(
            template_id=4004, intent_template=template, instantiation={"project": project["name"], "label": label},
            solution=plan.finish(), eval_types=["url_match"],
            reference_url=f"{HOME}/{full_path}/-/issues?" + urlencode([("label_name[]", label)])))
    return tasks


def dashboard_lists(world: World) -> list[Task]:
    template = "Checkout {{what}}"
    tasks = []
    for what, link, path in (
        ("merge requests requiring my review", "Review requests for you", f"/dashboard/merge_requests?reviewer_username={ME}"),
        ("merge requests assigned to me", "Merge requests assigned to you", f"/dashboard/merge_requests?assignee_username={ME}"),
        ("issues assigned to me", "Issues assigned to you", f"/dashboard/issues?assignee_username={ME}"),
    ):
        plan = Plan().step(f"Open '{link}' from the top bar", "The top bar has a direct link to exactly this list.",
                           click("link", link))
        tasks.append(task_config(
            template_id=4005, intent_template=template, instantiation={"what": what}, solution=plan.finish(),
            eval_types=["url_match"], reference_url=HOME + path))
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
        plan.step("Open my issues list and show issues in every state",
                  "The dashboard issue list can show issues from all projects; closed ones count too.",
                  click("link", "Issues assigned to you"), click("link", "All"))
        plan.step(f"Filter for issues I authored that mention '{keyword}'",
                  "Clearing the assignee and setting me as author leaves the issues I created; the list is newest first.",
                  select("Assignee", "Any assignee"), select("Author", world.me["name"]),
                  type_into("searchbox", "Search or filter results", keyword), click("button", "Apply filters"))
        plan.step(f"Open the newest issue whose title contains '{keyword}'",
                  "The search also matches descriptions, so pick the first result with the keyword in its title.",
                  click("link", issue["title"]),
                  note=f"'{issue['title']}' is {'closed' if answer == 'Yes' else 'open'}")
        tasks.append(task_config(
            template_id=4017, intent_template=template, instantiation={"keyword": keyword},
            solution=plan.finish(answer), eval_types=["string_match", "url_match"],
            reference_answers={"must_include": [answer]}, raw_annotation=answer,
            reference_url=f"{HOME}/{issue['project_full_path']}/-/issues/{issue['iid']}"))
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
        plan.step("Open the Members page and read the usernames other than mine",
                  "The members table lists everyone with access and their @username.",
                  click("link", "Members"), note="Other members: " + ", ".join(others))
        tasks.append(task_config(
            template_id=4019, intent_template=template, instantiation={"project": project["name"]},
            solution=plan.finish(", ".join(others)), eval_types=["string_match"],
            reference_answers={"must_include": others}, raw_annotation=", ".join(others)))
    return tasks


def commits_on_a_day(world: World) -> list[Task]:
    template = "How many commits did {{name}} make to {{project}} on {{date}}?"
    project = world.project("a11yproject/a11yproject.com")
    name = "Kilian Valkhof"
    days = queries.commits_per_day(world.conn, project["id"], name)
    _, total = queries.commits(world.conn, project["id"], author=name, limit=1)
    assert days and total <= 40, "the author's commits must fit one commits page"
    day = parse(days[0]["day"])
    date_text = f"{day.month}/{day.day}/{day.year}"
    count = days[0]["commits"]
    plan = Plan()
    open_project(plan, world, project)
    plan.step(f"Open Commits and filter them to {name}'s",
              "Commits are grouped by day; narrowing to one author leaves only the days that matter.",
              click("link", "Commits"), select("Author", name), click("button", "Filter"),
              note=f"{name} made {count} commits on {date_text}")
    return [task_config(
        template_id=4022, intent_template=template, instantiation={"name": name, "project": project["name"],
                                                                   "date": date_text},
        solution=plan.finish(str(count)), eval_types=["string_match"],
        reference_answers={"must_include": [str(count)]}, raw_annotation=str(count))]


def star_counts(world: World) -> list[Task]:
    template = "How many stars does the {{project}} project have?"
    project = world.project("thoughtbot/administrate")
    plan = Plan()
    open_project(plan, world, project)
    plan.note(f"The overview shows {project['star_count']} stars next to the Star button")
    answerable = task_config(
        template_id=4023, intent_template=template, instantiation={"project": project["name"]},
        solution=plan.finish(str(project["star_count"])), eval_types=["string_match"],
        reference_answers={"must_include": [str(project["star_count"])]}, raw_annotation=str(project["star_count"]))
    missing = "tensorflow"
    assert not queries.list_projects(world.conn, world.me["id"], search=missing, limit=1)[1]
    plan = Plan()
    plan.step(f"Search Explore for '{missing}'", "Every project this GitLab hosts is listed in Explore.",
              click("link", "Explore projects"), type_into("searchbox", "Filter by name", missing, enter=True),
              note=f"No project matches '{missing}'")
    unanswerable = task_config(
        template_id=4023, intent_template=template, instantiation={"project": missing},
        solution=plan.finish("N/A", reasoning="The project does not exist here, so the question cannot be answered."),
        eval_types=["string_match"], reference_answers={"fuzzy_match": "N/A"}, raw_annotation="N/A",
        string_note=f"There is no {missing} project on this GitLab")
    return [answerable, unanswerable]


BUILDERS = (issue_label_counts, top_committers, most_starred_names, my_open_merge_requests, labelled_issue_lists,
            dashboard_lists, latest_issue_state, project_collaborators, commits_on_a_day, star_counts)
