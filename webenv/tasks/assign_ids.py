"""`python -m webenv.tasks.assign_ids`: give every task the ledger does not know yet its id, and save the ledger.

(Apart from `webenv.tasks.ids` because it builds the suite, which itself reads the ledger.)
"""

from __future__ import annotations

import argparse

from webenv.tasks.ids import LEDGER_PATH, Ledger, task_key
from webenv.tasks.suite import build_splits


def main(argv: list[str] | None = None) -> int:
    """Write ids for every task the ledger does not know yet (`--check`: only report them)."""
    parser = argparse.ArgumentParser(prog="python -m webenv.tasks.assign_ids", description=main.__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if the ledger lacks a task, change nothing")
    args = parser.parse_args(argv)
    ledger = Ledger.load()
    splits = build_splits()
    missing = ledger.missing({split: [task.raw for task in tasks] for split, tasks in splits.items()})
    count = sum(len(keys) for keys in missing.values())
    if args.check:
        print(f"{count} task(s) without a ledger id" if count else "the ledger covers every task")
        return 1 if count else 0
    for split, tasks in splits.items():
        for task in tasks:
            ledger.ids[split].setdefault(task_key(task.raw), task.task_id)
    ledger.save()
    print(f"added {count} id(s) to {LEDGER_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
