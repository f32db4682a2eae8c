"""Postgres for real: a server started on loopback by the test, the CLI run against it, SIGKILLed, resumed from
another directory (everything it needs is in the database), listed with `threads`, and a clear error when the
server cannot be reached."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.support.cli_process import cli, finish, read_until, reference_run
from tests.support.ports import unused_port
from tests.support.postgres import postgres_server


@pytest.fixture(scope="module")
def postgres():
    with postgres_server() as server:
        yield server


def test_run_kill_resume_elsewhere_and_list_threads(postgres, outfitters, tmp_path: Path) -> None:
    url, shop = outfitters
    database = postgres.url()
    shop.results_gate.close()  # the search results (step 4) cannot load: the run cannot finish before the kill
    process = cli(*reference_run(url, database, "pg-killed"), cwd=tmp_path / "first")
    read_until(process, "step 2 ok")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert not (tmp_path / "first" / ".plan_and_act").exists()  # nothing was kept beside the first process

    shop.results_gate.opened.set()
    # Another directory, the database named only in the environment: the settings come from the database.
    code, out, err = finish(cli("resume", "pg-killed", cwd=tmp_path / "second",
                                env={"PLAN_AND_ACT_CHECKPOINT_DB": database}))
    assert code == 0, err
    assert "browser re-created at the last page (resume)" in out and "answer: $129.00" in out
    assert shop.cart == ["summit-boots"]

    code, out, err = finish(cli("--checkpoint-db", database, "threads", cwd=tmp_path / "third"))
    assert code == 0, err
    line = next(line for line in out.splitlines() if line.startswith("pg-killed"))
    assert line.split()[1:3] == ["plan_and_act", "done"] and "Add Summit Hiking Boots" in line


def test_an_unreachable_server_is_one_clear_line(tmp_path: Path) -> None:
    database = f"postgresql://agent:s3cret-pw@127.0.0.1:{unused_port()}/runs"
    for command in (["threads"], ["resume", "nope"]):
        code, out, err = finish(cli("--checkpoint-db", database, *command, cwd=tmp_path))
        assert code == 2, (out, err)
        assert err.startswith(f"error: cannot use the Postgres database postgresql://agent@127.0.0.1:"
                              f"{database.split(':')[3].split('/')[0]}/runs: ")
        assert "refused" in err.lower() and "s3cret-pw" not in err and "Traceback" not in out + err
