"""queries, cot, failures and augment through the loopback teacher, including its bad days."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import yaml

from synth.jsonl import read_jsonl, write_jsonl
from synth.runner import RunOptions, StageError, rejects_path, run_stage
from synth.stages.augment import Augment
from synth.stages.cot import ChainOfThought
from synth.stages.failures import SHIPPED_CLASSES, Failures, load_classes
from synth.stages.queries import Queries
from synth.teacher import ReferenceTeacher
from tests.support.openai_server import Fault
from tests.support.teacher_script import TeacherScript, serve_teacher
from tests.synth.helpers import (
    assert_sites_in_turn,
    first_user,
    fresh_intent,
    noting_calls,
    plan_text,
    teacher,
    trajectory,
    write_seeds,
)

QUERIES_RULE = "NEW tasks for the same websites"
FEASIBILITY_RULE = "could really complete it"


async def run(stage, out: Path, workers: int = 1):
    return await run_stage(stage, RunOptions(out=out, workers=workers, progress=False))


def grounded_record(name: str = "g1") -> dict:
    return {"id": name, "kind": "grounded_plan", "site": "shopping", "sites": ["shopping"], "trajectory": "traj-t1",
            "intent": "What does the canvas tote cost?", "start_url": "__SHOPPING__/",
            "plan": {"steps": [{"reasoning": "r1", "instruction": "Search for 'tote'", "actions": [0, 1]},
                               {"reasoning": "r2", "instruction": "Open the tote bag", "actions": [2]},
                               {"reasoning": "r3", "instruction": "Stop with the price", "actions": [3]}],
                     "notes": []},
            "plan_text": plan_text("Search for 'tote'", "Open the tote bag", "Stop with the price"),
            "page": trajectory()["state"]["history"][0]["page"]}


async def test_queries_filter_infeasible_and_duplicate_intents(tmp_path: Path) -> None:
    seeds = write_seeds(tmp_path, count_per_site=5)

    def candidates(messages):
        return json.dumps([{"seed": 1, "intent": "Show the newest shopping item 0"},  # a seed's intent again
                           {"seed": 2, "intent": "Order a pizza to my house"},
                           {"seed": 1, "intent": "Using seed 3, open the orders"},
                           *({"seed": 1, "intent": fresh_intent()} for _ in range(3))])

    def verdicts(messages):
        count = first_user(messages).count("### Candidate ")
        return json.dumps([{"i": i, "feasible": "pizza" not in first_user(messages).split(f"### Candidate {i}\n")[1]
                            .split("\n")[1], "why": "the site sells no food"} for i in range(1, count + 1)])

    script = (TeacherScript().when(QUERIES_RULE, "```json\n[{\"seed\": 1, \"intent\": ", candidates)
              .when(FEASIBILITY_RULE, json.dumps([{"i": 1, "feasible": True}]), verdicts))
    calls: list[str] = []
    with serve_teacher(noting_calls(script, QUERIES_RULE, calls)) as (url, _log):
        summary = await run(Queries(teacher(url, tmp_path), [seeds], n=6, max_rounds=0), tmp_path / "queries.jsonl")
    assert_sites_in_turn(calls, ("reddit",))  # one call by default: five seeds of the first site, ten asked for
    queries = list(read_jsonl(tmp_path / "queries.jsonl"))
    reasons = sorted(r["reason"] for r in read_jsonl(rejects_path(tmp_path / "queries.jsonl")))
    assert summary.kept == 3 and all(q["kind"] == "query" and q["start_url"].startswith("__") for q in queries)
    assert reasons == ["duplicate", "infeasible", "leak"]
    # the feasibility reply that missed candidates went back with the reason
    assert script.asked(FEASIBILITY_RULE) == 2


async def test_by_default_queries_show_five_seeds_of_one_site_per_call_and_ask_for_ten_sites_in_turn(
        tmp_path: Path) -> None:
    sites = ("gitlab", "reddit", "shopping")
    seeds = write_seeds(tmp_path, count_per_site=6, sites=sites)

    def ten_new(messages):
        return json.dumps([{"seed": 1 + i % 5, "intent": fresh_intent()} for i in range(10)])

    def all_feasible(messages):
        count = first_user(messages).count("### Candidate ")
        return json.dumps([{"i": i, "feasible": True} for i in range(1, count + 1)])

    script = TeacherScript().when(QUERIES_RULE, ten_new).when(FEASIBILITY_RULE, all_feasible)
    calls: list[str] = []
    with serve_teacher(noting_calls(script, QUERIES_RULE, calls)) as (url, _log):
        summary = await run(Queries(teacher(url, tmp_path), [seeds], n=60), tmp_path / "queries.jsonl")
    assert summary.complete and script.asked(QUERIES_RULE) == len(calls) == 6  # 60 queries at 10 per call
    assert_sites_in_turn(calls, sites)
    by_site = Counter(q["site"] for q in read_jsonl(tmp_path / "queries.jsonl"))
    assert by_site == {site: 20 for site in sites}


async def test_cot_keeps_reasoning_only_when_the_action_parses_to_the_true_one(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "traj.jsonl", [trajectory("t1")])
    write_jsonl(tmp_path / "plans.jsonl", [grounded_record()])

    def action_reply(messages):
        true = json.loads(first_user(messages).split("## Correct next action\n")[1])
        if true["name"] == "type":  # writes the wrong text every time: rejected
            return '<thinking>Type into the box.</thinking><action>{"name": "type", "args": {"id": 2, "text": "bag"}}</action>'
        if true["name"] == "click" and true["args"]["id"] == 7:  # forgets the markers once
            if "could not be used" in str(messages[-1].content):
                return '<thinking>The tote link is [7].</thinking>\n<action>click [7]</action>'
            return "click [7]"
        return (f"<thinking>The page shows what I need for {true['name']}.</thinking>"
                f"<action>{json.dumps(true)}</action>")

    script = (TeacherScript().when("correct plan for it", "<thinking>The home page has a search box.</thinking>\n<plan>\n"
                                   + plan_text("Search for 'tote'", "Open the tote bag", "Stop with the price")
                                   + "\n</plan>")
              .when("correct next action", action_reply))
    with serve_teacher(script) as (url, _log):
        summary = await run(ChainOfThought(teacher(url, tmp_path), [tmp_path / "plans.jsonl"],
                                           [tmp_path / "traj.jsonl"]), tmp_path / "cot.jsonl")
    records = list(read_jsonl(tmp_path / "cot.jsonl"))
    assert [r["kind"] for r in records] == ["cot_plan", "cot_action", "cot_action", "cot_action"]
    assert [r.get("index") for r in records[1:]] == [0, 2, 3]
    assert records[2]["reasoning"] == "The tote link is [7]."
    [reject] = list(read_jsonl(rejects_path(tmp_path / "cot.jsonl")))
    assert reject["reason"] == "action_mismatch" and summary.kept == 4


@pytest.mark.unit
def test_the_reference_teacher_cannot_invent_data(tmp_path: Path) -> None:
    assert not ReferenceTeacher().supports("expand") and ReferenceTeacher().supports("annotate")


async def test_failures_write_a_report_and_a_classes_file_without_clobbering_edits(tmp_path: Path) -> None:
    results = [{"task_id": 3, "group": "shopping", "intent": "Buy socks", "status": "done", "stop_reason": "stop",
                "answer": "done", "score": 0.0, "checks": ["[FAIL] must_include 'socks'"], "final_url": "http://x/cart",
                "actions": [{"action": "click", "args": {"id": 4}, "ok": True, "url": "http://x/cart",
                             "result": "clicked | ok", "screenshot": str(tmp_path / "shots" / "a0.png")}]},
               {"task_id": 4, "group": "shopping", "intent": "Count reviews", "status": "done", "stop_reason": "",
                "answer": "3", "score": 1.0, "checks": [], "actions": []},
               {**trajectory("bad", score=0.0), "site": "reddit"}]
    write_jsonl(tmp_path / "results.jsonl", results)
    classes = tmp_path / "classes.yaml"
    summary = await run(Failures(None, [tmp_path / "results.jsonl"], classes=classes), tmp_path / "failures.jsonl")
    failures = list(read_jsonl(tmp_path / "failures.jsonl"))
    assert summary.kept == 2 and {f["site"] for f in failures} == {"shopping", "reddit"}
    report = (tmp_path / "failures.report.md").read_text()
    assert "## shopping (1 failed)" in report and "Buy socks" in report and "[FAIL] must_include" in report
    assert "![after action 0](shots/a0.png)" in report and "clicked \\| ok" in report
    shipped = load_classes(SHIPPED_CLASSES)
    assert load_classes(classes) == {"reddit": shipped["reddit"], "shopping": shipped["shopping"]}
    classes.write_text("shopping:\n  - name: mine\n    description: edited by a person\n")
    proposal = [{"name": "gives_up_early", "description": "stops before the last page"},
                {"name": "wrong_item", "description": "opens a similar product"},
                {"name": "no_filter", "description": "does not filter the list"}]
    script = TeacherScript().when("Group the failures", Fault(429, headers={"retry-after": "0"}),
                                  "[{\"name\": \"Other\", \"description\": \"x\"}]", json.dumps(proposal))
    with serve_teacher(script) as (url, _log):
        await run(Failures(teacher(url, tmp_path), [tmp_path / "results.jsonl"], classes=classes),
                  tmp_path / "f2.jsonl")
    assert load_classes(classes) == {"shopping": [{"name": "mine", "description": "edited by a person"}]}
    proposed = load_classes(tmp_path / "classes.proposed.yaml")
    assert proposed["shopping"] == proposal and proposed["reddit"] == proposal


@pytest.mark.unit
def test_a_classes_file_with_mistakes_is_refused_with_the_place(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    for text, words in (("shopping: [{name: a}]", "class 1 needs a name and a description"),
                        ("shopping:\n  - {name: Other, description: d}", "reserved"),
                        ("- just a list", "mapping"), ("shopping: [", "not valid YAML")):
        path.write_text(text)
        with pytest.raises(StageError, match=words):
            load_classes(path)


async def test_augment_labels_plans_and_writes_one_similar_plan_per_class(tmp_path: Path) -> None:
    plans = [grounded_record("g1"), {**grounded_record("g2"), "intent": "How many tote bags are listed?"},
             {**grounded_record("g3"), "site": "map"}]
    write_jsonl(tmp_path / "plans.jsonl", plans)
    classes = tmp_path / "classes.yaml"
    classes.write_text(yaml.safe_dump({"shopping": [{"name": "search_term_too_specific",
                                                     "description": "searches with a long phrase"}]}))

    def label(messages):
        return '{"class": "search_term_too_specific"}' if "canvas tote cost" in first_user(messages) else \
            '{"class": "Other"}'

    def new_plan(messages):
        if "could not be used" in str(messages[-1].content):  # corrected: names the page's Search box
            return json.dumps({"intent": "What does the linen tote cost?",
                               "plan": plan_text("Type 'linen tote' into the 'Search' box", "Stop with the price")})
        return json.dumps({"intent": "What does the linen tote cost?",
                           "plan": plan_text("Look it up somewhere", "Stop with the price")})

    script = TeacherScript().when("Which kind of mistake", label).when("Write ONE new task", new_plan)
    with serve_teacher(script) as (url, _log):
        summary = await run(Augment(teacher(url, tmp_path), [tmp_path / "plans.jsonl"], classes=classes, n=10),
                            tmp_path / "aug.jsonl")
    [record] = list(read_jsonl(tmp_path / "aug.jsonl"))
    assert record["failure_class"] == "search_term_too_specific" and record["seed"] == "g1"
    assert "'Search'" in record["plan_text"] and record["page_id"]
    assert summary.manifest["labels"] == {"Other": 2, "search_term_too_specific": 1}
    assert script.asked("Write ONE new task") == 2  # the plan without the page's element names went back
    assert [r["id"] for r in read_jsonl(tmp_path / "aug.pages.jsonl")] == [record["page_id"]]
