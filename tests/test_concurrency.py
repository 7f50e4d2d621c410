"""Several people on one register at once, as real processes: two consultants logging at the
same moment, a due list while an import is writing, a report while a purge is deleting. Readers
see the register as it was before the writer's commit, and are not kept waiting; writers queue
and never lose or double each other's rows. On both engines."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import db_snapshot

pytestmark = pytest.mark.both_engines

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample_roster.csv"
AS_OF = "2026-11-01"


def cli(db, *args: str, env: dict | None = None, timeout: float = 120
        ) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "seniorcli", "--db", str(db), *args],
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "SENIORCLI_LANG": "en", **(env or {})})


def start(db, *args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "seniorcli", "--db", str(db), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "SENIORCLI_LANG": "en", **(env or {})})


def wait_for(marker: Path, proc: subprocess.Popen, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < end, "the writer never reached its commit"
        time.sleep(0.05)


def staff(count: int) -> list[str]:
    """Employees of the sample who were in employment all of 2026 up to the as-of date."""
    with SAMPLE.open(encoding="utf-8") as f:
        rows = list(csv.reader(f, delimiter=";"))[1:]
    return [r[0] for r in rows if r[5] and r[5] < "2026-01-01" and not r[6]][:count]


def due_json(db) -> list:
    r = cli(db, "due", "--rules", "koege", "--as-of", AS_OF, "--format", "json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@pytest.fixture
def register(db):
    r = cli(db, "import", str(SAMPLE), "--as-of", AS_OF)
    assert r.returncode == 0, r.stderr
    return db


def test_two_consultants_logging_at_once_lose_nothing_and_double_nothing(register):
    ids = staff(21)
    shared, mine, yours = ids[0], ids[1:11], ids[11:21]
    jobs = ([("held", e, "2026-10-01") for e in mine] + [("declined", e, "2026-10-02")
                                                         for e in yours]
            + [("held", shared, "2026-10-05")] * 2)  # both log the same conversation
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(
            lambda j: cli(register, "log", j[1], j[0], "--date", j[2]), jobs))
    for r in results[:-2]:
        assert r.returncode == 0, r.stderr
    same = sorted(r.returncode for r in results[-2:])
    assert same == [0, 1], [r.stderr for r in results[-2:]]
    refused = next(r for r in results[-2:] if r.returncode == 1)
    assert "already" in refused.stderr and "Traceback" not in refused.stderr
    logged = sorted((str(row[1]), str(row[2]), str(row[3]))
                    for row in db_snapshot(register)["conversation"])
    assert logged == sorted([(e, o, d) for o, e, d in jobs[:-1]])
    audit = cli(register, "audit", "--format", "json")
    logs = [a for a in json.loads(audit.stdout) if a["command"].startswith("log")]
    assert len(logs) == 21  # one per saved outcome, none for the refused one


def test_a_due_list_while_an_import_writes_sees_the_register_as_before(register, tmp_path):
    before = due_json(register)
    changed = tmp_path / "next.csv"
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    # next month: everyone moves to one department, and a few are left out (marked as left)
    header, rows = lines[0], lines[1:]
    moved = [";".join([*r.split(";")[:3], "Samlet forvaltning", *r.split(";")[4:]])
             for r in rows[:-5]]
    changed.write_text("\n".join([header, *moved]) + "\n", encoding="utf-8")
    marker = tmp_path / "holding"
    writer = start(register, "import", str(changed), "--as-of", AS_OF,
                   env={"SENIORCLI_TEST_HOLD_COMMIT": str(marker)})
    try:
        wait_for(marker, writer)
        t0 = time.monotonic()
        during = due_json(register)
        assert time.monotonic() - t0 < 30  # not kept waiting for the import
        assert during == before
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    assert due_json(register) == before  # the killed import left nothing behind
    r = cli(register, "import", str(changed), "--as-of", AS_OF)
    assert r.returncode == 0, r.stderr
    after = due_json(register)
    assert after != before
    assert {d["department"] for d in after} <= {"Samlet forvaltning"}


def test_a_report_while_a_purge_deletes_counts_as_before(register, tmp_path):
    def coverage() -> list:
        r = cli(register, "report", "coverage", "--rules", "koege", "--year", "2026",
                "--as-of", AS_OF, "--format", "json")
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    def employees() -> int:
        r = cli(register, "employees", "--include-left", "--format", "json")
        assert r.returncode == 0, r.stderr
        return len(json.loads(r.stdout))

    before, count = coverage(), employees()
    marker = tmp_path / "holding"
    purge = start(register, "purge", "--left-before", "2026-11-01", "--yes",
                  env={"SENIORCLI_TEST_HOLD_COMMIT": str(marker)})
    try:
        wait_for(marker, purge)
        t0 = time.monotonic()
        assert coverage() == before
        assert employees() == count
        assert time.monotonic() - t0 < 30
    finally:
        purge.send_signal(signal.SIGKILL)
        purge.wait()
    assert employees() == count
    r = cli(register, "purge", "--left-before", "2026-11-01", "--yes")
    assert r.returncode == 0, r.stderr
    assert employees() < count


def test_a_writer_waits_for_another_writer_instead_of_failing(register, tmp_path):
    """A `log` while an import holds the write lock waits and then saves (the lock timeout is
    60 s, as SQLite's busy timeout)."""
    marker = tmp_path / "holding"
    writer = start(register, "import", str(SAMPLE), "--as-of", AS_OF,
                   env={"SENIORCLI_TEST_HOLD_COMMIT": str(marker)})
    try:
        wait_for(marker, writer)
        e = staff(1)[0]
        logger = start(register, "log", e, "held", "--date", "2026-10-01")
        time.sleep(1.5)
        assert logger.poll() is None  # waiting for the import's lock
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    out, err = logger.communicate(timeout=60)
    assert logger.returncode == 0, err
