"""seniorcli invite: calendar invitations (.ics, read back with icalendar) and the mail-merge
file for the people due — stable UIDs, byte-identical re-runs, never a weekend or holiday,
slots spread per manager, files per manager, Danish text, logging 'invited' once."""

from __future__ import annotations

import csv
import io
import os
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from seniorcli.services.invitations import Schedule, file_names
from seniorcli.workdays import day_off

from conftest import db_rows, db_snapshot, write_csv

pytestmark = pytest.mark.both_engines

BEFORE_XMAS = "2026-12-18"  # a Friday: 7 days on is Juledag (25 Dec)
BEFORE_EASTER = "2027-03-17"  # 7 days on is the Wednesday before Skærtorsdag (25 Mar 2027)

# Køge: first offer from 1 January of the year one turns 55 (a holiday: Nytårsdag).
ROSTER = (
    "M1;Mette Leder;0101801234;Skole;;2005-01-01;;m1@example.dk",  # 46: not due
    *(f"S0{n};Sanne Skole{n};01016{n}4321;Skole;M1;2000-01-01;;s0{n}@example.dk"
      for n in range(1, 10) if n != 5),
    "S05;Søren Uden-Mail;0101654321;Skole;M1;2000-01-01;;",  # no e-mail
    "M2;Mads Mellemleder;0106654321;Vej;M1;2000-01-01;;m2@example.dk",  # due, and a manager
    "V1;Vera Vej;0202624321;Vej;M2;2000-01-01;;v1@example.dk",
    "V2;Viggo Vej;0303634321;Vej;M2;2000-01-01;;ukendt",  # not an address
    "U1;Ulla Ingen-Leder;0101614321;Rådhus;;2000-01-01;;u1@example.dk",  # no manager
    "N1;Nina Ny;0505724321;Skole;M1;2000-01-01;;n1@example.dk",  # due 2027-01-01
    "Y1;Yngve Ung;0101904321;Skole;M1;2015-01-01;;y1@example.dk",  # 36: not due
)
DUE_NOW = {"S01", "S02", "S03", "S04", "S05", "S06", "S07", "S08", "S09", "M2", "V1", "V2",
           "U1"}
M1_STAFF = {"S01", "S02", "S03", "S04", "S05", "S06", "S07", "S08", "S09", "M2"}


@pytest.fixture
def roster(run, tmp_path):
    f = write_csv(tmp_path / "r.csv",
                  "Medarbejdernr;Navn;CPR-nummer;Afdeling;Leder;Ansættelsesdato;"
                  "Fratrædelsesdato;E-mail", *ROSTER)
    r = run("import", f, "--as-of", BEFORE_XMAS)
    assert r.exit_code == 0, r.stderr


def invite(run, folder: Path, *args: str, as_of: str = BEFORE_XMAS, lang: str = "en"):
    r = run("invite", "--rules", "koege", "--as-of", as_of, "--to", folder, *args, lang=lang)
    assert r.exit_code == 0, r.stderr
    return r


def events(folder: Path) -> dict[str, list]:
    """file name → its VEVENTs (parsed back with icalendar)."""
    return {p.name: Calendar.from_ical(p.read_bytes()).walk("VEVENT")
            for p in sorted(folder.glob("*.ics"))}


def by_employee(folder: Path) -> dict[str, object]:
    found = {}
    for evs in events(folder).values():
        for e in evs:
            eid = str(e["UID"]).split("-")[1]
            assert eid not in found
            found[eid] = e
    return found


def merge_rows(folder: Path) -> list[dict]:
    raw = (folder / "flettefil.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def start(e) -> datetime:
    return e["DTSTART"].dt


# --- what is written ---------------------------------------------------------------------------

def test_one_file_per_employee_for_everyone_due(run, roster, tmp_path):
    out = tmp_path / "inv"
    r = invite(run, out)
    assert set(by_employee(out)) == DUE_NOW
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["flettefil.csv", *(f"seniorsamtale-{i}.ics" for i in DUE_NOW)])
    assert (os.stat(out).st_mode & 0o777) == 0o700
    assert all((os.stat(p).st_mode & 0o777) == 0o600 for p in out.iterdir())
    assert "Wrote 13 invitations in 13 calendar files and the mail-merge file flettefil.csv" \
        in r.stderr


def test_meeting_request_when_both_addresses_are_known_else_publish(run, roster, tmp_path):
    out = tmp_path / "inv"
    invite(run, out)

    def cal(eid):
        return Calendar.from_ical((out / f"seniorsamtale-{eid}.ics").read_bytes())

    s01 = cal("S01")
    assert s01["METHOD"] == "REQUEST"
    e = s01.walk("VEVENT")[0]
    assert str(e["ORGANIZER"]) == "mailto:m1@example.dk"
    assert e["ORGANIZER"].params["CN"] == "Mette Leder"
    assert str(e["ATTENDEE"]) == "mailto:s01@example.dk"
    assert e["ATTENDEE"].params["RSVP"] == "TRUE"
    for eid, organizer in (("S05", "mailto:m1@example.dk"), ("V2", "mailto:m2@example.dk"),
                           ("U1", None)):
        c = cal(eid)
        assert c["METHOD"] == "PUBLISH"  # RFC 5546: no attendee in a PUBLISH
        e = c.walk("VEVENT")[0]
        assert "ATTENDEE" not in e
        assert (str(e["ORGANIZER"]) if "ORGANIZER" in e else None) == organizer
    # the times are Danish local times, and the zone is in the file
    assert s01.walk("VTIMEZONE")[0]["TZID"] == "Europe/Copenhagen"
    assert b"DTSTART;TZID=Europe/Copenhagen:" in (out / "seniorsamtale-S01.ics").read_bytes()


def test_missing_e_mail_is_warned_with_the_ids(run, roster, tmp_path):
    r = run("invite", "--rules", "koege", "--as-of", BEFORE_XMAS, "--to", tmp_path / "inv",
            terminal=False)
    assert r.exit_code == 0
    assert "Wrote" not in r.stderr  # cron: no summary
    warnings = [line for line in r.stderr.splitlines() if line.startswith("Warning:")]
    assert len(warnings) == 2, r.stderr
    assert "2 employees have no usable e-mail in the register" in warnings[0]
    assert warnings[0].endswith(": S05, V2")
    assert "1 employee has no manager with a usable e-mail (or no manager)" in warnings[1]
    assert warnings[1].endswith(": U1")


def test_a_run_again_gives_the_same_bytes_and_the_same_uids(run, roster, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    invite(run, a)
    invite(run, b)
    assert {p.name: p.read_bytes() for p in a.iterdir()} == \
        {p.name: p.read_bytes() for p in b.iterdir()}
    again = {p.name: p.read_bytes() for p in a.iterdir()}
    invite(run, a)  # into the same folder: the same files
    assert {p.name: p.read_bytes() for p in a.iterdir()} == again
    e = by_employee(a)["S01"]
    assert str(e["UID"]) == "seniorsamtale-S01-2016-01-01@seniorcli"  # turned 55 in 2016
    assert e["DTSTAMP"].dt == datetime(2026, 12, 18, tzinfo=e["DTSTAMP"].dt.tzinfo)


def test_a_later_run_updates_the_same_events_with_a_higher_sequence(run, roster, tmp_path):
    first, later = tmp_path / "first", tmp_path / "later"
    invite(run, first)
    invite(run, later, as_of="2027-01-11")
    old, new = by_employee(first), by_employee(later)
    for eid in DUE_NOW:
        assert old[eid]["UID"] == new[eid]["UID"]
        assert new[eid]["SEQUENCE"] > old[eid]["SEQUENCE"]
        assert start(new[eid]).date() >= date(2027, 1, 18)  # a week after the later as-of


def test_never_on_a_weekend_or_holiday_around_christmas(run, roster, tmp_path):
    out = tmp_path / "inv"
    invite(run, out, "--within", "31")
    found = by_employee(out)
    for e in found.values():
        assert day_off(start(e).date()) is None, start(e)
    # seven days after Friday 18 December is Juledag; 26, 27 December: a holiday, Sunday
    assert min(start(e).date() for e in found.values()) == date(2026, 12, 28)
    # N1 is due on Nytårsdag 2027 (a Friday), so the first working day after it
    assert start(found["N1"]) == datetime(2027, 1, 4, 9, 0, tzinfo=start(found["N1"]).tzinfo)


def test_never_on_a_weekend_or_holiday_around_easter(run, roster, tmp_path):
    out = tmp_path / "inv"
    invite(run, out, "--per-day", "3", as_of=BEFORE_EASTER)
    days = sorted(start(e).date() for e in by_employee(out).values())
    easter = {date(2027, 3, 25), date(2027, 3, 26), date(2027, 3, 28), date(2027, 3, 29)}
    assert not easter & set(days)
    assert all(d.weekday() < 5 and day_off(d) is None for d in days)
    # M1's ten: 3 on Wednesday 24 March, then Tuesday 30 March after Easter
    m1 = sorted(start(e).date() for eid, e in by_employee(out).items() if eid in M1_STAFF)
    assert m1 == [date(2027, 3, 24)] * 3 + [date(2027, 3, 30)] * 3 + \
        [date(2027, 3, 31)] * 3 + [date(2027, 4, 1)]


def test_one_managers_staff_get_consecutive_slots_and_nobody_is_booked_twice(run, roster,
                                                                              tmp_path):
    out = tmp_path / "inv"
    invite(run, out)
    found = by_employee(out)
    m1 = sorted(start(found[eid]) for eid in M1_STAFF)
    # 09:00 to 14:00 (the last ends by 15:00) on Monday 28 December, the rest the next day
    assert [(s.date(), s.time()) for s in m1] == \
        [(date(2026, 12, 28), time(h)) for h in range(9, 15)] + \
        [(date(2026, 12, 29), time(h)) for h in range(9, 13)]
    assert all(e["DTEND"].dt - start(e) == timedelta(hours=1) for e in found.values())
    # M2 is due himself (with M1) and holds V1's and V2's: never two at once
    m2 = [start(found[eid]) for eid in ("M2", "V1", "V2")]
    assert len(set(m2)) == 3


def test_time_duration_and_day_end_choose_the_slots(run, roster, tmp_path):
    out = tmp_path / "inv"
    invite(run, out, "--time", "8.30", "--duration", "45", "--day-end", "12:00", "-m", "M1")
    found = by_employee(out)
    assert set(found) == M1_STAFF
    times = sorted(start(e) for e in found.values())
    assert [f"{t:%d %H:%M}" for t in times] == [
        "28 08:30", "28 09:15", "28 10:00", "28 10:45", "29 08:30", "29 09:15", "29 10:00",
        "29 10:45", "30 08:30", "30 09:15"]
    assert all(e["DTEND"].dt.time() <= time(12) for e in found.values())


def test_one_file_per_manager_with_all_their_staff(run, roster, tmp_path):
    out = tmp_path / "inv"
    r = invite(run, out, "--per", "manager")
    evs = events(out)
    assert set(evs) == {"leder-M1.ics", "leder-M2.ics", "uden-leder.ics"}
    assert {str(e["UID"]).split("-")[1] for e in evs["leder-M1.ics"]} == M1_STAFF
    assert {str(e["UID"]).split("-")[1] for e in evs["leder-M2.ics"]} == {"V1", "V2"}
    assert {str(e["UID"]).split("-")[1] for e in evs["uden-leder.ics"]} == {"U1"}
    cal = Calendar.from_ical((out / "leder-M1.ics").read_bytes())
    assert cal["METHOD"] == "PUBLISH"
    assert all("ATTENDEE" not in e for e in cal.walk("VEVENT"))
    assert [start(e) for e in cal.walk("VEVENT")] == sorted(start(e) for e in cal.walk("VEVENT"))
    # the manager's file names the employee in the text, as there is no attendee
    s01 = next(e for e in cal.walk("VEVENT") if "-S01-" in str(e["UID"]))
    assert "Employee: Sanne Skole1 (S01), s01@example.dk" in str(s01["DESCRIPTION"])
    assert "Wrote 13 invitations in 3 calendar files" in r.stderr
    # the same UIDs as one file per employee: a calendar sees the same events
    single = tmp_path / "single"
    invite(run, single)
    assert {str(e["UID"]) for evs_ in events(out).values() for e in evs_} == \
        {str(e["UID"]) for e in by_employee(single).values()}


def test_the_text_is_danish_with_the_purpose_the_reason_and_the_source(run, roster, tmp_path):
    out = tmp_path / "inv"
    invite(run, out, "--within", "31", lang="da")
    found = by_employee(out)
    e = found["N1"]
    assert str(e["SUMMARY"]) == "Seniorsamtale – Nina Ny"
    text = str(e["DESCRIPTION"])
    for words in ("Formålet med seniorsamtalen er, at leder og medarbejder i rette tid",
                  "ønsker, behov og forventninger", "arbejdstid", "kompetenceudvikling",
                  "seniorordninger", "tilbagetrækning og pension", "takke nej til",
                  "i forlængelse af MUS", "Tillidsrepræsentanten (TR) kan deltage",
                  "Kilde: Køge Kommune, Seniorpolitik",
                  "Forfaldsdato: fredag 1. januar 2027 (Nytårsdag, en fridag)",
                  "Hvorfor nu: fylder 55 i 2027: første tilbud fra 1. januar",
                  "Foreslået tidspunkt: mandag 4. januar 2027 kl. 09:00–10:00"):
        assert words in text, words
    assert e["CATEGORIES"].cats == ["Seniorsamtale"]
    assert str(e["CLASS"]) == "PRIVATE"


def test_no_cpr_number_and_no_birth_date_in_any_file(run, roster, tmp_path):
    out = tmp_path / "inv"
    invite(run, out, "--per", "manager")
    invite(run, out)
    for p in out.iterdir():
        data = p.read_bytes().decode("utf-8-sig")
        for cpr in ("4321", "010161", "1961-01-01", "01-01-1961"):
            assert cpr not in data, (p.name, cpr)


def test_the_mail_merge_file_for_danish_excel_and_word(run, roster, tmp_path):
    out = tmp_path / "inv"
    invite(run, out, "--within", "31", lang="da")
    raw = (out / "flettefil.csv").read_bytes()
    header = raw[3:].split(b"\r\n")[0].decode()
    assert header.split(";") == [
        "employee_id", "name", "email", "department", "manager_id", "manager_name",
        "manager_email", "due_date", "due_date_text", "due_date_day_off", "proposed_start",
        "proposed_end", "proposed_text", "reason", "ics_file"]
    rows = {r["employee_id"]: r for r in merge_rows(out)}
    assert set(rows) == DUE_NOW | {"N1"}
    n1 = rows["N1"]
    assert n1 == {
        "employee_id": "N1", "name": "Nina Ny", "email": "n1@example.dk",
        "department": "Skole", "manager_id": "M1", "manager_name": "Mette Leder",
        "manager_email": "m1@example.dk", "due_date": "2027-01-01",
        "due_date_text": "fredag 1. januar 2027", "due_date_day_off": "Nytårsdag",
        "proposed_start": "2027-01-04T09:00", "proposed_end": "2027-01-04T10:00",
        "proposed_text": "mandag 4. januar 2027 kl. 09:00–10:00",
        "reason": "fylder 55 i 2027: første tilbud fra 1. januar",
        "ics_file": "seniorsamtale-N1.ics"}
    assert rows["S05"]["email"] == "" and rows["V2"]["email"] == ""  # 'ukendt' is no address
    assert rows["U1"]["manager_id"] == "" and rows["U1"]["manager_email"] == ""
    assert all((out / r["ics_file"]).is_file() for r in rows.values())


# --- the register --------------------------------------------------------------------------

def test_log_invited_logs_once(run, roster, tmp_path, db):
    r = invite(run, tmp_path / "a", "--log-invited")
    assert "Logged 'invited' dated 2026-12-18 for 13 employees." in r.stderr
    due = {row["employee_id"]: row for row in run(
        "due", "--rules", "koege", "--as-of", BEFORE_XMAS, "-f", "json").json()}
    assert {eid for eid, row in due.items() if row["pending"] == "invited"} == DUE_NOW
    shown = run("show", "S01", "--rules", "koege", "--as-of", BEFORE_XMAS, "-f", "json").json()
    assert [(c["outcome"], c["date"]) for c in shown["conversations"]] == \
        [("invited", "2026-12-18")]
    assert shown["next_due"]["pending"] == "invited"
    before = db_snapshot(db)
    r = invite(run, tmp_path / "b", "--log-invited")
    assert "for 0 employees. 13 had an invitation logged already" in r.stderr
    assert db_snapshot(db) == before
    # a later run, the invitations still pending: not logged again, only N1, due since
    r = invite(run, tmp_path / "c", "--log-invited", as_of="2027-01-11")
    assert "for 1 employee. 13 had an invitation logged already" in r.stderr
    assert db_rows(db, "SELECT employee_id, date FROM conversation WHERE date > ?",
                   ("2026-12-18",)) == [("N1", "2027-01-11")]
    # the files of the second run are those of the first (the register's pending aside)
    assert (tmp_path / "a" / "seniorsamtale-S01.ics").read_bytes() == \
        (tmp_path / "b" / "seniorsamtale-S01.ics").read_bytes()


def test_a_withdrawn_invitation_is_not_logged_again(run, roster, tmp_path):
    invite(run, tmp_path / "a", "--log-invited", "-m", "M2")
    shown = run("show", "V1", "--rules", "koege", "--as-of", BEFORE_XMAS, "-f", "json").json()
    outcome_id = shown["conversations"][0]["id"]
    assert run("log", "withdraw", str(outcome_id), "--reason", "sendt ved en fejl").exit_code == 0
    r = invite(run, tmp_path / "b", "--log-invited", "-m", "M2")
    assert "for 0 employees. 1 had an invitation logged already" in r.stderr
    assert "1 had that invitation withdrawn (not logged again)" in r.stderr


def test_skip_invited_leaves_out_those_invited_already(run, roster, tmp_path):
    invite(run, tmp_path / "a", "--log-invited", "-m", "M2")
    out = tmp_path / "b"
    invite(run, out, "--skip-invited")
    assert set(by_employee(out)) == DUE_NOW - {"V1", "V2"}


def test_without_log_invited_the_register_is_unchanged(run, roster, tmp_path, db):
    before = db_snapshot(db)
    r = invite(run, tmp_path / "inv")
    assert "Logged" not in r.stderr
    assert db_snapshot(db) == before


def test_a_held_conversation_ends_the_invitation(run, roster, tmp_path):
    assert run("log", "S01", "held", "--date", "2026-11-20").exit_code == 0
    out = tmp_path / "inv"
    invite(run, out)
    assert set(by_employee(out)) == DUE_NOW - {"S01"}


# --- choosing whom, and when -------------------------------------------------------------------

def test_department_and_manager_filters(run, roster, tmp_path):
    invite(run, tmp_path / "vej", "--department", "vej")
    assert set(by_employee(tmp_path / "vej")) == {"M2", "V1", "V2"}
    invite(run, tmp_path / "m2", "--manager", "M2")
    assert set(by_employee(tmp_path / "m2")) == {"V1", "V2"}
    assert {r["employee_id"] for r in merge_rows(tmp_path / "m2")} == {"V1", "V2"}
    r = run("invite", "--rules", "koege", "--as-of", BEFORE_XMAS, "--to", tmp_path / "x",
            "--department", "Skovvej")
    assert r.exit_code == 1 and not (tmp_path / "x").exists()


def test_as_of_chooses_who_is_due_and_the_dates(run, roster, tmp_path):
    out = tmp_path / "inv"
    invite(run, out, as_of="2016-06-01")  # S01 and U1 (born 1961) are due from 1 January 2016
    found = by_employee(out)
    assert set(found) == {"S01", "U1"}
    assert all(start(e).date() >= date(2016, 6, 8) for e in found.values())
    assert found["S01"]["DTSTAMP"].dt.date() == date(2016, 6, 1)


def test_nobody_due_writes_nothing(run, roster, tmp_path):
    out = tmp_path / "inv"
    r = invite(run, out, as_of="2010-01-01")
    assert "Nobody to invite on 2010-01-01 under koege: nothing was written." in r.stderr
    assert not out.exists()


# --- refusals ------------------------------------------------------------------------------------

def test_folder_that_is_a_file_is_refused(run, roster, tmp_path, db):
    target = tmp_path / "invitations.ics"
    target.write_text("mine")
    before = db_snapshot(db)
    r = run("invite", "--rules", "koege", "--as-of", BEFORE_XMAS, "--to", target,
            "--log-invited")
    assert r.exit_code == 1
    assert "is a file, not a folder; nothing was written" in r.stderr
    assert "Try:" in r.stderr and "Traceback" not in r.stderr
    assert target.read_text() == "mine"
    assert db_snapshot(db) == before


@pytest.mark.sqlite_only
def test_the_database_is_refused_as_the_folder(run, roster, db, tmp_path):
    before = db_snapshot(db)
    r = run("invite", "--rules", "koege", "--as-of", BEFORE_XMAS, "--to", db, "--log-invited")
    assert r.exit_code == 1
    assert "is the database in use; writing there would destroy the database" in r.stderr
    assert db_snapshot(db) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_folder_without_write_permission_is_refused(run, roster, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    r = run("invite", "--rules", "koege", "--as-of", BEFORE_XMAS, "--to", locked)
    assert r.exit_code == 1 and "no permission to write" in r.stderr


@pytest.mark.parametrize("args, words", [
    (("--time", "9h"), "'9h' is not a time of day; use HH:MM"),
    (("--time", "25:00"), "'25:00' is not a time of day"),
    (("--time", "14:30"), "does not end by --day-end 15:00"),
    (("--duration", "5"), "--duration"),
    (("--notice", "0"), "--notice"),
    (("--per", "team"), "--per"),
])
def test_bad_options_are_usage_errors(run, roster, tmp_path, args, words):
    r = run("invite", "--rules", "koege", "--as-of", BEFORE_XMAS, "--to", tmp_path / "x", *args)
    assert r.exit_code == 2, r.stderr
    assert words in r.stderr
    assert not (tmp_path / "x").exists()


def test_to_is_required(run, roster):
    r = run("invite", "--rules", "koege", "--as-of", BEFORE_XMAS)
    assert r.exit_code == 2 and "--to" in r.stderr


@pytest.mark.sqlite_only
def test_a_missing_database_is_refused_and_not_created(run, tmp_path, db):
    r = run("invite", "--rules", "koege", "--as-of", BEFORE_XMAS, "--to", tmp_path / "x")
    assert r.exit_code == 1
    assert not (tmp_path / "x").exists()


def test_importing_the_command_line_or_the_output_package_loads_no_icalendar():
    import subprocess
    import sys

    code = ("import sys, seniorcli.output, seniorcli.cli; "
            "print('icalendar' in sys.modules, 'holidays' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["False", "False"]


# --- pure parts ----------------------------------------------------------------------------------

def test_file_names_are_safe_and_distinct():
    names = file_names(["104", "A/1", "A_1", "ab", "AB", "../x", "Ø7"], "seniorsamtale")
    assert names["104"] == "seniorsamtale-104.ics"
    assert len(set(names.values())) == 7
    assert len({n.casefold() for n in names.values()}) == 7  # Windows, macOS
    assert all(set(n) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                 "0123456789-_.") for n in names.values())
    assert all(n.count(".") == 1 and n.endswith(".ics") for n in names.values())


def test_schedule_counts_the_slots_that_fit():
    assert Schedule().slots() == 6  # 09:00–15:00, an hour each
    assert Schedule(first=time(9), minutes=45).slots() == 8
    assert Schedule(per_day=2).slots() == 2
    assert Schedule(first=time(14, 30)).slots() == 0
