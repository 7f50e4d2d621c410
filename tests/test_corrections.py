"""Corrections, audited: a logged outcome corrected or withdrawn, an agreement withdrawn or its
dates, hours or amount corrected. Every correction is checked as the original was, refused
with one message and nothing changed, and kept (old → new, who, when) in the audit log and
`show`; `purge` deletes what it kept with the employee. And an outcome file run again skips
what it already logged."""

from __future__ import annotations

from datetime import date

import pytest

from seniorcli.db import connect

from conftest import AS_OF, db_snapshot, write_csv

pytestmark = pytest.mark.both_engines


@pytest.fixture
def real_today(monkeypatch):
    """The real date, as `log` reads it (cli.common.today), pinned to the tests' AS_OF."""
    from seniorcli.cli import common

    monkeypatch.setattr(common, "today", lambda: date.fromisoformat(AS_OF))


@pytest.fixture
def staff(run, tmp_path):
    f = write_csv(
        tmp_path / "r.csv", "id,name,birth_date,hire_date,leave_date",
        "001,Anna Ærø,1971-06-15,2000-01-01,",  # 55 on 2026-06-15
        "002,Bent Bæk,1971-03-01,2000-01-01,",  # 55 on 2026-03-01
        "005,Eva Eng,1960-03-03,2026-08-01,",  # hired 2026-08-01
        "009,Ole Ud,1960-01-01,2000-01-01,2026-09-30",  # left 2026-09-30
    )
    assert run("import", f, "--as-of", AS_OF).exit_code == 0


def shown(run, employee_id, *args):
    r = run("show", employee_id, "--as-of", AS_OF, "-f", "json", *args)
    assert r.exit_code == 0, r.stderr
    return r.json()


def due_ids(run, as_of=AS_OF):
    r = run("due", "--rules", "norddjurs", "--as-of", as_of, "-f", "json")
    assert r.exit_code == 0, r.stderr
    return {row["employee_id"] for row in r.json()}


def log(run, *args):
    r = run("log", *args, "--as-of", AS_OF)
    assert r.exit_code == 0, r.stderr
    return r


# --- ids ------------------------------------------------------------------------------------

def test_the_confirmation_names_the_outcome_in_danish(run, staff):
    r = run("log", "001", "held", "--date", "2026-10-01", "--as-of", AS_OF, lang="da")
    assert r.exit_code == 0, r.stderr
    assert "001 afholdt den 01-10-2026 (id 1)" in r.stderr and "held" not in r.stderr


def test_logged_outcomes_show_their_ids(run, staff):
    r = log(run, "001", "held", "--date", "2026-10-01")
    assert "Logged: 001 held on 2026-10-01 (id 1)." in r.stderr
    log(run, "001", "invited", "--date", "2026-09-15")
    assert [(c["id"], c["outcome"]) for c in shown(run, "001")["conversations"]] == [
        (2, "invited"), (1, "held")]
    table = run("show", "001", "--as-of", AS_OF).stdout
    assert "┃ Id ┃ Date" in table
    assert "│ 2  │ 2026-09-15 │ invited" in table and "│ 1  │ 2026-10-01 │ held" in table


def test_log_stays_a_single_command_beside_its_corrections(run, staff):
    r = run("log", "--help")
    assert r.exit_code == 0
    assert "Usage: seniorcli log [OPTIONS] [EMPLOYEE_ID] [OUTCOME]" in r.stdout
    assert "log correct ID" in r.stdout and "log withdraw ID" in r.stdout
    assert "Usage: seniorcli log correct [OPTIONS]" in run("log", "correct", "--help").stdout
    # options before the id, as before
    r = run("log", "--date", "2026-10-01", "002", "declined", "--as-of", AS_OF)
    assert r.exit_code == 0 and "Logged: 002 declined on 2026-10-01" in r.stderr
    r = run("log")
    assert r.exit_code == 2 and "give EMPLOYEE_ID and OUTCOME" in r.stderr


def test_a_correction_on_a_database_that_is_not_there_creates_nothing(run, db):
    for args in (("log", "correct", "1", "--note", "x"), ("log", "withdraw", "1", "--reason", "x"),
                 ("agreement", "correct", "1", "--hours", "30"),
                 ("agreement", "withdraw", "1", "--reason", "x")):
        r = run(*args)
        if isinstance(db, str):  # PostgreSQL: an empty database, left without tables
            assert r.exit_code == 1 and "there is no seniorcli register in" in r.stderr, args
            assert db_snapshot(db) == {}
        else:
            assert r.exit_code == 1 and "there is no database at" in r.stderr, args
            assert not db.exists()


# --- correcting an outcome --------------------------------------------------------------------

def test_correcting_the_date_moves_the_next_offer_and_keeps_the_old_date(run, staff):
    log(run, "001", "held", "--date", "2025-10-01")
    assert "001" in due_ids(run)  # held 2025-10-01: due again 2026-10-01
    r = run("log", "correct", "1", "--date", "2026-10-01")
    assert r.exit_code == 0, r.stderr
    assert "Corrected outcome 1: date 2025-10-01 → 2026-10-01." in r.stderr
    assert "001" not in due_ids(run)
    detail = shown(run, "001", "--rules", "norddjurs")
    assert detail["next_due"]["due_date"] == "2027-10-01"
    [c] = detail["corrections"]
    assert c["command"] == "log correct" and c["os_user"] and c["at"].startswith("20")
    assert c["detail"] == "outcome 1 (held on 2025-10-01): date 2025-10-01 → 2026-10-01"
    table = run("show", "001", "--as-of", AS_OF).stdout
    assert "Corrections and withdrawals" in table and "2025-10-01 → 2026-10-01" in table
    audit = run("audit", "-f", "json").json()
    assert (audit[-1]["command"], audit[-1]["rows_changed"]) == ("log correct", 1)


def test_correcting_the_employee_moves_it_and_both_show_it(run, staff):
    log(run, "001", "held", "--date", "2026-10-01", "--note", "Ønsker 32 timer")
    assert due_ids(run) == {"002", "005"}
    r = run("log", "correct", "1", "--employee", "002")
    assert r.exit_code == 0, r.stderr
    assert due_ids(run) == {"001", "005"}  # 002 held it, 001 did not
    assert shown(run, "001")["conversations"] == []
    assert [c["note"] for c in shown(run, "002")["conversations"]] == ["Ønsker 32 timer"]
    text = ("outcome 1 (held on 2026-10-01, note 'Ønsker 32 timer'): employee '001' → "
            "employee '002'")
    assert [c["detail"] for c in shown(run, "001")["corrections"]] == [text]
    assert [c["detail"] for c in shown(run, "002")["corrections"]] == [text]
    # one row changed, counted once
    assert sum(a["rows_changed"] for a in run("audit", "-f", "json").json()
               if a["command"] == "log correct") == 1


def test_correcting_outcome_note_and_flags(run, staff):
    log(run, "001", "held", "--date", "2026-10-01", "--note", "Godt møde")
    r = run("log", "correct", "1", "--outcome", "afslået", "--note", "", "--with-mus")
    assert r.exit_code == 0, r.stderr
    [c] = shown(run, "001")["conversations"]
    assert (c["outcome"], c["note"], c["with_mus"]) == ("declined", None, True)
    assert shown(run, "001")["corrections"][0]["detail"] == (
        "outcome 1 (held on 2026-10-01, note 'Godt møde'): outcome 'held' → 'declined'; "
        "note 'Godt møde' → none; with MUS no → yes")


def test_a_correction_that_changes_nothing_says_so_and_writes_nothing(run, db, staff):
    log(run, "001", "held", "--date", "2026-10-01")
    before = db_snapshot(db)
    r = run("log", "correct", "1", "--date", "2026-10-01", "--outcome", "held")
    assert r.exit_code == 0 and "nothing was changed" in r.stderr
    assert db_snapshot(db) == before
    r = run("log", "correct", "1")
    assert r.exit_code == 2 and "say what to correct" in r.stderr
    assert db_snapshot(db) == before


def test_corrections_are_refused_as_logging_is_and_change_nothing(run, db, staff, real_today):
    log(run, "001", "held", "--date", "2026-10-01")
    log(run, "001", "declined", "--date", "2026-10-05")
    log(run, "002", "invited", "--date", "2026-11-20")
    before = db_snapshot(db)
    cases = [
        (("99", "--date", "2026-10-02"), "no logged outcome with id 99"),
        (("1", "--employee", "777"), "no employee with id '777'"),
        (("1", "--employee", "005", "--date", "2026-07-31"),
         "2026-07-31 is before the hire date 2026-08-01"),
        (("1", "--employee", "009"), "2026-10-01 is after the leave date 2026-09-30"),
        (("1", "--date", "1999-12-31"), "1999-12-31 is before the hire date 2000-01-01"),
        (("1", "--date", "2026-11-02"), "2026-11-02 is in the future: today is 2026-11-01"),
        (("3", "--outcome", "held"), "2026-11-20 is in the future"),  # invited → held
        (("1", "--date", "2026-10-05", "--outcome", "declined"),
         "'declined' on 2026-10-05 is already logged for this employee (id 2)"),
        (("1", "--outcome", "chatted"), "'chatted' is not an outcome"),
    ]
    for args, message in cases:
        r = run("log", "correct", *args)
        assert r.exit_code == 1, (args, r.stderr)
        assert message in r.stderr, (args, r.stderr)
        assert r.stderr.count("Error:") == 1 and "Traceback" not in r.stderr
    assert db_snapshot(db) == before


def test_correcting_only_the_note_of_an_earlier_employment_is_allowed(run, tmp_path, staff):
    log(run, "002", "held", "--date", "2024-05-01")
    write_csv(tmp_path / "back.csv", "id,name,birth_date,hire_date",
              "002,Bent Bæk,1971-03-01,2026-09-01")  # back again: a new employment
    assert run("import", tmp_path / "back.csv", "--partial", "--as-of", AS_OF).exit_code == 0
    r = run("log", "correct", "1", "--note", "Fra sidste ansættelse")
    assert r.exit_code == 0, r.stderr
    # but moving it is checked against the employment
    r = run("log", "correct", "1", "--date", "2024-05-02")
    assert r.exit_code == 1 and "before the hire date 2026-09-01" in r.stderr


# --- withdrawing an outcome ---------------------------------------------------------------------

def test_withdrawing_an_outcome_takes_it_out_of_every_answer(run, db, staff):
    log(run, "001", "held", "--date", "2026-10-01", "--with-mus", "--note", "Forkert person")
    assert "001" not in due_ids(run)
    r = run("log", "withdraw", "1", "--reason", "logged for the wrong employee")
    assert r.exit_code == 0, r.stderr
    assert "Withdrew outcome 1 of 001: held on 2026-10-01, with MUS, note 'Forkert person'." \
        in r.stderr
    assert "001" in due_ids(run)
    detail = shown(run, "001")
    assert detail["conversations"] == []
    assert [(c["command"], c["detail"]) for c in detail["corrections"]] == [
        ("log withdraw", "outcome 1 (held on 2026-10-01, with MUS, note 'Forkert person') "
                         "withdrawn; reason: logged for the wrong employee")]
    # the same outcome may be logged again; it gets a new id, never the withdrawn one's
    r = log(run, "001", "held", "--date", "2026-10-01")
    assert "(id 2)" in r.stderr
    before = db_snapshot(db)
    r = run("log", "withdraw", "1", "--reason", "again")  # a re-run reaches nothing
    assert r.exit_code == 1 and "no logged outcome with id 1" in r.stderr
    r = run("log", "withdraw", "2", "--reason", "   ")
    assert r.exit_code == 1 and "a withdrawal needs a reason" in r.stderr
    r = run("log", "withdraw", "2")
    assert r.exit_code == 2 and "--reason" in r.stderr
    assert db_snapshot(db) == before


def test_no_cpr_number_reaches_the_audit_log_or_show(run, db, staff):
    log(run, "001", "held", "--date", "2026-10-01")
    r = run("log", "withdraw", "1", "--reason", "hørte til 150671-1234, ikke Anna")
    assert r.exit_code == 0
    assert "150671-XXXX" in shown(run, "001")["corrections"][0]["detail"]
    conn = connect(db)
    kept = ",".join(d for (d,) in conn.execute("SELECT detail FROM audit") if d is not None)
    conn.close()
    assert "1234" not in kept and "150671-XXXX" in kept


# --- idempotent bulk logging --------------------------------------------------------------------

def test_an_outcome_file_run_again_skips_what_is_logged(run, db, tmp_path, staff):
    f = write_csv(tmp_path / "okt.csv", "employee_id,outcome,date,note,with_mus",
                  "001,held,2026-10-01,Godt møde,ja", "002,afslået,2026-10-02,,")
    r = run("log", "--from-file", f, "--as-of", AS_OF)
    assert r.exit_code == 0 and "Logged 2 outcomes from okt.csv." in r.stderr
    before = db_snapshot(db)
    r = run("log", "--from-file", f, "--as-of", AS_OF)
    assert r.exit_code == 0, r.stderr
    assert "Logged 0 outcomes from okt.csv; 2 already logged, skipped." in r.stderr
    assert db_snapshot(db) == before  # not even an audit row
    r = run("log", "--from-file", f, "--dry-run", "--as-of", AS_OF)
    assert r.exit_code == 0
    assert "Would log 0 outcomes from okt.csv; 2 already logged, would be skipped." in r.stderr
    # the file grows during the month: only the new row is logged
    write_csv(f, "employee_id,outcome,date,note,with_mus",
              "001,held,2026-10-01,Godt møde,ja", "002,afslået,2026-10-02,,",
              "005,requested,2026-10-20,,")
    r = run("log", "--from-file", f, "--as-of", AS_OF)
    assert r.exit_code == 0 and "Logged 1 outcomes from okt.csv; 2 already logged" in r.stderr
    assert [c["outcome"] for c in shown(run, "005")["conversations"]] == ["requested"]


def test_a_row_that_contradicts_what_is_logged_is_an_error_naming_the_line(run, db, tmp_path,
                                                                           staff):
    log(run, "001", "held", "--date", "2026-10-01", "--note", "Godt møde")
    before = db_snapshot(db)
    f = write_csv(tmp_path / "o.csv", "employee_id,outcome,date,note,with_mus",
                  "002,held,2026-10-02,,",  # new: not logged either, all or nothing
                  "001,held,2026-10-01,Dårligt møde,",
                  "001,held,2026-10-01,,ja")
    r = run("log", "--from-file", f, "--as-of", AS_OF)
    assert r.exit_code == 1
    assert ("line 3, note: 'held' on 2026-10-01 is already logged for this employee (id 1) "
            "with the note 'Godt møde', not 'Dårligt møde' (correct it with: seniorcli log "
            "correct 1 --note TEXT)") in r.stderr
    assert "line 4, outcome: 'held' on 2026-10-01 for '001' appears again" in r.stderr
    assert "nothing was logged" in r.stderr
    assert db_snapshot(db) == before
    write_csv(f, "employee_id,outcome,date,note,with_mus", "001,held,2026-10-01,,ja")
    r = run("log", "--from-file", f, "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "line 2, with_mus: 'held' on 2026-10-01 is already logged for this employee (id 1) " \
           "with with_mus no (correct it with: seniorcli log correct 1 --with-mus)" in r.stderr
    assert db_snapshot(db) == before


def test_a_logged_row_is_skipped_even_if_the_employment_has_changed_since(run, tmp_path, staff):
    f = write_csv(tmp_path / "o.csv", "employee_id,outcome,date", "002,held,2024-05-01")
    assert run("log", "--from-file", f, "--as-of", AS_OF).exit_code == 0
    write_csv(tmp_path / "back.csv", "id,name,birth_date,hire_date",
              "002,Bent Bæk,1971-03-01,2026-09-01")
    assert run("import", tmp_path / "back.csv", "--partial", "--as-of", AS_OF).exit_code == 0
    r = run("log", "--from-file", f, "--as-of", AS_OF)
    assert r.exit_code == 0 and "1 already logged, skipped" in r.stderr


def test_logging_one_outcome_twice_is_still_refused_naming_its_id(run, db, staff):
    log(run, "001", "held", "--date", "2026-10-01")
    before = db_snapshot(db)
    r = run("log", "001", "held", "--date", "2026-10-01", "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "'held' on 2026-10-01 is already logged for this employee (id 1)" in r.stderr
    assert db_snapshot(db) == before


# --- agreements: withdraw -----------------------------------------------------------------------

@pytest.fixture
def roster(run, tmp_path):
    f = write_csv(
        tmp_path / "r.csv", "id,name,birth_date,department,hire_date,leave_date",
        "A,Anna Ager,1974-06-15,Skole,2000-01-01,",  # 52 on 2026-06-15
        "L,Leif Leder,1972-03-10,Rådhus,2000-01-01,",  # 54 on 2026-03-10
        "Y,Yngve Ung,1990-01-01,Skole,2015-01-01,",
        "X,Xenia Ex,1960-01-01,Vej,2000-01-01,2026-05-31",
    )
    assert run("import", f, "--as-of", AS_OF).exit_code == 0


def add(run, *args):
    r = run("agreement", "add", *args)
    assert r.exit_code == 0, r.stderr
    return int(r.stdout)


def listed(run, *args):
    r = run("agreement", "list", "--as-of", AS_OF, "-f", "json", *args)
    assert r.exit_code == 0, r.stderr
    return {a["agreement_id"]: a for a in r.json()}


def expiring(run):
    r = run("agreement", "expiring", "--as-of", AS_OF, "--within", "90", "-f", "json")
    return [a["agreement_id"] for a in r.json()]


def test_a_withdrawn_agreement_counts_nowhere_but_show_keeps_it(run, db, roster):
    a = add(run, "Y", "--type", "loentillaeg", "--start", "2026-01-01", "--end", "2026-12-31",
            "--amount", "1500")
    assert expiring(run) == [a] and list(listed(run)) == [a]
    r = run("agreement", "withdraw", str(a), "--reason", "recorded for the wrong employee")
    assert r.exit_code == 0, r.stderr
    assert listed(run) == {} and expiring(run) == []
    assert run("agreement", "list", "--as-of", AS_OF, "-f", "csv").csv() == []
    [kept] = shown(run, "Y")["agreements"]
    assert kept["agreement_id"] == a and kept["withdrawn_at"].startswith("20")
    [c] = shown(run, "Y")["corrections"]
    assert c["detail"] == ("agreement 1 (loentillaeg 2026-01-01 to 2026-12-31, 1,500 kr) "
                           "withdrawn; reason: recorded for the wrong employee")
    table = run("show", "Y", "--as-of", AS_OF).stdout
    assert "(withdrawn on 20" in table and "counts nowhere" in table
    before = db_snapshot(db)
    for args, message in (
        (("withdraw", str(a), "--reason", "x"), "agreement 1 was already withdrawn on 20"),
        (("end", str(a), "--date", "2026-06-30"), "agreement 1 was withdrawn on 20"),
        (("renew", str(a)), "agreement 1 was withdrawn on 20"),
        (("correct", str(a), "--hours", "30"), "agreement 1 was withdrawn on 20"),
        (("withdraw", "99", "--reason", "x"), "no agreement with id 99"),
    ):
        r = run("agreement", *args)
        assert r.exit_code == 1 and message in r.stderr, (args, r.stderr)
    assert db_snapshot(db) == before


def test_withdrawing_is_not_ending(run, roster):
    ended = add(run, "Y", "--type", "andet", "--start", "2026-01-01", "--end", "2026-12-31")
    gone = add(run, "Y", "--type", "aflastning", "--start", "2026-01-01", "--end", "2026-12-31")
    run("agreement", "end", str(ended), "--date", "2026-06-30")
    run("agreement", "withdraw", str(gone), "--reason", "never agreed")
    agreements = listed(run)
    assert list(agreements) == [ended] and agreements[ended]["ended_early"] is True


def test_a_withdrawn_generationsskifte_frees_its_days_for_the_limits(run, roster):
    wrong = add(run, "L", "--type", "generationsskifte", "--start", "2026-04-01",
                "--end", "2032-03-31")
    r = run("agreement", "add", "L", "--type", "generationsskifte", "--start", "2026-05-01",
            "--end", "2030-04-30")
    assert r.exit_code == 1 and "one at a time" in r.stderr
    run("agreement", "withdraw", str(wrong), "--reason", "wrong dates")
    right = add(run, "L", "--type", "generationsskifte", "--start", "2026-05-01",
                "--end", "2032-04-30")  # 6 years from its own start: the withdrawn one is gone
    assert list(listed(run)) == [right]


def test_a_renewed_agreement_is_withdrawn_after_its_renewal(run, db, roster):
    first = add(run, "Y", "--type", "andet", "--start", "2026-01-01", "--end", "2026-06-30")
    second = int(run("agreement", "renew", str(first), "--until", "2026-12-31").stdout)
    before = db_snapshot(db)
    r = run("agreement", "withdraw", str(first), "--reason", "x")
    assert r.exit_code == 1
    assert "agreement 1 was renewed by agreement 2" in r.stderr
    assert "withdraw agreement 2 first" in r.stderr
    assert db_snapshot(db) == before
    assert run("agreement", "withdraw", str(second), "--reason", "renewed by mistake"
               ).exit_code == 0
    # the first one may be renewed again, and is not shown as renewed any more
    r = run("agreement", "renew", str(first), "--until", "2027-06-30")
    assert r.exit_code == 0, r.stderr
    r = run("agreement", "expiring", "--as-of", "2027-06-01", "-f", "json")
    assert [(a["agreement_id"], a["renewed_by"]) for a in r.json()] == [(3, None)]


# --- agreements: correct ------------------------------------------------------------------------

def test_correcting_end_hours_and_amount_reaches_the_payroll_export(run, roster):
    a = add(run, "Y", "--type", "nedsat_tid", "--start", "2026-01-01", "--end", "2027-06-30",
            "--hours", "30", "--amount", "1000")
    assert expiring(run) == []
    r = run("agreement", "correct", str(a), "--end", "2026-12-31", "--hours", "28",
            "--amount", "1.200,50", "--note", "Rettet")
    assert r.exit_code == 0, r.stderr
    assert expiring(run) == [a]
    row = listed(run)[a]
    assert (row["end_date"], row["weekly_hours"], row["amount"], row["note"]) == (
        "2026-12-31", 28, 1200.5, "Rettet")
    [c] = shown(run, "Y")["corrections"]
    assert c["command"] == "agreement correct"
    assert c["detail"] == (
        "agreement 1 (nedsat_tid 2026-01-01 to 2027-06-30, 30 hours, 1,000 kr): "
        "end 2027-06-30 → 2026-12-31; hours 30 → 28; amount 1,000 kr → 1,200.5 kr; "
        "note none → 'Rettet'")


def test_corrected_dates_are_checked_as_agreement_add_checks_them(run, db, roster):
    six = add(run, "L", "--type", "generationsskifte", "--start", "2026-04-01",
              "--end", "2030-03-31")
    other = add(run, "L", "--type", "generationsskifte", "--start", "2031-01-01",
                "--end", "2031-12-31")
    pos = add(run, "A", "--type", "seniorstilling", "--start", "2026-07-01", "--open-ended")
    gone = add(run, "X", "--type", "andet", "--start", "2026-01-01", "--end", "2026-05-31")
    before = db_snapshot(db)
    cases = [
        ((six, "--end", "2031-06-30"), "generationsskifte is one at a time"),
        ((other, "--end", "2033-12-31"), "runs at most 6 years in all for one person"),
        ((six, "--open-ended"), "generationsskifte must name its end"),
        ((six, "--end", "9999-12-31"), "generationsskifte must name its end"),
        ((six, "--start", "2026-03-09"), "generationsskifte is possible from age 54"),
        ((pos, "--start", "2026-06-14"), "seniorstilling is possible from age 52"),
        ((pos, "--end", "2026-06-30"), "the end 2026-06-30 is before the start 2026-07-01"),
        ((gone, "--start", "2026-06-01", "--end", "2026-12-31"),
         "employee 'X' left on 2026-05-31, before the start 2026-06-01"),
        ((pos, "--start", "9999-12-31"), "means 'no end' in payroll files, not a start date"),
        ((99, "--hours", "30"), "no agreement with id 99"),
    ]
    for (aid, *args), message in cases:
        r = run("agreement", "correct", str(aid), *args)
        assert r.exit_code == 1, (args, r.stderr)
        assert message in r.stderr, (args, r.stderr)
        assert r.stderr.count("Error:") == 1 and "Traceback" not in r.stderr
    assert db_snapshot(db) == before
    # its own period is not counted against it: up to the 6 years less the other agreement
    r = run("agreement", "correct", str(six), "--end", "2030-12-31")
    assert r.exit_code == 0, r.stderr
    r = run("agreement", "correct", str(pos), "--end", "2027-12-31")
    assert r.exit_code == 0 and listed(run)[pos]["open_ended"] is False


def test_correcting_an_agreement_ended_early_corrects_its_last_day(run, roster):
    a = add(run, "Y", "--type", "andet", "--start", "2026-01-01", "--end", "2026-12-31")
    run("agreement", "end", str(a), "--date", "2026-06-30")
    assert run("agreement", "correct", str(a), "--end", "2026-07-31").exit_code == 0
    row = listed(run)[a]
    assert row["end_date"] == "2026-07-31" and row["ended_early"] is True
    assert shown(run, "Y")["agreements"][0]["ended_on"] == "2026-07-31"
    r = run("agreement", "correct", str(a), "--open-ended")
    assert r.exit_code == 1 and "it was ended early on 2026-07-31" in r.stderr


def test_a_renewal_keeps_continuing_the_agreement_it_renews(run, db, roster):
    first = add(run, "Y", "--type", "andet", "--start", "2026-01-01", "--end", "2026-06-30")
    second = int(run("agreement", "renew", str(first), "--until", "2026-12-31").stdout)
    before = db_snapshot(db)
    r = run("agreement", "correct", str(first), "--end", "2026-05-31")
    assert r.exit_code == 1
    assert "agreement 2 renews it from the day after its end (2026-06-30)" in r.stderr
    r = run("agreement", "correct", str(second), "--start", "2026-08-01")
    assert r.exit_code == 1 and "it renews agreement 1 and starts the day after" in r.stderr
    assert db_snapshot(db) == before
    # what does not touch the chain may be corrected
    assert run("agreement", "correct", str(first), "--start", "2026-02-01").exit_code == 0
    assert run("agreement", "correct", str(second), "--end", "2027-03-31").exit_code == 0


def test_an_agreement_correction_that_changes_nothing(run, db, roster):
    a = add(run, "Y", "--type", "andet", "--start", "2026-01-01", "--end", "2026-12-31")
    before = db_snapshot(db)
    r = run("agreement", "correct", str(a), "--end", "2026-12-31")
    assert r.exit_code == 0 and "Agreement 1 already is so: nothing was changed." in r.stderr
    r = run("agreement", "correct", str(a))
    assert r.exit_code == 2 and "say what to correct" in r.stderr
    r = run("agreement", "correct", str(a), "--end", "2026-12-31", "--open-ended")
    assert r.exit_code == 2
    assert db_snapshot(db) == before


# --- purge --------------------------------------------------------------------------------------

def test_purge_deletes_what_corrections_kept_about_the_leavers(run, db, tmp_path):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date,hire_date,leave_date",
                  "OLD,Olga Gammel,1950-01-01,2000-01-01,2019-12-31",
                  "NOW,Nina Nu,1960-01-01,2000-01-01,")
    run("import", f, "--as-of", AS_OF)
    log(run, "OLD", "held", "--date", "2019-06-01", "--note", "Olgas note")
    run("log", "correct", "1", "--note", "Olgas rettede note")
    log(run, "OLD", "declined", "--date", "2019-07-01", "--note", "Ninas samtale")
    run("log", "correct", "2", "--employee", "NOW")  # logged for the wrong person
    a = add(run, "OLD", "--type", "fratraedelse", "--start", "2019-01-01", "--end",
            "2019-12-31", "--note", "Olgas aftale")
    run("agreement", "withdraw", str(a), "--reason", "Olga sagde nej")
    assert run("purge", "--left-before", "2021-01-01", "--yes").exit_code == 0
    # Nina keeps her correction, without Olga's id
    [c] = shown(run, "NOW")["corrections"]
    assert c["detail"] == ("outcome 2 (declined on 2019-07-01, note 'Ninas samtale'): "
                           "a purged employee → employee 'NOW'")
    audit = run("audit", "-f", "json").json()
    assert [a["command"] for a in audit if a["command"].startswith(("log c", "agreement w"))] \
        == ["log correct", "log correct", "log correct", "agreement withdraw"]  # counts stay
    if isinstance(db, str):  # PostgreSQL: no row of any table keeps them
        data = repr(db_snapshot(db)).encode()
    else:  # SQLite: not even the file's free pages or its -wal
        data = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    for secret in (b"Olgas note", b"Olgas rettede note", b"Olgas aftale", b"Olga sagde nej",
                   b"'OLD'"):
        assert secret not in data, secret
