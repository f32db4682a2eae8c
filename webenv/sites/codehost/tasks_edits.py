"""State-changing code host tasks, graded by `program_html` on the page that shows the change.

Each check reads markup that only the intended change produces (a role cell, a title heading, a label block),
and each subject is chosen so the check fails before the task is done: the user is not yet a member, the
project not yet starred, the issue still open. The site tests verify both halves in a browser.
"""

from __future__ import annotations

from typing import Any

from webenv.answers import not_achievable
from webenv.sites.codehost import queries, writes
from webenv.sites.codehost.clock import human_date
from webenv.sites.codehost.task_kit import HOME, created_under, finish, task
from webenv.sites.codehost.task_steps import ME, World, open_issue, open_merge_request, open_project
from webenv.tasks.authoring import Plan, click, html_check, html_eval, select, string_eval, type_into

Task = dict[str, Any]
TITLE = "document.querySelector('[data-qa-selector=\"title_content\"]').outerText"
LAST_NOTE = ("document.querySelector('[id=\"notes-list\"]').lastElementChild"
             ".querySelector('.timeline-discussion-body').outerText")


def invite_members(world: World) -> list[Task]:
    template = "Invite {{person}} to my {{project}} repository as a {{role}}"
    tasks = []
    long_path = "byteblaze/remove-board-movement-events-from-the-github-issue-timeline"
    for person, full_path, role in (("Jakub Klinkovský", "byteblaze/gimmiethat.space", "Developer"),
                                    ("abisubramanya27", long_path, "Maintainer")):
        project = world.project(full_path)
        user = queries.find_user(world.conn, person)
        assert user is not None and not queries.access_level(world.conn, project, user["id"])
        plan = Plan()
        open_project(plan, world, project)
        plan.step("The invite form takes a username and a role; the members table then shows the new role.",
                  f"Open Members and invite {user['username']} as {role}",
                  click("link", "Members"), type_into("textbox", "Username or email", user["username"]),
                  select("Select a role", role), click("button", "Invite"))
        tasks.append(task(
            4006, template, {"person": person, "project": project["name"], "role": role},
            html_eval(html_check(f"{HOME}/{full_path}/-/project_members",
                                 f"func:gitlab_get_project_memeber_role(__page__, '{user['username']}')",
                                 must_include=[role])),
            finish(plan), require_reset=True))
    nobody = "Linus Torvalds"
    assert queries.find_user(world.conn, nobody) is None
    plan = Plan().step("Only existing users can be invited.", f"Search for the user '{nobody}'",
                       type_into("searchbox", "Search GitLab", "Linus", enter=True), click("link", "Users"),
                       notes=["No user matches 'Linus'"])
    tasks.append(task(
        4006, template, {"person": nobody, "project": "dotfiles", "role": "Developer"},
        string_eval(not_achievable(), fuzzy="N/A", raw="N/A", note=f"There is no user named {nobody} on this GitLab"),
        finish(plan, "N/A", reasoning="There is no such user to invite, so the task cannot be done.")))
    return tasks


def _new_project_steps(name: str, visibility: str | None, readme: bool) -> Plan:
    plan = Plan().step("The top bar's New project link opens the form.", f"Start a new project named '{name}'",
                       click("link", "New project"), type_into("textbox", "Project name", name))
    if visibility:
        plan.step("Visibility is a radio group; Private is preselected.", f"Make it {visibility}",
                  click("radio", visibility.capitalize()))
    if not readme:
        plan.step("The box is ticked by default, and an empty repository must not get a README.",
                  "Untick 'Initialize repository with a README'",
                  click("checkbox", "Initialize repository with a README"))
    plan.step("Submitting the form creates the project and opens its page.", "Create the project",
              click("button", "Create project"))
    return plan


def create_projects(world: World) -> list[Task]:
    template = 'Create a new {{visibility}} project named "{{name}}" with a README'
    tasks = []
    for visibility, name in (("public", "awesome-llm-reading-list"), ("private", "Do it myself")):
        slug = writes.project_slug(name)
        assert queries.project_by_path(world.conn, ME, slug) is None
        tasks.append(task(
            4007, template, {"visibility": visibility, "name": name},
            html_eval(
                html_check(f"{HOME}/{ME}/{slug}", "document.querySelector('.visibility-icon').getAttribute('title')",
                           must_include=[visibility]),
                html_check(f"{HOME}/{ME}/{slug}/-/raw/main/README.md", "", must_include=[name]),
            ),
            finish(_new_project_steps(name, visibility, readme=True)), require_reset=True))
    name = "awesome_llm_reading"
    assert queries.project_by_path(world.conn, ME, name) is None
    tasks.append(task(
        4008, "Set up a new, empty repository with the name {{name}}", {"name": name},
        html_eval(html_check(f"{HOME}/{ME}/{name}", "document.querySelector('.empty-repo h2').outerText",
                             exact_match="The repository for this project is empty")),
        finish(_new_project_steps(name, None, readme=False)), require_reset=True))
    return tasks


def _new_issue_steps(plan: Plan, title: str) -> None:
    plan.step("New issue is at the top of the project's issue list.", "Open the Issues list and start a new issue",
              click("link", "Issues"), click("link", "New issue"), type_into("textbox", "Title", title))


def open_issues(world: World) -> list[Task]:
    template = 'Open an issue in {{project}} titled "{{title}}"'
    tasks = []
    for full_path, title in (("primer/design", "Document focus ring colors for dark mode"),):
        project = world.project(full_path)
        iid = queries.next_iid(world.conn, "issue", project["id"])
        plan = Plan()
        open_project(plan, world, project)
        _new_issue_steps(plan, title)
        plan.step("Nothing else was asked for, so submit the form.", "Create the issue",
                  click("button", "Create issue"))
        tasks.append(task(
            4009, template, {"project": project["name"], "title": title},
            html_eval(html_check(f"{HOME}/{full_path}/-/issues/{iid}", TITLE, exact_match=title)),
            finish(plan), require_reset=True))
    return tasks


def open_assigned_issues(world: World) -> list[Task]:
    template = ('Create an issue in {{project}} with title "{{title}}". Assign the issue to myself and set the due '
                "date to {{due}}")
    tasks = []
    for full_path, title, due in (("a11yproject/a11yproject.com", "404 for many URLs", "2030-01-03"),
                                  ("convexegg/chatgpt", "Exported conversations lose code blocks", "2030-02-14")):
        project = world.project(full_path)
        plan = Plan()
        open_project(plan, world, project)
        _new_issue_steps(plan, title)
        plan.step("As a project member I can set the assignee and due date directly on the new issue form.",
                  f"Assign it to myself and set the due date to {due}, then create it",
                  select("Assignee", world.me["name"]), type_into("textbox", "Due date", due),
                  click("button", "Create issue"))
        tasks.append(task(
            4010, template, {"project": project["name"], "title": title, "due": due},
            html_eval(
                html_check("last", TITLE, exact_match=title),
                html_check("last", "document.querySelector('[data-testid=\"sidebar-due-date\"]').outerText",
                           must_include=[human_date(due)]),
                html_check("last", "document.querySelector('.block.assignee').outerText",
                           must_include=[world.me["name"]]),
                reference_url=created_under(f"/{full_path}/-/issues"),
            ),
            finish(plan), require_reset=True))
    return tasks


def label_issues(world: World) -> list[Task]:
    template = 'Add the label "{{label}}" to the issue "{{title}}" in {{project}}'
    tasks = []
    # The subjects are named (they once were "the oldest open issue without the label"; the seed's older history
    # then moved that rule onto another issue): each must be open and not yet carry the label.
    for full_path, label, title in (
            ("a11yproject/a11yproject.com", "Priority: High", "Simplify navigation menu"),
            ("byteblaze/a11y-webring.club", "help wanted", "Add support for site verification")):
        project = world.project(full_path)
        issue = next(i for i in queries.open_issues(world.conn, project["id"]) if i["title"] == title)
        assert label not in {each["title"] for each in issue["labels"]}, f"{title!r} already has the label {label}"
        plan = Plan()
        open_project(plan, world, project)
        open_issue(plan, issue["title"])
        plan.step("The sidebar's label picker adds one label at a time.", f"Add the label '{label}' from the sidebar",
                  select("Add a label", label), click("button", "Add label"))
        tasks.append(task(
            4011, template, {"label": label, "title": issue["title"], "project": project["name"]},
            html_eval(html_check(f"{HOME}/{full_path}/-/issues/{issue['iid']}",
                                 "document.querySelector('.block.labels').outerText", must_include=[label])),
            finish(plan), require_reset=True))
    return tasks


def star_projects(world: World) -> list[Task]:
    template = "Star the {{project}} project"
    starred = queries.starred_project_ids(world.conn, world.me["id"])
    tasks = []
    for full_path in ("keycloak/keycloak",):
        project = world.project(full_path)
        assert project["id"] not in starred
        plan = Plan()
        open_project(plan, world, project)
        plan.step("The project is not starred yet, so the button reads Star.", "Click Star", click("button", "Star"))
        tasks.append(task(
            4012, template, {"project": project["name"]},
            html_eval(html_check(f"{HOME}/users/{ME}/starred", "", must_include=[project["name"]])),
            finish(plan), require_reset=True))
    n = 3
    top = queries.most_starred(world.conn, n + 1)
    assert top[n - 1]["star_count"] > top[n]["star_count"]
    plan = Plan().step("The Most starred tab orders every project by stars.",
                       "Find the most starred projects in Explore",
                       click("link", "Explore projects"), click("link", "Most starred"),
                       notes=["Top 3: " + ", ".join(p["name"] for p in top[:n])])
    plan.step("Star is a toggle: clicking it on a starred project would unstar it.",
              "Check which of them I have starred already",
              click("link", "Your projects"), click("link", "Starred"),
              notes=["Already starred: " + (", ".join(p["name"] for p in top[:n] if p["id"] in starred) or "none")])
    for project in top[:n]:
        if project["id"] in starred:
            continue
        plan.step("It is among the top three and not starred yet.", f"Open {project['name']} and star it",
                  click("link", "Explore projects"), click("link", "Most starred"),
                  click("link", project["name_with_namespace"]), click("button", "Star"))
    tasks.append(task(
        4013, "Star the top {{n}} most starred projects on GitLab", {"n": n},
        html_eval(html_check(f"{HOME}/users/{ME}/starred", "", must_include=[p["name"] for p in top[:n]])),
        finish(plan), require_reset=True))
    return tasks


def create_files(world: World) -> list[Task]:
    template = 'Create a file named {{path}} in my {{project}} repository with the content "{{content}}"'
    tasks = []
    for full_path, path, content in (("byteblaze/gimmiethat.space", "links/friends.txt", "https://a11y-webring.club"),):
        project = world.project(full_path)
        assert queries.file_at(world.conn, project["id"], path) is None
        plan = Plan()
        open_project(plan, world, project)
        plan.step("The project page links to the new-file editor.", f"Add a new file {path} with the content",
                  click("link", "New file"), type_into("textbox", "File name", path),
                  type_into("textbox", "File content", content), click("button", "Commit changes"))
        tasks.append(task(
            4014, template, {"path": path, "project": project["name"], "content": content},
            html_eval(html_check(f"{HOME}/{full_path}/-/raw/main/{path}", "", must_include=[content])),
            finish(plan), require_reset=True))
    return tasks


def close_issues(world: World) -> list[Task]:
    template = 'Close the issue "{{title}}" in my {{project}} repository'
    tasks = []
    for full_path in ("byteblaze/dotfiles",):
        project = world.project(full_path)
        issue = queries.open_issues(world.conn, project["id"])[-1]
        plan = Plan()
        open_project(plan, world, project)
        open_issue(plan, issue["title"])
        plan.step("The Close issue button changes its state.", "Close it", click("button", "Close issue"))
        tasks.append(task(
            4015, template, {"title": issue["title"], "project": project["name"]},
            html_eval(html_check(f"{HOME}/{full_path}/-/issues/{issue['iid']}",
                                 "document.querySelector('.issuable-status-badge').outerText", exact_match="Closed")),
            finish(plan), require_reset=True))
    return tasks


def comment_on_merge_requests(world: World) -> list[Task]:
    template = 'Post "{{comment}}" on the merge request about {{topic}} in {{project}}'
    tasks = []
    for full_path, title, topic, comment in (
        ("a11yproject/a11yproject.com", "Add color utility classes", "color utility classes", "Good idea"),
        ("byteblaze/a11y-webring.club", "Add verification functions for member sites", "verification functions",
         "Thanks, I will review this today"),
    ):
        project = world.project(full_path)
        mr = queries.merge_request_by_title(world.conn, project["id"], title)
        assert mr is not None and mr["state"] == "opened"
        plan = Plan()
        open_project(plan, world, project)
        open_merge_request(plan, title)
        plan.step("The comment box is below the activity timeline.", "Write the comment and post it",
                  type_into("textbox", "Comment", comment), click("button", "Comment"))
        tasks.append(task(
            4016, template, {"comment": comment, "topic": topic, "project": project["name"]},
            html_eval(html_check(f"{HOME}/{full_path}/-/merge_requests/{mr['iid']}", LAST_NOTE, exact_match=comment)),
            finish(plan), require_reset=True))
    return tasks


def submit_merge_request(world: World) -> list[Task]:
    template = ("Submit a merge request for the {{branch}} branch of {{project}} to be merged into main, and assign "
                "{{reviewer}} as the reviewer")
    full_path, branch, reviewer = "a11yproject/a11yproject.com", "redesign", "Roshan Jossy"
    project = world.project(full_path)
    assert branch in queries.unmerged_branches(world.conn, project["id"])
    user = queries.user_by_name(world.conn, reviewer)
    assert user is not None and queries.access_level(world.conn, project, user["id"])
    plan = Plan()
    open_project(plan, world, project)
    plan.step("New merge request opens the branch and reviewer form.", "Open Merge requests and start a new one",
              click("link", "Merge requests"), click("link", "New merge request"))
    plan.step("The title defaults to the branch name, which is fine here.",
              f"Choose {branch} as source, main as target, {reviewer} as reviewer, and create it",
              select("Source branch", branch), select("Target branch", "main"), select("Reviewer", reviewer),
              click("button", "Create merge request"))
    description = "document.querySelectorAll(\".detail-page-description > a.gl-font-monospace\")"
    return [task(
        4018, template, {"branch": branch, "project": project["name"], "reviewer": reviewer},
        html_eval(
            html_check("last", f"{description}[0].outerText", exact_match=branch),
            html_check("last", f"{description}[1].outerText", exact_match="main"),
            html_check("last", "document.querySelector('.block.reviewer').outerText", must_include=[reviewer]),
            reference_url=created_under(f"/{full_path}/-/merge_requests"),
        ),
        finish(plan), require_reset=True)]


def set_status(world: World) -> list[Task]:
    status = "Enjoying life"
    assert world.me["status_message"] != status
    plan = Plan().step("The profile form holds the status message shown on my profile.",
                       "Open Edit profile, type the status and save",
                       click("link", "Edit profile"), type_into("textbox", "Status message", status),
                       click("button", "Update profile settings"))
    return [task(
        4020, "Set my gitlab status as {{status}}.", {"status": status},
        html_eval(html_check(f"{HOME}/{ME}", "document.querySelector('.cover-status').lastChild.textContent",
                             exact_match=status)),
        finish(plan), require_reset=True)]


def follow_people(world: World) -> list[Task]:
    names = ["Jakub Klinkovský", "Koushik Dutta", "Vinta Chen"]
    following = {u["username"] for u in queries.following(world.conn, world.me["id"])}
    people = [queries.user_by_name(world.conn, name) for name in names]
    assert all(p is not None and p["username"] not in following for p in people)
    plan = Plan()
    for person in people:
        assert person is not None
        first = person["name"].split()[0]
        plan.step("The user search finds people by name; their profile has the Follow button.",
                  f"Find {person['name']} through search and follow them",
                  type_into("searchbox", "Search GitLab", first, enter=True), click("link", "Users"),
                  click("link", person["name"]), click("button", "Follow"))
    return [task(
        4021, "Follow {{names}} on Gitlab", {"names": names},
        html_eval(html_check(f"{HOME}/users/{ME}/following", "document.querySelector('.user-profile').outerText",
                             must_include=[f"@{p['username']}" for p in people if p])),
        finish(plan), require_reset=True)]


BUILDERS = (invite_members, create_projects, open_issues, open_assigned_issues, label_issues, star_projects,
            create_files, close_issues, comment_on_merge_requests, submit_merge_request, set_status, follow_people)
