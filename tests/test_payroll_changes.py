"""The payroll change file (issue 16, point 3): `agreement changes --from D --to D`, one row
per agreement that starts, changes or ends in the period, with the wage type (lønart) from
loenarter.toml; the payroll systems' dialect, xlsx, json; and agreement ends on a weekend or
public holiday flagged (point 6) in `agreement expiring` and `agreement changes`.

Every stamp the tool writes with the real clock (an agreement's ``recorded_at``, the audit's
``at``) is set to a fixed one after the set-up, so that no answer depends on today's date."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from conftest import db_execute as sql
from conftest import db_snapshot, write_csv

pytestmark = pytest.mark.both_engines

OLD = "2026-01-02T08:00:00+00:00"  # "recorded long ago": before every period asked about
WAGE_TYPES = '[loenart]\nseniorstilling = "0610"\n"løntillæg" = "0620"\nnedsat_tid = "0630"\n'
HEADER = b"employee_id;wage_type;kind;first_day;last_day;weekly_hours;amount;agreement_id;name\r\n"


@pytest.fixture
def config(tmp_path, monkeypatch):
    """An empty configuration folder of our own (never the real user's): <cfg>/seniorcli."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    folder = tmp_path / "cfg" / "seniorcli"
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def wage_types(config):
    path = config / "loenarter.toml"
    path.write_text(WAGE_TYPES, encoding="utf-8")
    return path


def settle(db) -> None:
    """Every stamp of the real clock set to one long before the periods asked about."""
    sql(db, "UPDATE agreement SET recorded_at = ?", (OLD,))
    sql(db, "UPDATE agreement SET withdrawn_at = ? WHERE withdrawn_at IS NOT NULL", (OLD,))
    sql(db, "UPDATE audit SET at = ?", (OLD,))
    sql(db, "UPDATE agreement_change SET at = ?", (OLD,))


def add(run, *args) -> int:
    r = run("agreement", "add", *args)
    assert r.exit_code == 0, r.stderr
    return int(r.stdout)


@pytest.fixture
def register(run, db, tmp_path, wage_types):
    """Agreements around November 2026, each named by what it is in that month."""
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date,department",
                  "00123,Kirsten Møller,1960-01-01,Ældreplejen",
                  "00200,Bo Bæk,1961-01-01,Skole",
                  '00300,"Carsten ""Calle"" Madsen; jr",1962-03-04,Sundhed',
                  "00777,Åse Ærø Østergaard,1959-05-06,Ældreplejen")
    assert run("import", f, "--as-of", "2026-11-01").exit_code == 0
    ids = {}
    ids["start_first_day"] = add(run, "00123", "--type", "seniorstilling", "--start",
                                 "2026-11-01", "--end", "2027-10-31", "--hours", "30")
    ids["start_day_before"] = add(run, "00123", "--type", "loentillaeg", "--start",
                                  "2026-10-31", "--end", "2027-10-30", "--amount", "1500")
    ids["start_last_day"] = add(run, "00200", "--type", "loentillaeg", "--start", "2026-11-30",
                                "--end", "2027-11-29", "--amount", "1234,5")
    ids["start_day_after"] = add(run, "00200", "--type", "nedsat_tid", "--start", "2026-12-01",
                                 "--open-ended", "--hours", "32")
    ids["end_last_day"] = add(run, "00200", "--type", "seniorstilling", "--start", "2026-01-01",
                              "--end", "2026-11-30", "--hours", "30")
    ids["end_day_before"] = add(run, "00300", "--type", "loentillaeg", "--start", "2026-01-01",
                                "--end", "2026-10-31", "--amount", "500")
    ids["end_day_after"] = add(run, "00300", "--type", "loentillaeg", "--start", "2026-01-01",
                               "--end", "2026-12-01", "--amount", "600")
    ids["open_ended"] = add(run, "00300", "--type", "seniorstilling", "--start", "2025-01-01",
                            "--end", "9999-12-31", "--hours", "28")
    ids["ended_early"] = add(run, "00777", "--type", "seniorstilling", "--start", "2026-01-01",
                             "--end", "2027-12-31", "--hours", "30")
    assert run("agreement", "end", ids["ended_early"], "--date", "2026-11-15").exit_code == 0
    ids["renewed"] = add(run, "00777", "--type", "loentillaeg", "--start", "2025-11-21",
                         "--end", "2026-11-20", "--amount", "1000")
    r = run("agreement", "renew", ids["renewed"], "--until", "2027-11-20")
    ids["renewal"] = int(r.stdout)
    ids["withdrawn"] = add(run, "00123", "--type", "nedsat_tid", "--start", "2026-11-10",
                           "--end", "2027-05-09")
    assert run("agreement", "withdraw", ids["withdrawn"], "--reason", "forkert").exit_code == 0
    ids["late"] = add(run, "00777", "--type", "nedsat_tid", "--start", "2026-09-01",
                      "--end", "2027-02-28", "--hours", "34")
    ids["renewed_at_boundary"] = add(run, "00300", "--type", "nedsat_tid", "--start",
                                     "2026-06-01", "--end", "2026-11-30", "--hours", "30")
    r = run("agreement", "renew", ids["renewed_at_boundary"], "--until", "2027-05-31")
    ids["renewal_at_boundary"] = int(r.stdout)
    # corrections: the amount of one that began the day before the period (recorded at 00:30
    # on 1 November in Denmark), the amount of one running all year (10 November); the hours
    # of the open-ended one at 23:30 on 31 October in Denmark (before the period) and its
    # note alone in the period (payroll keys no note)
    for aid, option, value in ((ids["start_day_before"], "--amount", "1550"),
                               (ids["end_day_after"], "--amount", "650"),
                               (ids["open_ended"], "--hours", "26"),
                               (ids["open_ended"], "--note", "aftalt; 26 timer")):
        assert run("agreement", "correct", aid, option, value).exit_code == 0
    settle(db)
    sql(db, "UPDATE agreement SET recorded_at = ? WHERE id = ?",
        ("2026-11-05T10:00:00+00:00", ids["late"]))
    for aid, fields, stamp in ((ids["start_day_before"], "amount", "2026-10-31T23:30:00+00:00"),
                               (ids["end_day_after"], "amount", "2026-11-10T09:00:00+00:00"),
                               (ids["open_ended"], "hours", "2026-10-31T22:30:00+00:00"),
                               (ids["open_ended"], "note", "2026-11-10T09:00:00+00:00")):
        sql(db, "UPDATE agreement_change SET at = ? WHERE agreement_id = ? AND fields = ?",
            (stamp, aid, fields))
    return ids


def changes(run, *args, **kw):
    return run("agreement", "changes", *args, **kw)


def november(run, *args, **kw):
    return changes(run, "--from", "2026-11-01", "--to", "2026-11-30", *args, **kw)


def summary(rows: list[dict]) -> list[tuple]:
    return [(r["employee_id"], r["agreement_id"], r["kind"], r["cause"]) for r in rows]


# --- what counts as a change, at the boundaries of the period ---------------------------------

def test_starts_ends_renewals_corrections_and_late_ones_in_november(run, register):
    ids = register
    r = november(run, "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert summary(r.json()) == [
        ("00123", ids["start_day_before"], "change", "correction"),
        ("00123", ids["start_first_day"], "start", "new"),
        ("00200", ids["start_last_day"], "start", "new"),
        ("00200", ids["end_last_day"], "end", "expires"),
        ("00300", ids["end_day_after"], "change", "correction"),
        ("00777", ids["late"], "start", "new"),
        ("00777", ids["ended_early"], "end", "ended_early"),
        ("00777", ids["renewal"], "change", "renewal"),
    ]


def test_december_has_the_renewal_at_the_boundary_and_the_later_ones(run, register):
    ids = register
    rows = changes(run, "--month", "2026-12", "-f", "json").json()
    assert summary(rows) == [
        ("00200", ids["start_day_after"], "start", "new"),
        ("00300", ids["renewal_at_boundary"], "change", "renewal"),
        ("00300", ids["end_day_after"], "end", "expires"),
    ]
    # the open-ended one (9999-12-31) never ends; the renewed one is no end in November
    assert ids["open_ended"] not in [r["agreement_id"] for r in rows]


def test_october_has_the_end_and_start_of_its_own_boundaries(run, register):
    ids = register
    rows = changes(run, "--from", "2026-10-01", "--to", "2026-10-31", "-f", "json").json()
    assert summary(rows) == [
        ("00123", ids["start_day_before"], "start", "new"),
        # corrected at 22:30 UTC on 31 October: 23:30 in Denmark, still October
        ("00300", ids["open_ended"], "change", "correction"),
        ("00300", ids["end_day_before"], "end", "expires"),
    ]
    assert rows[1]["corrected"] == "hours" and rows[1]["last_day"] is None


def test_one_day_periods_are_inclusive(run, register):
    ids = register
    rows = changes(run, "--from", "2026-11-30", "--to", "2026-11-30", "-f", "json").json()
    assert summary(rows) == [("00200", ids["start_last_day"], "start", "new"),
                             ("00200", ids["end_last_day"], "end", "expires")]
    rows = changes(run, "--from", "2026-11-01", "--to", "2026-11-01", "-f", "json").json()
    assert [r["agreement_id"] for r in rows] == [ids["start_day_before"], ids["start_first_day"]]


def test_rows_carry_the_terms_payroll_keys(run, register):
    ids = register
    rows = {(r["agreement_id"], r["kind"]): r for r in november(run, "-f", "json").json()}
    early = rows[ids["ended_early"], "end"]
    assert (early["first_day"], early["last_day"], early["weekly_hours"]) == (
        "2026-01-01", "2026-11-15", 30)
    renewal = rows[ids["renewal"], "change"]
    assert (renewal["first_day"], renewal["last_day"], renewal["amount"]) == (
        "2026-11-21", "2027-11-20", 1000)
    corrected = rows[ids["end_day_after"], "change"]
    assert (corrected["amount"], corrected["corrected"]) == (650, "amount")
    assert corrected["first_day"] == "2026-01-01" and corrected["last_day"] == "2026-12-01"
    late = rows[ids["late"], "start"]
    assert late["recorded_late"] is True and late["first_day"] == "2026-09-01"
    assert rows[ids["start_first_day"], "start"]["recorded_late"] is False
    assert {r["wage_type"] for r in rows.values()} == {"0610", "0620", "0630"}


def test_json_fields(run, register):
    rows = november(run, "-f", "json").json()
    assert list(rows[0]) == [
        "employee_id", "name", "department", "type", "wage_type", "kind", "cause", "first_day",
        "last_day", "last_day_day_off", "weekly_hours", "amount", "agreement_id", "corrected",
        "recorded_late"]


def test_withdrawn_agreements_never_appear(run, register):
    for period in (("--month", "2026-11"), ("--month", "2027-05")):
        rows = changes(run, *period, "-f", "json").json()
        assert register["withdrawn"] not in [r["agreement_id"] for r in rows]


def test_an_open_ended_agreement_gets_no_end_row_in_any_month(run, register):
    rows = changes(run, "--from", "2025-01-01", "--to", "2031-12-31", "-f", "json").json()
    assert [r["kind"] for r in rows if r["agreement_id"] == register["open_ended"]] == ["start"]


def test_a_correction_of_an_agreement_that_starts_in_the_period_is_in_its_start_row(
        run, db, register):
    aid = register["start_first_day"]
    assert run("agreement", "correct", aid, "--hours", "25").exit_code == 0
    sql(db, "UPDATE agreement_change SET at = ? WHERE agreement_id = ?",
        ("2026-11-20T10:00:00+00:00", aid))
    rows = [r for r in november(run, "-f", "json").json() if r["agreement_id"] == aid]
    assert [(r["kind"], r["weekly_hours"]) for r in rows] == [("start", 25)]


def test_a_correction_of_the_end_alone_is_said_by_the_end_row(run, db, register):
    aid = register["end_last_day"]  # ran all year, ends 30 November
    assert run("agreement", "correct", aid, "--end", "2026-11-27").exit_code == 0
    sql(db, "UPDATE agreement_change SET at = ? WHERE agreement_id = ?",
        ("2026-11-20T10:00:00+00:00", aid))
    rows = [r for r in november(run, "-f", "json").json() if r["agreement_id"] == aid]
    assert [(r["kind"], r["last_day"]) for r in rows] == [("end", "2026-11-27")]
    # moved out of the period: payroll hears of the new last day as a change
    assert run("agreement", "correct", aid, "--end", "2027-01-31").exit_code == 0
    sql(db, "UPDATE agreement_change SET at = ? WHERE agreement_id = ?",
        ("2026-11-21T10:00:00+00:00", aid))
    rows = [r for r in november(run, "-f", "json").json() if r["agreement_id"] == aid]
    assert [(r["kind"], r["last_day"], r["corrected"]) for r in rows] == [
        ("change", "2027-01-31", "end")]


def test_a_renewal_after_an_early_end_is_an_end_and_a_start(run, db, register):
    """The renewed agreement was ended early, so the renewal no longer continues it."""
    ids = register
    assert run("agreement", "end", ids["renewed"], "--date", "2026-11-10").exit_code == 0
    changed_at(db, ids["renewed"], "2026-11-12T10:00:00+00:00")
    rows = [r for r in november(run, "-f", "json").json()
            if r["agreement_id"] in (ids["renewed"], ids["renewal"])]
    assert [(r["agreement_id"], r["kind"], r["cause"]) for r in rows] == [
        (ids["renewed"], "end", "ended_early"), (ids["renewal"], "start", "new")]


def test_a_note_that_reads_like_a_change_changes_nothing_for_payroll(run, db, register):
    """What changed is kept as data (table agreement_change), not read back from the audit
    log's text, which a note could imitate."""
    aid = register["open_ended"]
    before = [r for r in november(run, "-f", "json").json() if r["agreement_id"] == aid]
    assert run("agreement", "correct", aid, "--note", "x): hours 1 → 2; amount 5 kr → 6 kr"
               ).exit_code == 0
    sql(db, "UPDATE agreement_change SET at = ? WHERE agreement_id = ? AND fields = 'note'",
        ("2026-11-20T10:00:00+00:00", aid))
    after = [r for r in november(run, "-f", "json").json() if r["agreement_id"] == aid]
    assert after == before


def test_an_early_end_recorded_in_the_period_for_a_last_day_before_it_reaches_payroll(
        run, db, register):
    """Ended early in December for a last day in November: December's file carries the end,
    recorded late; November's does not (its file was made before anyone knew)."""
    aid = register["open_ended"]
    assert run("agreement", "end", aid, "--date", "2026-11-25").exit_code == 0
    changed_at(db, aid, "2026-12-03T10:00:00+00:00")
    rows = [r for r in changes(run, "--month", "2026-12", "-f", "json").json()
            if r["agreement_id"] == aid]
    assert [(r["kind"], r["cause"], r["last_day"], r["recorded_late"]) for r in rows] == [
        ("end", "ended_early", "2026-11-25", True)]
    assert aid not in [r["agreement_id"] for r in november(run, "-f", "json").json()]


# --- each change in exactly one period's file; a period's file never changes after it ---------

def changed_at(db, aid: int, stamp: str) -> None:
    """The latest change of ``aid`` (agreement_change) made at ``stamp``."""
    sql(db, "UPDATE agreement_change SET at = ? WHERE id = (SELECT max(id) FROM "
        "agreement_change WHERE agreement_id = ?)", (stamp, aid))


def month_file(run, tmp_path, month: str) -> bytes:
    out = tmp_path / f"loen-{month}.csv"
    r = changes(run, "--month", month, "--format", "payroll", "-o", out)
    assert r.exit_code == 0, r.stderr
    return out.read_bytes()


def rows_of(run, aid: int, *months: str) -> list[tuple]:
    """(month, kind, cause, first day, last day, corrected, recorded late) of ``aid``'s rows."""
    return [(m, r["kind"], r["cause"], r["first_day"], r["last_day"], r["corrected"],
             r["recorded_late"])
            for m in months for r in changes(run, "--month", m, "-f", "json").json()
            if r["agreement_id"] == aid]


@pytest.fixture
def newcomer(run, tmp_path):
    """One more employee, with no agreements."""
    f = write_csv(tmp_path / "n.csv", "id,name,birth_date,department",
                  "00900,Ida Holm,1961-02-03,Skole")
    assert run("import", f, "--partial", "--as-of", "2026-11-01").exit_code == 0
    return "00900"


def test_a_start_recorded_after_its_month_is_in_the_next_month_only(run, db, register,
                                                                    newcomer, tmp_path):
    """Recorded on 30 November for 15 October: in November's file (recorded late), and
    October's file, run again after it, is the same as before it."""
    october = month_file(run, tmp_path, "2026-10")
    aid = add(run, newcomer, "--type", "seniorstilling", "--start", "2026-10-15", "--end",
              "2027-10-14", "--hours", "30")
    # 30 November 23:30 in Denmark: still November
    sql(db, "UPDATE agreement SET recorded_at = ? WHERE id = ?",
        ("2026-11-30T22:30:00+00:00", aid))
    assert month_file(run, tmp_path, "2026-10") == october
    assert rows_of(run, aid, "2026-10", "2026-11", "2026-12") == [
        ("2026-11", "start", "new", "2026-10-15", "2027-10-14", None, True)]
    # one minute later it is a December registration
    sql(db, "UPDATE agreement SET recorded_at = ? WHERE id = ?",
        ("2026-11-30T23:01:00+00:00", aid))
    assert [r[0] for r in rows_of(run, aid, "2026-10", "2026-11", "2026-12")] == ["2026-12"]


def test_a_start_recorded_in_its_own_month_is_not_late(run, db, register, newcomer):
    aid = add(run, newcomer, "--type", "seniorstilling", "--start", "2026-11-02", "--end",
              "2027-11-01", "--hours", "30")
    sql(db, "UPDATE agreement SET recorded_at = ? WHERE id = ?",
        ("2026-11-20T10:00:00+00:00", aid))
    assert rows_of(run, aid, "2026-10", "2026-11", "2026-12") == [
        ("2026-11", "start", "new", "2026-11-02", "2027-11-01", None, False)]


@pytest.mark.parametrize("audited", [True, False])
def test_an_early_end_recorded_after_its_month_is_in_the_next_month_only(run, db, register,
                                                                        tmp_path, audited):
    """`agreement end` on 12 November for 20 October: the end is in November's file,
    recorded late, once; October's file is as it was — also for an early end made by an
    earlier version, which wrote no audit detail (not ``audited``)."""
    aid = register["open_ended"]  # corrected twice before: its history is read back
    october = month_file(run, tmp_path, "2026-10")
    assert run("agreement", "end", aid, "--date", "2026-10-20").exit_code == 0
    changed_at(db, aid, "2026-11-12T10:00:00+00:00")
    if not audited:
        sql(db, "UPDATE audit SET detail = NULL, employee_id = NULL "
            "WHERE command = 'agreement end'")
    assert month_file(run, tmp_path, "2026-10") == october
    assert rows_of(run, aid, "2026-10", "2026-11", "2026-12") == [
        ("2026-10", "change", "correction", "2025-01-01", None, "hours", False),
        ("2026-11", "end", "ended_early", "2025-01-01", "2026-10-20", None, True)]


def test_an_early_end_in_a_register_without_its_record_counts_by_its_date(run, db, register):
    """A register from before schema 4 does not know when `agreement end` was run: the end
    counts by its date, as before."""
    aid = register["ended_early"]  # ended on 15 November
    sql(db, "DELETE FROM agreement_change WHERE agreement_id = ?", (aid,))
    assert rows_of(run, aid, "2026-10", "2026-11", "2026-12") == [
        ("2026-11", "end", "ended_early", "2026-01-01", "2026-11-15", None, False)]


def test_a_correction_after_the_month_leaves_the_month_as_it_was(run, db, register, tmp_path):
    """A file run again shows the terms as they were at the end of its period: the hours
    corrected in December are December's change, not a changed November."""
    aid = register["start_first_day"]  # starts 1 November, 30 hours
    november = month_file(run, tmp_path, "2026-11")
    assert run("agreement", "correct", aid, "--hours", "25", "--note", "rettet").exit_code == 0
    changed_at(db, aid, "2026-12-02T10:00:00+00:00")
    assert month_file(run, tmp_path, "2026-11") == november
    assert b"00123;0610;start;01112026;31102027;30,00;" in november
    december = [r for r in changes(run, "--month", "2026-12", "-f", "json").json()
                if r["agreement_id"] == aid]
    assert [(r["kind"], r["corrected"], r["weekly_hours"]) for r in december] == [
        ("change", "hours", 25)]


def test_corrections_read_back_exactly_what_the_audit_log_wrote():
    """The terms before a correction come from the head of its audit entry, which
    describe_agreement writes: every form of it reads back (and a note cannot imitate it)."""
    from datetime import date

    from seniorcli.db.agreements import AgreementRow
    from seniorcli.services.agreements import describe_agreement
    from seniorcli.services.payroll import Terms, terms_before

    def row(end, ended_on, hours, amount, note):
        return AgreementRow(7, "1", "nedsat_tid", date(2026, 1, 1), end, end is None,
                            ended_on, hours, amount, note, None, None, "", None)

    cases = [
        (row(date(2027, 6, 30), None, 37.5, 1234.5, None),
         Terms(date(2026, 1, 1), date(2027, 6, 30), False, 37.5, 1234.5)),
        (row(None, None, None, 1500000.0, "x): start 2020-01-01 → 2021-01-01"),
         Terms(date(2026, 1, 1), None, False, None, 1500000.0)),
        (row(date(2026, 11, 15), date(2026, 11, 15), 0.5, None, "37 hours, 5 kr"),
         Terms(date(2026, 1, 1), date(2026, 11, 15), True, 0.5, None)),
        (row(date(9999, 12, 31), None, None, -200.0, "'"),
         Terms(date(2026, 1, 1), None, False, None, -200.0)),
    ]
    for agreement, terms in cases:
        assert terms_before(f"agreement 7 ({describe_agreement(agreement)}): hours 1 → 2") == (
            7, terms)
    assert terms_before("agreement 7 (gone): amount 1 kr → 2 kr") == (7, None)
    assert terms_before("something else") is None


# --- renewals, judged by what was recorded by the end of the period -----------------------------

def test_a_renewal_recorded_after_the_month_leaves_the_month_as_it_was(run, db, register,
                                                                      tmp_path):
    """Renewed on 4 December for 1 December: November's file keeps the end it had (payroll
    stopped the supplement on 30 November), and December's starts it again from 1 December
    as a renewal, with no day between."""
    old = register["end_last_day"]  # 00200's seniorstilling, ends 30 November
    november = month_file(run, tmp_path, "2026-11")
    r = run("agreement", "renew", old, "--until", "2027-11-30")
    assert r.exit_code == 0, r.stderr
    new = int(r.stdout)
    sql(db, "UPDATE agreement SET recorded_at = ? WHERE id = ?",
        ("2026-12-04T09:00:00+00:00", new))
    assert month_file(run, tmp_path, "2026-11") == november
    assert b"00200;0610;end;01012026;30112026;30,00;" in november
    assert rows_of(run, old, "2026-11", "2026-12") == [
        ("2026-11", "end", "expires", "2026-01-01", "2026-11-30", None, False)]
    assert rows_of(run, new, "2026-11", "2026-12", "2027-01") == [
        ("2026-12", "start", "renewal", "2026-12-01", "2027-11-30", None, False)]
    # asked for November and December at once: the renewal was known by its end, so it
    # continues the agreement: one change
    rows = changes(run, "--from", "2026-11-01", "--to", "2026-12-31", "-f", "json").json()
    assert [(r["agreement_id"], r["kind"], r["cause"]) for r in rows
            if r["agreement_id"] in (old, new)] == [(new, "change", "renewal")]


def test_a_renewal_recorded_in_the_month_after_the_last_day_is_one_change(run, db, register,
                                                                         newcomer):
    aid = add(run, newcomer, "--type", "loentillaeg", "--start", "2026-01-01", "--end",
              "2026-11-10", "--amount", "800")
    sql(db, "UPDATE agreement SET recorded_at = ? WHERE id = ?", (OLD, aid))
    new = int(run("agreement", "renew", aid, "--until", "2027-11-10").stdout)
    sql(db, "UPDATE agreement SET recorded_at = ? WHERE id = ?",
        ("2026-11-25T09:00:00+00:00", new))
    assert rows_of(run, aid, "2026-10", "2026-11", "2026-12") == []
    assert rows_of(run, new, "2026-10", "2026-11", "2026-12") == [
        ("2026-11", "change", "renewal", "2026-11-11", "2027-11-10", None, False)]


def test_a_renewal_recorded_in_time_is_a_change_and_no_end(run, register):
    ids = register  # renewed_at_boundary ends 30 November; its renewal was recorded long ago
    assert rows_of(run, ids["renewed_at_boundary"], "2026-11", "2026-12") == []
    assert rows_of(run, ids["renewal_at_boundary"], "2026-11", "2026-12") == [
        ("2026-12", "change", "renewal", "2026-12-01", "2027-05-31", None, False)]


# --- withdrawn after payroll was told: cancel ---------------------------------------------------

def test_a_withdrawn_agreement_payroll_was_told_of_is_cancelled(run, db, register, newcomer,
                                                               tmp_path):
    aid = register["start_first_day"]  # 00123's seniorstilling from 1 November, 30 hours
    november = month_file(run, tmp_path, "2026-11")
    r = run("agreement", "withdraw", aid, "--reason", "forkert medarbejder")
    assert r.exit_code == 0, r.stderr
    sql(db, "UPDATE agreement SET withdrawn_at = ? WHERE id = ?",
        ("2026-12-02T08:00:00+00:00", aid))
    assert month_file(run, tmp_path, "2026-11") == november
    assert rows_of(run, aid, "2026-11", "2026-12", "2027-01", "2027-10") == [
        ("2026-11", "start", "new", "2026-11-01", "2027-10-31", None, False),
        ("2026-12", "cancel", "new", "2026-11-01", "2027-10-31", None, False)]
    december = month_file(run, tmp_path, "2026-12")
    assert f"00123;0610;cancel;01112026;31102027;30,00;;{aid};Kirsten Møller\r\n".encode(
        "cp1252") in december
    table_da = changes(run, "--month", "2026-12", lang="da").stdout
    assert "annulleret" in table_da
    out = tmp_path / "dec.xlsx"
    assert changes(run, "--month", "2026-12", "-o", out, lang="da").exit_code == 0
    ws = load_workbook(out).active
    head = [c.value for c in ws[1]]
    kinds = {(r[head.index("Aftale")], r[head.index("Ændring")])
             for r in ws.iter_rows(min_row=2, values_only=True)}
    assert (aid, "annulleret") in kinds
    assert "cancel" in changes(run, "--month", "2026-12", lang="en").stdout


def test_a_withdrawal_payroll_never_heard_of_gives_nothing(run, db, register, newcomer):
    """Recorded and withdrawn before its start was due, or in the month it was told: no row
    anywhere."""
    future = add(run, newcomer, "--type", "seniorstilling", "--start", "2027-01-01", "--end",
                 "2027-12-31")
    same_month = add(run, newcomer, "--type", "loentillaeg", "--start", "2026-12-01",
                     "--end", "2027-11-30", "--amount", "900")
    for aid, withdrawn in ((future, "2026-12-10T08:00:00+00:00"),
                           (same_month, "2026-12-20T08:00:00+00:00")):
        assert run("agreement", "withdraw", aid, "--reason", "fejl").exit_code == 0
        sql(db, "UPDATE agreement SET recorded_at = ?, withdrawn_at = ? WHERE id = ?",
            ("2026-11-15T08:00:00+00:00", withdrawn, aid))
        assert rows_of(run, aid, "2026-11", "2026-12", "2027-01") == []
    # run before the withdrawal was recorded, December's file had it: the cancel is then
    # January's (the withdrawal was recorded after December's end)
    sql(db, "UPDATE agreement SET withdrawn_at = ? WHERE id = ?",
        ("2027-01-05T08:00:00+00:00", same_month))
    assert [r[:2] for r in rows_of(run, same_month, "2026-11", "2026-12", "2027-01")] == [
        ("2026-12", "start"), ("2027-01", "cancel")]


def test_a_cancelled_renewal_says_it_was_a_renewal_and_the_old_end_comes(run, db, register):
    """renewed_at_boundary ends 30 November; its renewal (December's change) is withdrawn in
    January: January cancels the renewal and carries the old agreement's end, late."""
    ids = register
    r = run("agreement", "withdraw", ids["renewal_at_boundary"], "--reason", "fejl")
    assert r.exit_code == 0, r.stderr
    sql(db, "UPDATE agreement SET withdrawn_at = ? WHERE id = ?",
        ("2027-01-06T08:00:00+00:00", ids["renewal_at_boundary"]))
    assert rows_of(run, ids["renewal_at_boundary"], "2026-12", "2027-01") == [
        ("2026-12", "change", "renewal", "2026-12-01", "2027-05-31", None, False),
        ("2027-01", "cancel", "renewal", "2026-12-01", "2027-05-31", None, False)]
    assert rows_of(run, ids["renewed_at_boundary"], "2026-11", "2026-12", "2027-01") == [
        ("2027-01", "end", "expires", "2026-06-01", "2026-11-30", None, True)]


def test_a_start_moved_later_after_payroll_was_told_is_one_correction(run, db, register,
                                                                     tmp_path):
    """The start payroll was told of in November is moved to 1 January in December:
    December's file has the correction (corrected=start), January's no second start, and
    November's is as it was."""
    aid = register["start_first_day"]
    november = month_file(run, tmp_path, "2026-11")
    r = run("agreement", "correct", aid, "--start", "2027-01-01")
    assert r.exit_code == 0, r.stderr
    changed_at(db, aid, "2026-12-03T10:00:00+00:00")
    assert month_file(run, tmp_path, "2026-11") == november
    assert rows_of(run, aid, "2026-11", "2026-12", "2027-01") == [
        ("2026-11", "start", "new", "2026-11-01", "2027-10-31", None, False),
        ("2026-12", "change", "correction", "2027-01-01", "2027-10-31", "start", False)]


def test_a_start_moved_before_payroll_was_told_is_just_a_start(run, db, register, newcomer):
    aid = add(run, newcomer, "--type", "seniorstilling", "--start", "2027-03-01", "--end",
              "2027-12-31")
    sql(db, "UPDATE agreement SET recorded_at = ? WHERE id = ?",
        ("2026-11-05T10:00:00+00:00", aid))
    assert run("agreement", "correct", aid, "--start", "2027-04-01").exit_code == 0
    changed_at(db, aid, "2026-12-03T10:00:00+00:00")
    assert rows_of(run, aid, "2026-11", "2026-12", "2027-03", "2027-04") == [
        ("2027-04", "start", "new", "2027-04-01", "2027-12-31", None, False)]


def test_a_random_half_year_gives_every_month_the_same_file_when_run_again(run, db, tmp_path,
                                                                      wage_types):
    """Agreements added, corrected, ended early, renewed and withdrawn on random days (each
    stamped with its day, at times on either side of midnight in UTC): each month's file as
    payroll ran it when the month was over is the same when run again at the end, and no
    agreement starts, ends or is cancelled in two months' files."""
    import json
    import random
    from datetime import date, timedelta

    rnd = random.Random(16)
    roster = write_csv(tmp_path / "r.csv", "id,name,birth_date",
                       *[f"{i},Ansat {i},1960-0{i}-01" for i in range(1, 7)])
    assert run("import", roster, "--as-of", "2026-01-01").exit_code == 0
    live: dict[int, tuple[date, date | None]] = {}  # id: start, end as recorded
    ended: set[int] = set()
    renewed: set[int] = set()

    def stamped(table: str, column: str, day: date) -> None:
        at = f"{day.isoformat()}T{rnd.choice(['07', '22', '23'])}:{rnd.randrange(60):02d}:00+00:00"
        sql(db, f"UPDATE {table} SET {column} = ? WHERE id = (SELECT max(id) FROM {table})",
            (at,))

    files: dict[str, str] = {}
    day = date(2026, 1, 1)
    while day < date(2026, 7, 1):
        for _ in range(rnd.randrange(3)):
            op = rnd.random()
            if op < 0.35 or not live:
                start = day + timedelta(days=rnd.randrange(-60, 80))
                end = start + timedelta(days=rnd.randrange(10, 200))
                r = run("agreement", "add", rnd.randrange(1, 7), "--type",
                        rnd.choice(["loentillaeg", "seniorstilling", "nedsat_tid"]),
                        "--start", start, "--end", end, "--amount", rnd.randrange(100, 999))
                if r.exit_code == 0:
                    stamped("agreement", "recorded_at", day)
                    live[int(r.stdout)] = (start, end)
                continue
            aid = rnd.choice(sorted(live))
            start, end = live[aid]
            if op < 0.6:
                what = rnd.choice([["--amount", rnd.randrange(100, 999)],
                                   ["--hours", rnd.randrange(10, 37)],
                                   ["--start", start + timedelta(days=rnd.randrange(-30, 5))],
                                   ["--end", start + timedelta(days=rnd.randrange(5, 300))]])
                note = ["--note", "x): start 2020-01-01 → 2020-02-02"] * (rnd.random() < .3)
                if run("agreement", "correct", aid, *what, *note).exit_code == 0:
                    stamped("agreement_change", "at", day)
            elif op < 0.75 and aid not in ended:
                on = start + timedelta(days=rnd.randrange(0, 150))
                if run("agreement", "end", aid, "--date", on).exit_code == 0:
                    stamped("agreement_change", "at", day)
                    ended.add(aid)
            elif op < 0.9 and aid not in ended | renewed and end is not None:
                r = run("agreement", "renew", aid, "--until",
                        end + timedelta(days=rnd.randrange(30, 200)))
                if r.exit_code == 0:
                    stamped("agreement", "recorded_at", day)
                    renewed.add(aid)
                    live[int(r.stdout)] = (end + timedelta(days=1), None)
            elif run("agreement", "withdraw", aid, "--reason", "fejl").exit_code == 0:
                sql(db, "UPDATE agreement SET withdrawn_at = ? WHERE id = ?",
                    (f"{day.isoformat()}T12:00:00+00:00", aid))
                del live[aid]
        if (day + timedelta(days=1)).day == 1:  # the month is over: payroll runs its file
            files[day.strftime("%Y-%m")] = changes(run, "--month", day.strftime("%Y-%m"),
                                                   "-f", "json").stdout
        day += timedelta(days=1)
    told: dict[tuple[int, str], list[str]] = {}
    for month, made in files.items():
        again = changes(run, "--month", month, "-f", "json").stdout
        assert again == made, month
        for r in json.loads(again):
            what = "start" if r["cause"] in ("new", "renewal") and r["kind"] != "cancel" \
                else r["kind"]
            if r["kind"] != "change" or r["cause"] == "renewal":
                told.setdefault((r["agreement_id"], what), []).append(month)
    assert {k: v for k, v in told.items() if len(v) > 1} == {}
    assert sum(len(json.loads(f)) for f in files.values()) > 80


# --- the payroll systems' dialect ---------------------------------------------------------------

@pytest.fixture
def small(run, db, tmp_path, wage_types):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date,department",
                  "00777,Åse Ærø Østergaard,1959-05-06,Ældreplejen",
                  '00300,"Carsten ""Calle"" Madsen; jr",1962-03-04,Sundhed')
    assert run("import", f, "--as-of", "2026-11-01").exit_code == 0
    add(run, "00777", "--type", "loentillaeg", "--start", "2026-11-02", "--end", "2026-12-26",
        "--amount", "1234,5", "--hours", "37,5", "--note", 'aftalt "mundtligt"; se sag')
    add(run, "00300", "--type", "seniorstilling", "--start", "2026-11-16", "--open-ended",
        "--hours", "30")
    settle(db)


def test_the_payroll_file_bytes(run, small, tmp_path):
    out = tmp_path / "loen.txt"
    r = november(run, "--format", "payroll", "-o", out, terminal=False)
    assert r.exit_code == 0 and r.stdout == ""
    assert out.read_bytes() == HEADER + (
        "00300;0610;start;16112026;;30,00;;2;Carsten 'Calle' Madsen, jr\r\n"
        "00777;0620;start;02112026;26122026;37,50;1234,50;1;Åse Ærø Østergaard\r\n"
    ).encode("cp1252")
    assert "Østergaard".encode("cp1252") in out.read_bytes()  # Ø is one byte: 0xD8
    assert b"\xd8stergaard" in out.read_bytes()
    # the name's ';' and '"' were replaced, and cron is told so (a warning always shows)
    assert "line 2 (employee 00300), name" in r.stderr
    assert "aftalt" not in out.read_text(encoding="cp1252")  # the note is not in the file


def test_utf8_with_bom_no_header_and_no_name(run, small, tmp_path):
    out = tmp_path / "loen.csv"
    r = november(run, "--format", "payroll", "--encoding", "utf-8-sig", "--no-header",
                 "--no-name", "-o", out)
    assert r.exit_code == 0
    assert out.read_bytes() == (
        b"\xef\xbb\xbf"
        b"00300;0610;start;16112026;;30,00;;2\r\n"
        b"00777;0620;start;02112026;26122026;37,50;1234,50;1\r\n")


def test_the_payroll_file_to_standard_output(run, small):
    r = november(run, "--format", "payroll", "--encoding", "utf-8-sig")
    assert r.exit_code == 0
    assert r.stdout.startswith("\ufeffemployee_id;wage_type;")  # the CRLF: see the files above
    assert "37,50;1234,50;1;Åse Ærø Østergaard" in r.stdout


def test_a_character_cp1252_lacks_is_refused_naming_the_employee(run, db, small, tmp_path):
    f = write_csv(tmp_path / "p.csv", "id,name,birth_date,department",
                  "00888,Małgorzata Wiśniewska,1960-02-02,Skole")
    assert run("import", f, "--partial", "--as-of", "2026-11-01").exit_code == 0
    add(run, "00888", "--type", "seniorstilling", "--start", "2026-11-03", "--open-ended")
    settle(db)
    out = tmp_path / "loen.csv"
    out.write_bytes(b"last month's file")
    r = november(run, "--format", "payroll", "-o", out)
    assert r.exit_code == 1
    assert "cp1252" in r.stderr and "nothing was written" in r.stderr
    assert "line 4 (employee 00888): name: 'ł' (U+0142), 'ś' (U+015B)" in r.stderr
    assert "--encoding utf-8-sig" in r.stderr and "Traceback" not in r.stderr
    # only the name cannot be written: payroll does not need it
    assert "--no-name" in r.stderr
    assert out.read_bytes() == b"last month's file"
    r = november(run, "--format", "payroll", "--no-name", "-o", out)
    assert r.exit_code == 0 and b"00888;0610;start;03112026" in out.read_bytes()
    r = november(run, "--format", "payroll", "--encoding", "utf-8-sig", "-o", out)
    assert r.exit_code == 0 and "Małgorzata Wiśniewska" in out.read_text(encoding="utf-8-sig")
    r = november(run, "--format", "payroll", "--encoding", "cp1252", "-o", out, lang="da")
    assert r.exit_code == 1 and "linje 4 (medarbejder 00888)" in r.stderr
    assert "intet blev skrevet" in r.stderr and "udelad navnene" in r.stderr


def test_a_rerun_gives_the_same_bytes(run, register, tmp_path):
    files = [tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "a.xlsx", tmp_path / "b.xlsx"]
    for f in files[:2]:
        assert november(run, "--format", "payroll", "-o", f).exit_code == 0
    for f in files[2:]:
        assert november(run, "-o", f).exit_code == 0
    assert files[0].read_bytes() == files[1].read_bytes()
    assert files[2].read_bytes() == files[3].read_bytes()


def test_a_csv_file_is_plain_csv_and_says_how_to_get_the_payroll_file(run, small, tmp_path):
    out = tmp_path / "loen.csv"
    r = november(run, "-o", out)
    assert r.exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("employee_id,name,department,type,wage_type,kind,")
    assert "2026-11-02" in text
    assert "--format payroll" in r.stderr  # on a terminal only


def test_silent_on_success_when_not_on_a_terminal(run, register, tmp_path):
    r = november(run, "--format", "payroll", "--no-name", "-o", tmp_path / "l.csv",
                 terminal=False)
    assert r.exit_code == 0 and r.stderr == ""
    r = november(run, "--format", "payroll", "-o", tmp_path / "l.csv")
    assert "Wrote 8 changes (2026-11-01 – 2026-11-30)" in r.stderr


def test_an_empty_period_is_a_header_and_needs_no_wage_types(run, small, config, tmp_path):
    (config / "loenarter.toml").unlink()
    out = tmp_path / "l.csv"
    r = changes(run, "--month", "2025-01", "--format", "payroll", "-o", out)
    assert r.exit_code == 0 and out.read_bytes() == HEADER


# --- xlsx and the table ---------------------------------------------------------------------------

def test_xlsx_has_dates_kroner_hours_and_danish_headers(run, small, tmp_path):
    out = tmp_path / "loen.xlsx"
    assert november(run, "-o", out, lang="da").exit_code == 0
    ws = load_workbook(out).active
    head = [c.value for c in ws[1]]
    assert head[:9] == ["Lønnr.", "Navn", "Afdeling", "Aftaletype", "Lønart", "Ændring",
                        "Årsag", "Første dag", "Sidste dag"]
    row = {h: c for h, c in zip(head, ws[3], strict=True)}
    assert row["Lønnr."].value == "00777" and row["Lønart"].value == "0620"
    assert row["Ændring"].value == "start" and row["Årsag"].value == "ny aftale"
    assert row["Første dag"].is_date and row["Første dag"].number_format == "dd-mm-yyyy"
    assert row["Sidste dag"].value.date().isoformat() == "2026-12-26"
    assert row["Sidste dag er fridag"].value == "Anden juledag"
    assert row["Beløb (kr.)"].value == 1234.5 and "kr." in row["Beløb (kr.)"].number_format
    assert row["Timer"].value == 37.5 and isinstance(row["Timer"].value, float)
    assert row["Aftale"].value == 1
    open_ended = {h: c for h, c in zip(head, ws[2], strict=True)}
    assert open_ended["Sidste dag"].value is None
    assert ws.freeze_panes == "A2"


def test_the_table_in_danish_shows_words_and_the_day_off(run, small):
    r = november(run, lang="da")
    assert r.exit_code == 0
    assert "Lønændringer i seniorordninger 01-11-2026 – 30-11-2026" in r.stdout
    assert "Anden juledag" in r.stdout and "ny aftale" in r.stdout
    assert "2 ændringer 01-11-2026 – 30-11-2026; 1 har sidste dag på en weekend- eller " \
        "helligdag" in r.stdout


# --- wage types (lønarter) ----------------------------------------------------------------------

def test_a_type_without_a_wage_type_is_refused_and_nothing_is_written(run, small, config,
                                                                        tmp_path):
    (config / "loenarter.toml").write_text('[loenart]\nseniorstilling = "0610"\n',
                                           encoding="utf-8")
    out = tmp_path / "loen.csv"
    for fmt in ("payroll", "json"):
        r = november(run, "--format", fmt, "-o", out.with_suffix(".json" if fmt == "json"
                                                                 else ".csv"))
        assert r.exit_code == 1
        assert "no wage type (lønart) is configured for loentillaeg (1 change)" in r.stderr
        assert 'loentillaeg = "…"' in r.stderr and str(config / "loenarter.toml") in r.stderr
    assert list(tmp_path.glob("loen*")) == []
    r = november(run, lang="da")
    assert r.exit_code == 1 and "der er ingen lønart sat op for loentillaeg" in r.stderr


def test_without_any_configuration_the_default_file_is_named(run, small, config):
    (config / "loenarter.toml").unlink()
    r = november(run, "-f", "json")
    assert r.exit_code == 1
    assert "loentillaeg (1 change), seniorstilling (1 change)" in r.stderr
    assert str(config / "loenarter.toml") in r.stderr


def test_wage_types_from_a_file_given(run, small, config, tmp_path):
    (config / "loenarter.toml").unlink()
    given = tmp_path / "opus.toml"
    given.write_text('[loenart]\nSeniorstilling = "S01"\n"løn-tillæg" = "0099"\n',
                     encoding="utf-8")
    rows = november(run, "--wage-types", given, "-f", "json").json()
    assert [r["wage_type"] for r in rows] == ["S01", "0099"]


@pytest.mark.parametrize(("text", "message"), [
    ("[loenart\n", "not valid TOML"),
    ('[loenart]\nseniorstiling = "0610"\n', "unknown agreement type 'seniorstiling'; did you "
     "mean 'seniorstilling'?"),
    ("[loenart]\nseniorstilling = 610\n", "seniorstilling = 610: a wage type code must be text "
     "in quotes"),
    ('[loenart]\nseniorstilling = "06;10"\n', 'seniorstilling = "06;10": a wage type code is '
     '1-20 letters and digits'),
    ('[loenart]\nseniorstilling = ""\n', "a wage type code is 1-20 letters and digits"),
    ('[loenart]\nloentillaeg = "1"\n"løntillæg" = "2"\n', "'loentillaeg' and 'løntillæg' are "
     "the same agreement type (loentillaeg)"),
    ('seniorstilling = "0610"\n', "unknown key 'seniorstilling'"),
    ('loenart = "0610"\n', "there is no table [loenart]"),
])
def test_a_bad_wage_type_file_is_refused_naming_it(run, small, config, text, message):
    path = config / "loenarter.toml"
    path.write_text(text, encoding="utf-8")
    r = november(run, "-f", "json")
    assert r.exit_code == 1 and r.stdout == ""
    assert message in r.stderr and str(path) in r.stderr and "Traceback" not in r.stderr
    r = run("agreement", "types", "-f", "json")
    assert r.exit_code == 1 and message in r.stderr


@pytest.mark.parametrize(("text", "message", "fix"), [
    ("[loenart]\nseniorstilling = 0610\n",
     "linje 2, kolonne 18: lønartskoden 0610 skal stå i anførselstegn", 'seniorstilling = "0610"'),
    ('[loenart]\nseniorstilling = "0610"\nløntillæg = "0620"\n',
     "linje 3, kolonne 1: aftaletypen løntillæg skal stå i anførselstegn",
     '"løntillæg" = "0620"'),
    ("[loenart]\nløntillæg = 0620\n", "linje 2, kolonne 1: aftaletypen løntillæg",
     '"løntillæg" = "0620"'),
    ('[loenart]\nseniorstilling = ["0610", "0611"]\n',
     'linje 2, kolonne 18: [loenart]: seniorstilling = ["0610", "0611"]: en lønartskode er '
     "én tekst i anførselstegn, ikke en liste", 'seniorstilling = "0610"'),
    ("[loenart]\nseniorstilling = 610\n", "linje 2, kolonne 18: [loenart]: seniorstilling = "
     "610: en lønartskode", 'seniorstilling = "610"'),
    ("[loenart]\nseniorstilling = “0610”\n", "linje 2, kolonne 18: lønartskoden “0610” står i "
     "typografiske anførselstegn", 'seniorstilling = "0610"'),
])
def test_common_mistakes_in_the_wage_type_file_are_told_in_danish_with_the_fix(
        run, small, config, text, message, fix):
    path = config / "loenarter.toml"
    path.write_text(text, encoding="utf-8")
    r = november(run, "-f", "json", lang="da")
    assert r.exit_code == 1 and r.stdout == ""
    assert f"{path}, {message}" in r.stderr
    assert f"skriv linjen sådan: {fix}" in r.stderr
    for english in ("Expected", "Invalid", '= "list"', "write it as", "after a statement"):
        assert english not in r.stderr


def test_any_other_toml_mistake_is_framed_in_danish_with_its_line(run, small, config):
    path = config / "loenarter.toml"
    path.write_text('[loenart]\nseniorstilling = "0610"\n[noter\n', encoding="utf-8")
    r = november(run, "-f", "json", lang="da")
    assert r.exit_code == 1
    assert (f"{path}, linje 3, kolonne 7: ikke gyldig TOML: et tabelnavn skal slutte med ']'"
            in r.stderr)
    assert "3 | [noter" in r.stderr and "Expected" not in r.stderr


def test_a_missing_wage_type_file_given_is_refused(run, small, tmp_path):
    r = november(run, "--wage-types", tmp_path / "nope.toml")
    assert r.exit_code == 1 and "nope.toml: no such file" in r.stderr


def test_agreement_types_shows_the_configured_codes(run, wage_types, tmp_path):
    types = {t["type"]: t["wage_type"] for t in run("agreement", "types", "-f", "json").json()}
    assert types["seniorstilling"] == "0610" and types["loentillaeg"] == "0620"
    assert types["generationsskifte"] is None
    r = run("agreement", "types", lang="da")
    assert "Lønart" in r.stdout and f"Lønarter fra {wage_types}" in " ".join(r.stdout.split())
    wage_types.unlink()
    r = run("agreement", "types")
    assert "No wage types (lønarter) are configured" in r.stdout


# --- usage mistakes (exit 2, before anything is read) -------------------------------------------

@pytest.mark.parametrize(("args", "message"), [
    (("--from", "2026-12-01", "--to", "2026-11-30"), "--from 2026-12-01 is after --to 2026-11-30"),
    (("--from", "2026-11-01"), "give the period"),
    (("--month", "2026-13"), "is not a month"),
    (("--month", "2026-11", "--from", "2026-11-01"), "not both"),
    (("--month", "2026-11", "--encoding", "utf-8-sig"), "--encoding is for the payroll file"),
    (("--month", "2026-11", "--no-header", "-f", "csv"), "--no-header is for the payroll file"),
    (("--month", "2026-11", "--format", "payroll", "-o", "x.xlsx"), "does not match the file"),
    (("--month", "2026-11", "--encoding", "latin1", "--format", "payroll"), "latin1"),
])
def test_usage_mistakes(run, small, args, message):
    r = changes(run, *args)
    assert r.exit_code == 2 and message in r.stderr


def test_a_payroll_file_named_for_another_format_says_what_to_do_in_plain_danish(run, small):
    r = changes(run, "--month", "2026-11", "--format", "payroll", "-o", "loen.xlsx", lang="da")
    said = " ".join(r.stderr.replace("│", " ").split())
    assert r.exit_code == 2
    assert "en lønfil er en tekstfil (fx loen.csv eller loen.txt)" in said
    assert "navngiv filen til" not in said


def test_month_accepts_the_danish_order_and_december(run, register):
    a = changes(run, "--month", "12-2026", "-f", "json").json()
    b = changes(run, "--from", "2026-12-01", "--to", "2026-12-31", "-f", "json").json()
    assert a == b and len(a) == 3


def test_a_refusal_changes_nothing_in_the_register(run, db, small, config):
    before = db_snapshot(db)
    (config / "loenarter.toml").unlink()
    assert november(run, "--format", "payroll").exit_code == 1
    assert db_snapshot(db) == before


def test_a_missing_register_is_refused(run, db, wage_types):
    r = november(run)
    assert r.exit_code == 1
    if not isinstance(db, str):
        assert not db.exists()


def test_department_filter(run, register):
    rows = november(run, "--department", "skole", "-f", "json").json()
    assert {r["employee_id"] for r in rows} == {"00200"}


# --- agreement ends on a weekend or holiday (point 6) -------------------------------------------

@pytest.fixture
def holiday_ends(run, db, tmp_path, wage_types):
    f = write_csv(tmp_path / "r.csv", "id,name,birth_date,department",
                  "1,Anna Ager,1960-01-01,Skole", "2,Bo Bæk,1961-01-01,Skole",
                  "3,Carl Berg,1962-01-01,Skole")
    assert run("import", f, "--as-of", "2026-11-01").exit_code == 0
    add(run, "1", "--type", "loentillaeg", "--start", "2026-01-01", "--end", "2026-12-26",
        "--amount", "100")  # Anden juledag
    add(run, "2", "--type", "loentillaeg", "--start", "2026-01-01", "--end", "2026-11-28",
        "--amount", "100")  # a Saturday
    add(run, "3", "--type", "loentillaeg", "--start", "2026-01-01", "--end", "2026-11-27",
        "--amount", "100")  # a Friday: a working day
    settle(db)


def test_expiring_flags_an_end_on_a_holiday_or_weekend(run, holiday_ends):
    rows = run("agreement", "expiring", "--as-of", "2026-11-01", "-f", "json", lang="da").json()
    assert {r["employee_id"]: r["end_date_day_off"] for r in rows} == {
        "3": None, "2": "lørdag", "1": "Anden juledag"}
    csv_rows = run("agreement", "expiring", "--as-of", "2026-11-01", "-f", "csv").csv()
    assert [r["end_date_day_off"] for r in csv_rows] == ["", "Saturday", "Second Day of "
                                                         "Christmas"]
    table = run("agreement", "expiring", "--as-of", "2026-11-01", lang="da").stdout
    # the day off beside the date it falls on, in one cell (a narrow terminal keeps it)
    assert "26-12-2026 (Anden juledag)" in table and "28-11-2026 (lørdag)" in table
    assert "2 har sidste dag på en weekend- eller helligdag" in table


def test_changes_flag_an_end_on_a_holiday_or_weekend(run, holiday_ends, tmp_path):
    rows = changes(run, "--from", "2026-11-01", "--to", "2026-12-31", "-f", "json",
                   lang="da").json()
    assert {(r["employee_id"], r["kind"]): r["last_day_day_off"] for r in rows} == {
        ("1", "end"): "Anden juledag", ("2", "end"): "lørdag", ("3", "end"): None}
    out = tmp_path / "c.xlsx"
    assert changes(run, "--month", "2026-11", "-o", out, lang="da").exit_code == 0
    ws = load_workbook(out).active
    column = [c.value for c in ws[1]].index("Sidste dag er fridag")
    assert [r[column].value for r in ws.iter_rows(min_row=2)] == ["lørdag", None]  # 2, 3


def test_agreement_list_carries_the_flag_too(run, holiday_ends):
    rows = run("agreement", "list", "--as-of", "2026-11-01", "-f", "json", lang="da").json()
    assert {r["employee_id"]: r["end_date_day_off"] for r in rows} == {
        "1": "Anden juledag", "2": "lørdag", "3": None}
