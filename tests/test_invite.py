"""seniorcli invite: calendar invitations (.ics, read back with icalendar) and the mail-merge
file for the people due — UIDs stable within a cycle, byte-identical re-runs, a folder that
holds the latest run (cancellations for those no longer due), never a weekend, holiday or
leave date, slots spread per manager, files per manager, the text of the rule set in use,
logging 'invited' once."""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from seniorcli.cli import common
from seniorcli.files import safe_names
from seniorcli.services.invitations import MANIFEST_FILE, Schedule
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


@pytest.fixture(autouse=True)
def _today_is_fixed(monkeypatch):
    """'Today' (the real date: proposals before it are warned about) is fixed too, so that no
    test depends on the day it runs."""
    monkeypatch.setattr(common, "today", lambda: date(2026, 11, 30))


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
    """file name → its VEVENTs (parsed back with icalendar); invitations only."""
    return {p.name: Calendar.from_ical(p.read_bytes()).walk("VEVENT")
            for p in sorted(folder.glob("*.ics")) if not p.name.startswith("aflyst-")}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def description(folder: Path, eid: str) -> str:
    return str(by_employee(folder)[eid]["DESCRIPTION"])


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
        [MANIFEST_FILE, "flettefil.csv", *(f"seniorsamtale-{i}.ics" for i in DUE_NOW)])
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
    # U1 has no manager at all: how the organisation is, said on a terminal, not mailed by cron
    assert len(warnings) == 1, r.stderr
    assert "2 employees have no usable e-mail in the register" in warnings[0]
    assert warnings[0].endswith(": S05, V2")
    r = run("invite", "--rules", "koege", "--as-of", BEFORE_XMAS, "--to", tmp_path / "inv")
    assert "1 employee has no manager, so the invitation has no organiser: U1" in r.stderr


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
    # the cycle: the current employment (hired 2000-01-01), nothing held or declined since
    assert str(e["UID"]) == "seniorsamtale-S01-hired-2000-01-01@seniorcli"
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
    for words in ("Du tilbydes en seniorsamtale med din leder.",
                  "Formålet med seniorsamtalen er, at du og din leder i rette tid sætter fokus",
                  "ønsker, behov og forventninger", "arbejdstid", "kompetenceudvikling",
                  "hjemmearbejde eller løntillæg", "tilbagetrækning og pension",
                  "alene tale om et tilbud, som du kan vælge at takke nej til",
                  "i forlængelse af MUS, men kan også holdes adskilt fra MUS",
                  "Tillidsrepræsentanten (TR) kan deltage", "en indledende drøftelse",
                  "Kilde: Køge Kommune, Seniorpolitik (afsnittene Seniorsamtalen og Giv "
                  "processen tid).",
                  "Forfaldsdato: fredag 1. januar 2027 (Nytårsdag, en helligdag)",
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
        "proposed_end", "proposed_text", "reason", "ics_file", "location"]
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
        "ics_file": "seniorsamtale-N1.ics", "location": ""}
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
    invite(run, tmp_path / "a", "--log-invited", "-m", "M2", as_of="2026-12-11")
    out = tmp_path / "b"
    r = invite(run, out, "--skip-invited")
    assert set(by_employee(out)) == DUE_NOW - {"V1", "V2"}
    assert "(2 left out: they have an invitation pending)" in r.stderr


def test_skip_invited_the_same_day_is_a_run_again(run, roster, tmp_path):
    """An invitation logged on the as-of date is this day's run: a run again the same day
    writes the same files (it does not empty the folder it has just written)."""
    out = tmp_path / "inv"
    invite(run, out, "--skip-invited", "--log-invited", "-m", "M2")
    first = snapshot(out)
    r = invite(run, out, "--skip-invited", "--log-invited", "-m", "M2")
    assert snapshot(out) == first
    assert "left out" not in r.stderr and "Cancelled" not in r.stderr


def test_skip_invited_with_everyone_skipped_says_how_many(run, roster, tmp_path):
    invite(run, tmp_path / "a", "--log-invited", "-m", "M2", as_of="2026-12-11")
    r = invite(run, tmp_path / "b", "--skip-invited", "-m", "M2")
    assert "Nobody to invite on 2026-12-18 under koege (2 left out: they have an invitation " \
        "pending): the mail-merge file flettefil.csv" in r.stderr
    r = invite(run, tmp_path / "b", "--skip-invited", "-m", "M2", lang="da")
    assert "Ingen at invitere den 18-12-2026 efter koege (2 udeladt: de har en udestående " \
        "invitation)" in r.stderr


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


def test_nobody_due_writes_an_empty_mail_merge_file(run, roster, tmp_path):
    out = tmp_path / "inv"
    r = invite(run, out, as_of="2010-01-01")
    assert "Nobody to invite on 2010-01-01 under koege: the mail-merge file flettefil.csv in " \
        in r.stderr
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST_FILE, "flettefil.csv"]
    assert merge_rows(out) == []  # the header only: a mail merge sends nothing


# --- the text follows the rule set in use -------------------------------------------------------

SILKEBORG = '''name = "silkeborg"
title = "Silkeborg Kommune"
first_offer_age = 60
sources = ["Silkeborg Kommune, personalepolitik: seniorsamtale fra 60 år"]
'''


@pytest.mark.parametrize("rules, present, absent", [
    ("norddjurs",
     ["Du tilbydes en seniorsamtale med din leder.",
      "I Norddjurs Kommune tilbydes alle medarbejdere, der er 55 år eller ældre, en årlig "
      "seniorsamtale.", "motiverende arbejdsliv frem mod pensioneringen",
      "Samtalen er et tilbud, som du kan vælge at takke nej til.",
      "Kilde: Norddjurs Kommunes Personalepolitik, s. 16 (Generationspolitik)"],
     ["Køge", "Albertslund", "adskilt fra MUS"]),
    ("albertslund",
     ["Din leder indkalder dig til en seniorsamtale.",
      "I Albertslund Kommune tilbydes alle medarbejdere en seniorsamtale, når de når en alder "
      "af 52 år.", "Seniorsamtalen er en del af din MUS.",
      "et tilbud, som du aktivt skal fravælge, hvis du ikke ønsker den",
      "Initiativet ligger hos lederen, men du har altid mulighed for selv at bede om en "
      "seniorsamtale.",
      "Kilde: Albertslund Kommune, Retningslinje for Seniorindsatser, aftalt i KommuneMED den "
      "30. april 2025"],
     ["Køge", "Norddjurs", "adskilt fra MUS", "alene tale om et tilbud"]),
    ("silkeborg",
     ["Du tilbydes en seniorsamtale med din leder.",
      "Det følger af Rammeaftalen om seniorpolitik, at seniormedarbejdere i forbindelse med "
      "medarbejderudviklingssamtalen (MUS) skal have tilbud om en seniorsamtale.",
      "Kilde: Rammeaftale om seniorpolitik (KL og Forhandlingsfællesskabet) og KL's "
      "Seniorpartnerskab; tidspunktet for tilbuddet følger regelsættet Silkeborg Kommune."],
     ["Køge", "Norddjurs", "Albertslund", "adskilt fra MUS"]),
])
def test_the_text_and_the_source_follow_the_rule_set(run, roster, tmp_path, rules, present,
                                                      absent):
    toml = tmp_path / "silkeborg.toml"
    toml.write_text(SILKEBORG, encoding="utf-8")
    out = tmp_path / "inv"
    r = run("invite", "--rules", rules, "--rules-file", toml, "--as-of", BEFORE_XMAS,
            "--to", out, lang="da")
    assert r.exit_code == 0, r.stderr
    texts = [str(e["DESCRIPTION"]) for e in by_employee(out).values()]
    assert texts
    for text in texts:
        for words in present:
            assert words in text, (rules, words)
        for words in absent:
            assert words not in text, (rules, words)


def add_staff(run, tmp_path, *rows: str, as_of: str = BEFORE_XMAS) -> None:
    """More employees, as a partial roster (the others stay as they are)."""
    f = write_csv(tmp_path / "more.csv",
                  "Medarbejdernr;Navn;CPR-nummer;Afdeling;Leder;Ansættelsesdato;"
                  "Fratrædelsesdato;E-mail", *rows)
    r = run("import", f, "--partial", "--as-of", as_of)
    assert r.exit_code == 0, r.stderr


def test_a_due_date_on_a_day_off_is_named_once(run, roster, tmp_path):
    add_staff(run, tmp_path,
              "W1;Winnie Weekend;0901724321;Skole;M1;2000-01-01;;w1@example.dk",  # 55: Sat
              "W2;Walther Jul;2412714321;Skole;M1;2000-01-01;;w2@example.dk")  # 55: 24 Dec
    out = tmp_path / "inv"
    r = run("invite", "--rules", "norddjurs", "--as-of", BEFORE_XMAS, "--within", "31",
            "--to", out, "-m", "M1", lang="da")
    assert r.exit_code == 0, r.stderr
    w1, w2 = description(out, "W1"), description(out, "W2")
    assert "Forfaldsdato: 9. januar 2027 (en lørdag)\n" in w1
    assert "lørdag 9. januar 2027" not in w1  # the weekday once, not "lørdag … (lørdag, …)"
    assert "Forfaldsdato: torsdag 24. december 2026 (Juleaftensdag, en fridag)\n" in w2
    # the reason names the birthday (as the due list does): never a CPR number
    assert "Hvorfor nu: fylder 55 den 09-01-2027: første tilbud" in w1
    rows = {row["employee_id"]: row for row in merge_rows(out)}
    assert rows["W1"]["due_date_day_off"] == "lørdag"


def test_a_due_date_long_past_is_not_shown_to_the_employee(run, roster, tmp_path):
    out = tmp_path / "inv"
    invite(run, out, "--within", "31", lang="da")
    s01 = description(out, "S01")  # due since 1 January 2016
    assert "Samtalen skulle have været tilbudt dig tidligere." in s01
    assert "2016" not in s01 and "Forfaldsdato" not in s01 and "Hvorfor nu" not in s01
    n1 = description(out, "N1")  # due on 1 January 2027: shown, with the reason
    assert "Forfaldsdato: fredag 1. januar 2027 (Nytårsdag, en helligdag)" in n1
    assert "tidligere" not in n1
    # the mail-merge file keeps both for the manager
    s01_row = next(row for row in merge_rows(out) if row["employee_id"] == "S01")
    assert s01_row["due_date"] == "2016-01-01" and "2016" in s01_row["reason"]


@pytest.mark.parametrize("as_of, shown", [("2028-05-05", True), ("2028-05-06", False)])
def test_a_due_date_is_shown_up_to_a_year_after_it(run, roster, tmp_path, as_of, shown):
    out = tmp_path / "inv"
    r = run("invite", "--rules", "norddjurs", "--as-of", as_of, "--to", out, "-m", "M1",
            lang="da")  # N1 turns 55 on 5 May 2027
    assert r.exit_code == 0, r.stderr
    n1 = description(out, "N1")
    assert ("Forfaldsdato: onsdag 5. maj 2027" in n1) is shown
    assert ("Samtalen skulle have været tilbudt dig tidligere." in n1) is not shown


# --- one cycle, one UID ---------------------------------------------------------------------------

def uids(folder: Path) -> dict[str, str]:
    return {eid: str(e["UID"]) for eid, e in by_employee(folder).items()}


def test_the_uid_stays_when_a_request_or_the_register_start_moves_the_due_date(run, roster,
                                                                              tmp_path):
    invite(run, tmp_path / "a", "--within", "31")
    before = uids(tmp_path / "a")
    assert before["N1"] == "seniorsamtale-N1-hired-2000-01-01@seniorcli"
    # N1 asks for the conversation: due now instead of on 1 January 2027
    assert run("log", "N1", "requested", "--date", "2026-11-25").exit_code == 0
    invite(run, tmp_path / "b", "--within", "31")
    due = {row["employee_id"]: row["due_date"] for row in merge_rows(tmp_path / "b")}
    assert due["N1"] == "2026-11-25"
    # the register started on 1 December 2026: S01's due date moves from 2016 to then
    assert run("config", "set", "start-date", "2026-12-01").exit_code == 0
    invite(run, tmp_path / "c", "--within", "31")
    due = {row["employee_id"]: row["due_date"] for row in merge_rows(tmp_path / "c")}
    assert due["S01"] == "2026-12-01"
    assert uids(tmp_path / "b") == before
    assert uids(tmp_path / "c") == before


def test_a_new_cycle_after_a_held_conversation_gets_a_new_uid(run, roster, tmp_path):
    invite(run, tmp_path / "a")
    assert run("log", "S01", "held", "--date", "2026-11-20").exit_code == 0
    invite(run, tmp_path / "b", as_of="2027-01-11")  # Køge: due again from 1 January 2027
    old, new = uids(tmp_path / "a")["S01"], uids(tmp_path / "b")["S01"]
    assert new == "seniorsamtale-S01-after-2026-11-20@seniorcli" != old
    assert uids(tmp_path / "b")["S02"] == uids(tmp_path / "a")["S02"]  # still its cycle


# --- a run again in the same folder -----------------------------------------------------------

def calendar_of(path: Path):
    return Calendar.from_ical(path.read_bytes())


def test_a_run_again_after_a_held_conversation_cancels_it_and_removes_its_files(run, roster,
                                                                                tmp_path):
    out = tmp_path / "inv"
    invite(run, out)
    first = by_employee(out)
    assert run("log", "S01", "held", "--date", "2026-11-20").exit_code == 0
    r = invite(run, out)
    assert not (out / "seniorsamtale-S01.ics").exists()
    assert "S01" not in {row["employee_id"] for row in merge_rows(out)}
    cancel = calendar_of(out / "aflyst-S01.ics")
    assert cancel["METHOD"] == "CANCEL"
    e = cancel.walk("VEVENT")[0]
    assert e["UID"] == first["S01"]["UID"]
    assert e["SEQUENCE"] > first["S01"]["SEQUENCE"]
    assert str(e["STATUS"]) == "CANCELLED"
    assert str(e["ORGANIZER"]) == "mailto:m1@example.dk"
    assert str(e["ATTENDEE"]) == "mailto:s01@example.dk"
    assert start(e) == start(first["S01"])
    assert str(e["SUMMARY"]) == "Cancelled: Senior conversation – Sanne Skole1"
    assert "Cancelled 1 invitation no longer due (send the cancellation): aflyst-S01.ics" \
        in r.stderr
    assert "Removed 1 file of the previous run" in r.stderr
    # the others of M1 moved up a slot: a new version (higher SEQUENCE); M2's did not
    again = by_employee(out)
    assert start(again["S02"]) != start(first["S02"])
    assert again["S02"]["SEQUENCE"] > first["S02"]["SEQUENCE"]
    assert start(again["V1"]) == start(first["V1"])
    assert again["V1"]["SEQUENCE"] == first["V1"]["SEQUENCE"]
    # and a run again gives the same folder, byte for byte (the cancellation is kept)
    kept = snapshot(out)
    r = invite(run, out)
    assert snapshot(out) == kept
    assert "Cancelled" not in r.stderr and "Removed" not in r.stderr


def test_nobody_due_any_more_empties_the_mail_merge_file_and_cancels(run, roster, tmp_path):
    out = tmp_path / "inv"
    invite(run, out, "-m", "M2")
    assert run("log", "V1", "held", "--date", "2026-11-20").exit_code == 0
    assert run("log", "V2", "declined", "--date", "2026-11-20").exit_code == 0
    r = invite(run, out, "-m", "M2")
    assert sorted(p.name for p in out.iterdir()) == [
        MANIFEST_FILE, "aflyst-V1.ics", "aflyst-V2.ics", "flettefil.csv"]
    assert merge_rows(out) == []
    assert (out / "flettefil.csv").read_bytes().startswith(b"\xef\xbb\xbfemployee_id;name;")
    assert "Nobody to invite on 2026-12-18 under koege: the mail-merge file" in r.stderr
    assert "Cancelled 2 invitations no longer due (send the cancellations): aflyst-V1.ics, " \
        "aflyst-V2.ics" in r.stderr


def test_a_run_of_another_selection_never_removes_the_first_ones_files(run, roster, tmp_path):
    out = tmp_path / "inv"
    invite(run, out, "-d", "Vej")  # M2, V1, V2
    r = invite(run, out, "-m", "M2")  # V1, V2: another selection, the same folder
    assert "also holds invitations of another selection (--rules koege --department Vej)" \
        in r.stderr
    assert {"seniorsamtale-M2.ics", "seniorsamtale-V1.ics"} <= {p.name for p in
                                                                out.iterdir()}
    assert run("log", "V1", "held", "--date", "2026-11-20").exit_code == 0
    invite(run, out, "-m", "M2")
    assert (out / "aflyst-V1.ics").is_file()  # cancelled for the -m M2 selection …
    assert (out / "seniorsamtale-V1.ics").is_file()  # … but the Vej selection's file stays
    assert (out / "seniorsamtale-M2.ics").is_file()
    # once its own files are deleted, the folder forgets the other selection
    (out / "seniorsamtale-V1.ics").unlink()
    (out / "seniorsamtale-M2.ics").unlink()
    r = invite(run, out, "-m", "M2")
    assert "another selection" not in r.stderr
    manifest = json.loads((out / MANIFEST_FILE).read_text())
    assert [s["selection"]["manager"] for s in manifest["selections"]] == ["M2"]


def test_one_file_per_manager_a_run_again_cancels_the_one_event(run, roster, tmp_path):
    out = tmp_path / "inv"
    invite(run, out, "--per", "manager")
    first = by_employee(out)["S01"]
    assert run("log", "S01", "held", "--date", "2026-11-20").exit_code == 0
    invite(run, out, "--per", "manager")
    assert "S01" not in {str(e["UID"]).split("-")[1] for e in events(out)["leder-M1.ics"]}
    # the manager's file was published, without an attendee: so is its cancellation (RFC 5546
    # allows no METHOD:CANCEL without one, and Outlook ignores it)
    cancel = calendar_of(out / "aflyst-S01.ics")
    assert cancel["METHOD"] == "PUBLISH"
    e = cancel.walk("VEVENT")[0]
    assert str(e["STATUS"]) == "CANCELLED"
    assert e["UID"] == first["UID"] and e["SEQUENCE"] > first["SEQUENCE"]
    assert start(e) == start(first)
    assert "ATTENDEE" not in e and not e.walk("VALARM")


def test_a_published_invitation_is_cancelled_by_publishing_it_cancelled(run, roster, tmp_path):
    """S05 has no e-mail, U1 no manager: their files were published (no meeting request), so
    their cancellations are too; S01's meeting request is cancelled with METHOD:CANCEL."""
    out = tmp_path / "inv"
    invite(run, out)
    first = by_employee(out)
    for eid in ("S01", "S05", "U1"):
        assert run("log", eid, "declined", "--date", "2026-11-20").exit_code == 0
    invite(run, out)
    for eid, method in (("S01", "CANCEL"), ("S05", "PUBLISH"), ("U1", "PUBLISH")):
        cancel = calendar_of(out / f"aflyst-{eid}.ics")
        assert cancel["METHOD"] == method, eid
        e = cancel.walk("VEVENT")[0]
        assert str(e["STATUS"]) == "CANCELLED"
        assert e["UID"] == first[eid]["UID"] and e["SEQUENCE"] > first[eid]["SEQUENCE"]
        assert ("ATTENDEE" in e) == (method == "CANCEL")
    # S05's manager is known: the cancellation keeps the organiser the event had
    assert str(calendar_of(out / "aflyst-S05.ics").walk("VEVENT")[0]["ORGANIZER"]) == \
        "mailto:m1@example.dk"
    assert "ORGANIZER" not in calendar_of(out / "aflyst-U1.ics").walk("VEVENT")[0]


def test_switching_per_employee_to_per_manager_removes_the_old_files_cancels_nothing(
        run, roster, tmp_path):
    out = tmp_path / "inv"
    invite(run, out)
    invite(run, out, "--per", "manager")
    assert sorted(p.name for p in out.iterdir()) == [
        MANIFEST_FILE, "flettefil.csv", "leder-M1.ics", "leder-M2.ics", "uden-leder.ics"]


def test_a_proposal_that_has_passed_is_removed_not_cancelled(run, roster, tmp_path):
    out = tmp_path / "inv"
    invite(run, out, as_of="2026-10-01")  # proposed in October
    assert run("log", "S01", "held", "--date", "2026-11-20").exit_code == 0
    r = invite(run, out, as_of="2026-11-25")
    assert not (out / "seniorsamtale-S01.ics").exists()
    assert not (out / "aflyst-S01.ics").exists()  # the October time may be when it was held
    assert "Removed 1 file" in r.stderr and "Cancelled" not in r.stderr


def test_a_manifest_that_cannot_be_read_removes_and_cancels_nothing(run, roster, tmp_path):
    out = tmp_path / "inv"
    invite(run, out)
    (out / MANIFEST_FILE).write_text("{not json")
    assert run("log", "S01", "held", "--date", "2026-11-20").exit_code == 0
    r = invite(run, out)
    assert "cannot be read, so nothing an earlier run wrote is removed or cancelled" in r.stderr
    assert (out / "seniorsamtale-S01.ics").is_file()
    assert not (out / "aflyst-S01.ics").exists()
    assert json.loads((out / MANIFEST_FILE).read_text())["version"] == 1  # replaced


# --- leave dates, and proposals in the past -------------------------------------------------------

def test_someone_leaving_is_proposed_a_time_before_the_leave_date(run, roster, tmp_path):
    add_staff(run, tmp_path,
              "L1;Lis Snart;0101614322;Skole;M1;2000-01-01;2026-12-23;l1@example.dk",
              "L2;Lars Straks;0101614323;Skole;M1;2000-01-01;2026-12-21;l2@example.dk",
              "Z9;Zenia Nytår;0101614324;Skole;M1;2000-01-01;2026-12-29;z9@example.dk")
    out = tmp_path / "inv"
    r = invite(run, out)
    found = by_employee(out)
    # seven days on is past L1's leave date: the next working day after the as-of date
    assert start(found["L1"]).date() == date(2026, 12, 21)
    # Z9 leaves on 29 December: the first slot on 28 December, before M1's other staff
    assert start(found["Z9"]) == datetime(2026, 12, 28, 9, 0, tzinfo=start(found["Z9"]).tzinfo)
    # L2 leaves on the first working day after the as-of date: no time fits
    assert "L2" not in found
    assert "L2" not in {row["employee_id"] for row in merge_rows(out)}
    assert "1 employee leaves before any working day with a free time, so no invitation " \
        "was written: L2 (leaves 2026-12-21)" in r.stderr


def test_proposals_in_the_past_are_warned_about(run, roster, tmp_path, monkeypatch):
    monkeypatch.setattr(common, "today", lambda: date(2027, 2, 1))
    r = run("invite", "--rules", "koege", "--as-of", BEFORE_XMAS, "--to", tmp_path / "inv",
            "-m", "M2", "--log-invited", terminal=False)
    assert r.exit_code == 0, r.stderr
    assert "2 proposed times lie in the past: --as-of 2026-12-18 is before today (2027-02-01)" \
        in r.stderr
    assert "--log-invited logs the invitations dated 2026-12-18 (the as-of date), not today" \
        in r.stderr


def test_no_warning_about_the_past_on_the_day_itself(run, roster, tmp_path, monkeypatch):
    monkeypatch.setattr(common, "today", lambda: date(2026, 12, 18))
    r = run("invite", "--rules", "koege", "--as-of", BEFORE_XMAS, "--to", tmp_path / "inv",
            "-m", "M2", "--log-invited", terminal=False)
    assert r.exit_code == 0 and "past" not in r.stderr and "not today" not in r.stderr


# --- place and reminder ---------------------------------------------------------------------------

def test_location_and_reminder(run, roster, tmp_path):
    out = tmp_path / "inv"
    invite(run, out, "-m", "M2", "--location", "Mødelokale 2", "--reminder", "1440", lang="da")
    e = by_employee(out)["V1"]
    assert str(e["LOCATION"]) == "Mødelokale 2"
    assert "\nSted: Mødelokale 2\n" in str(e["DESCRIPTION"])
    alarm = e.walk("VALARM")[0]
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm["TRIGGER"].dt == -timedelta(days=1)
    assert {row["location"] for row in merge_rows(out)} == {"Mødelokale 2"}
    plain = tmp_path / "plain"
    invite(run, plain, "-m", "M2")  # by default: no place, no reminder of ours
    e = by_employee(plain)["V1"]
    assert "LOCATION" not in e and not e.walk("VALARM")
    blank = tmp_path / "blank"
    invite(run, blank, "-m", "M2", "--location", "")  # an unset variable: no place
    assert "LOCATION" not in by_employee(blank)["V1"]


def test_a_new_location_is_a_new_version(run, roster, tmp_path):
    out = tmp_path / "inv"
    invite(run, out, "-m", "M2", "--location", "Mødelokale 2")
    before = by_employee(out)["V1"]["SEQUENCE"]
    invite(run, out, "-m", "M2", "--location", "Teams")
    assert by_employee(out)["V1"]["SEQUENCE"] > before


def test_per_manager_does_not_speak_of_meeting_requests(run, roster, tmp_path):
    r = run("invite", "--rules", "koege", "--as-of", BEFORE_XMAS, "--to", tmp_path / "inv",
            "--per", "manager", terminal=False)
    assert r.exit_code == 0, r.stderr
    assert "meeting request" not in r.stderr
    assert "2 employees have no usable e-mail in the register (the mail-merge file has no " \
        "address for them): S05, V2" in r.stderr


# --- refusals ------------------------------------------------------------------------------------

def test_an_empty_to_is_refused_not_the_current_folder(run, roster, tmp_path, monkeypatch):
    here = tmp_path / "cwd"
    here.mkdir()
    monkeypatch.chdir(here)
    r = run("invite", "--rules", "koege", "--as-of", BEFORE_XMAS, "--to", "")
    assert r.exit_code == 2
    assert "--to is empty" in r.stderr
    assert list(here.iterdir()) == []


def test_a_folder_inside_a_file_is_named_as_such(run, roster, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("mine")
    r = run("invite", "--rules", "koege", "--as-of", BEFORE_XMAS, "--to", afile / "sub")
    assert r.exit_code == 1
    assert f"{afile} is a file, not a folder; nothing was written" in r.stderr
    assert "permission" not in r.stderr
    assert afile.read_text() == "mine"


@pytest.mark.parametrize("args, option", [
    (("--day-end", "08:00"), "--day-end"),
    (("--time", "14:30"), "--time"),
    (("--duration", "400"), "--duration"),
])
def test_a_day_without_room_names_the_option_given(run, roster, tmp_path, args, option):
    r = run("invite", "--rules", "koege", "--as-of", BEFORE_XMAS, "--to", tmp_path / "x", *args)
    assert r.exit_code == 2
    assert f"Invalid value for {option}:" in r.stderr, r.stderr



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
    (("--reminder", "-5"), "--reminder"),
    (("--reminder", "50000"), "--reminder"),
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
    """(seniorcli.files.safe_names, which digest uses too: tests/test_digest.py.)"""
    names = safe_names(["104", "A/1", "A_1", "ab", "AB", "../x", "Ø7"], "seniorsamtale-", ".ics")
    assert names["104"] == "seniorsamtale-104.ics"
    assert len(set(names.values())) == 7
    assert len({n.casefold() for n in names.values()}) == 7  # Windows, macOS
    assert all(set(n) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                 "0123456789-_.") for n in names.values())
    assert all(n.count(".") == 1 and n.endswith(".ics") for n in names.values())
    # an id that spells another's fingerprinted name gets a fingerprint too: never one file
    spoof = names["A/1"].removeprefix("seniorsamtale-").removesuffix(".ics")
    both = safe_names(["A/1", spoof], "seniorsamtale-", ".ics")
    assert both["A/1"] == names["A/1"] and len({n.casefold() for n in both.values()}) == 2


def test_schedule_counts_the_slots_that_fit():
    assert Schedule().slots() == 6  # 09:00–15:00, an hour each
    assert Schedule(first=time(9), minutes=45).slots() == 8
    assert Schedule(per_day=2).slots() == 2
    assert Schedule(first=time(14, 30)).slots() == 0


# --- the slots: fast, and the same as the plain search ------------------------------------------

def day_by_day(rows: list[dict], as_of: date, schedule: Schedule,
               leaving: dict[str, date]) -> dict[str, tuple[date, int] | None]:
    """The obvious assignment, to hold assign_slots to: in order of the earliest day (then
    leave date, due date, id), each looks day by day, slot by slot, for the first slot in which
    neither they nor their manager (if any) is busy."""
    from seniorcli.services.invitations import earliest_day
    from seniorcli.workdays import next_working_day

    order = []
    for r in rows:
        day = earliest_day(r["due_date"], as_of, schedule.notice)
        leave = leaving.get(r["employee_id"])
        if leave is not None and day >= leave:
            day = next_working_day(max(r["due_date"], next_working_day(as_of + timedelta(1))))
        order.append((day, leave or date.max, r["due_date"], r["employee_id"], r["manager_id"]))
    busy: dict[str, set[tuple[date, int]]] = {}
    found: dict[str, tuple[date, int] | None] = {}
    for day, leave, _due, eid, mgr in sorted(order):
        people = {eid, mgr} - {None}
        found[eid] = None
        while day < leave and found[eid] is None:
            for k in range(schedule.slots()):
                if all((day, k) not in busy.get(p, set()) for p in people):
                    found[eid] = (day, k)
                    break
            day = next_working_day(day + timedelta(1))
        for p in people:
            if found[eid] is not None:
                busy.setdefault(p, set()).add(found[eid])
    return found


def test_the_fast_slots_are_the_day_by_day_search_on_random_registers():
    import random

    from seniorcli.services.invitations import assign_slots

    rnd = random.Random(16)
    for _ in range(400):
        as_of = date(2026, 12, 1) + timedelta(rnd.randrange(150))  # Christmas, Easter
        n = rnd.randrange(1, 40)
        ids = [f"E{i}" for i in range(n)]
        bosses = [None, None, "M1", "M2", *rnd.sample(ids, min(3, n))]  # some are due too
        rows = [{"employee_id": e, "due_date": as_of + timedelta(rnd.randrange(-400, 60)),
                 "manager_id": rnd.choice(bosses)} for e in ids]
        leaving = {e: as_of + timedelta(rnd.randrange(1, 40)) for e in ids
                   if rnd.random() < 0.2}
        schedule = Schedule(minutes=rnd.choice((30, 60, 90, 180)), notice=rnd.randrange(1, 15),
                            per_day=rnd.choice((None, 1, 2, 3)))
        fast = assign_slots(rows, as_of, schedule, leaving)
        slow = day_by_day(rows, as_of, schedule, leaving)
        assert {e: s and (s.day, s.number) for e, s in fast.items()} == slow, (as_of, rows)


@pytest.fixture
def large(run, tmp_path):
    """3,000 staff under M1 and 3,000 without a manager, due from long ago to within 90 days
    of 18 December 2026 (Norddjurs: the 55th birthday)."""
    import random

    rnd = random.Random(3000)
    rows = ["M1;Mette Leder;1980-01-01;;2005-01-01;m1@example.dk"]
    for i in range(6000):
        born = date(1961, 1, 1) + timedelta(rnd.randrange(11 * 365 + 80))
        rows.append(f"E{i:04};Ansat {i};{born};{'M1' if i % 2 else ''};2000-01-01;"
                    f"e{i}@example.dk")
    f = write_csv(tmp_path / "large.csv",
                  "Medarbejdernr;Navn;Fødselsdato;Leder;Ansættelsesdato;E-mail", *rows)
    assert run("import", f, "--as-of", BEFORE_XMAS).exit_code == 0


def test_a_large_register_is_planned_without_overlaps_and_crowding_is_warned(run, large,
                                                                            tmp_path):
    from seniorcli.services.invitations import earliest_day

    out = tmp_path / "inv"
    r = run("invite", "--rules", "norddjurs", "--as-of", BEFORE_XMAS, "--within", "90",
            "--per", "manager", "--to", out, terminal=False)
    assert r.exit_code == 0, r.stderr
    rows = merge_rows(out)
    assert len(rows) == 6000 and {row["manager_id"] for row in rows} == {"M1", ""}
    as_of = date.fromisoformat(BEFORE_XMAS)
    late = 0
    m1 = []
    for row in rows:
        begins = datetime.fromisoformat(row["proposed_start"])
        earliest = earliest_day(date.fromisoformat(row["due_date"]), as_of, 7)
        assert day_off(begins.date()) is None  # a working day
        assert begins.date() >= earliest
        if row["manager_id"]:
            m1.append((begins, datetime.fromisoformat(row["proposed_end"])))
            late += begins.date() - earliest > timedelta(weeks=8)
        else:  # nobody's calendar but their own: the earliest slot
            assert begins == datetime.combine(earliest, time(9))
    m1.sort()
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(m1))  # M1 is never booked twice
    assert len(m1) == 3000 and m1[-1][0].year == 2028  # 6 a day: two years of M1's days
    warnings = [line for line in r.stderr.splitlines() if line.startswith("Warning:")]
    assert len(warnings) == 1, r.stderr
    assert warnings[0].startswith(f"Warning: {late} invitations are proposed more than 8 weeks "
                                  "after the first day they could have had")
    assert f"(per manager: M1 ({late}));" in warnings[0] and "--duration" in warnings[0]

