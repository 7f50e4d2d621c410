"""Schema version 4: what was changed in an agreement after it was recorded, and when
(``agreement_change``), kept as data for the payroll change file. A register of version 3 is
upgraded in place on either engine, with the corrections it made before copied from the
audit log."""

from __future__ import annotations

import pytest

from conftest import db_execute, db_rows, write_csv

pytestmark = pytest.mark.both_engines


@pytest.fixture
def version_3(run, db, tmp_path):
    """A register as version 3 left it: no agreement_change, corrections only in the audit."""
    roster = write_csv(tmp_path / "r.csv", "employee_id,name,birth_date",
                       "1,Kirsten Møller,1960-01-01", "2,Bo Bæk,1961-01-01")
    assert run("import", roster, "--as-of", "2026-11-01").exit_code == 0
    ids = []
    for eid in ("1", "2"):
        r = run("agreement", "add", eid, "--type", "seniorstilling", "--start", "2026-01-01",
                "--end", "2027-12-31", "--hours", "30")
        assert r.exit_code == 0, r.stderr
        ids.append(int(r.stdout))
    db_execute(db, "DROP TABLE agreement_change")
    if isinstance(db, str):
        db_execute(db, "UPDATE seniorcli_schema SET version = 3")
    else:
        db_execute(db, "PRAGMA user_version = 3")
    a, b = ids
    for at, detail in (
            ("2026-11-05T09:00:00+00:00",
             f"agreement {a} (seniorstilling 2026-01-01 to 2027-12-31, 30 hours): "
             "end 2027-12-31 → 2027-06-30; hours 30 → 28"),
            ("2026-11-06T09:00:00+00:00",
             f"agreement {b} (seniorstilling 2026-01-01 to 2027-12-31, 30 hours): "
             "note none → 'aftalt'"),
            ("2026-11-07T09:00:00+00:00", "agreement 999 (gone): amount 1 kr → 2 kr")):
        db_execute(db, "INSERT INTO audit (at, os_user, command, rows_changed, employee_id, "
                   "detail) VALUES (?, 'hr', 'agreement correct', 1, '1', ?)", (at, detail))
    return a, b


def test_a_version_3_register_is_upgraded_with_its_corrections(run, db, version_3):
    a, b = version_3
    assert run("agreement", "list").exit_code == 0  # any command upgrades it
    assert db_rows(db, "SELECT agreement_id, at, fields FROM agreement_change ORDER BY id") == [
        (a, "2026-11-05T09:00:00+00:00", "end,hours"),
        (b, "2026-11-06T09:00:00+00:00", "note"),
    ]  # the correction of an agreement that is no more is not copied
    if isinstance(db, str):
        assert db_rows(db, "SELECT version FROM seniorcli_schema") == [(4,)]
    else:
        assert db_rows(db, "PRAGMA user_version") == [(4,)]


def test_corrections_and_early_ends_are_kept_as_they_are_made(run, db, version_3):
    a, b = version_3
    assert run("agreement", "correct", str(a), "--amount", "1500").exit_code == 0
    assert run("agreement", "end", str(b), "--date", "2026-12-31").exit_code == 0
    assert [r[:2] for r in db_rows(
        db, "SELECT agreement_id, fields FROM agreement_change ORDER BY id")][-2:] == [
        (a, "amount"), (b, "end")]


def test_the_changes_go_with_their_agreement(run, db, version_3):
    a, _b = version_3
    assert run("agreement", "correct", str(a), "--hours", "25").exit_code == 0
    db_execute(db, "DELETE FROM agreement WHERE id = ?", (a,))
    assert db_rows(db, "SELECT count(*) FROM agreement_change WHERE agreement_id = ?",
                   (a,)) == [(0,)]


@pytest.mark.sqlite_only
def test_the_file_version_3_wrote_is_upgraded_with_its_corrections(run, tmp_path):
    """tests/fixtures/schema_v3.db was written by the released version 3 (e1c4fbf): two
    agreements, one corrected in its end and hours, one in its note and then ended early."""
    import shutil
    from pathlib import Path

    db = tmp_path / "v3.db"
    shutil.copy(Path(__file__).parent / "fixtures" / "schema_v3.db", db)
    assert db_rows(db, "PRAGMA user_version") == [(3,)]
    r = run("--db", db, "agreement", "list", "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert db_rows(db, "PRAGMA user_version") == [(4,)]
    changes = dict(db_rows(db, "SELECT agreement_id, fields FROM agreement_change"))
    assert changes[1] == "end,hours"
    assert "note" in changes[2]  # (the note imitated a change of hours: see docs/payroll.md)
    assert "end" not in changes[2]  # version 3 kept no record of when it was ended early
