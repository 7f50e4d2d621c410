"""seniorcli digest: one overview per manager (due now, due soon, agreements ending), the file
for HR of the staff without a manager, the index for a mail script, and what a monthly cron job
needs (silence, the same bytes on a re-run, clear refusals)."""

from __future__ import annotations

import csv
import os
import re
import stat
from pathlib import Path

import pytest

from conftest import db_snapshot, write_csv

pytestmark = pytest.mark.both_engines

AS_OF = "2026-12-07"  # a Monday
ROSTER = (
    "Medarbejdernr;Navn;Fødselsdato;Afdeling;Leder;Ansættelsesdato;Fratrædelsesdato;E-mail",
    "M1;Mette Madsen;1980-01-01;Skole;;2000-01-01;;mette@example.dk",
    "M2;<b>Ø&Å</b>;1980-02-02;Vej;;2000-01-01;;",  # no e-mail
    "M3;Mogens Mo;1980-03-03;Skole;;2000-01-01;;m3@example.dk",  # staff, nothing due
    "M4;Lise Gået;1980-04-04;Vej;;2000-01-01;2026-10-31;m4@example.dk",  # left
    "001;Anna Ærø;1971-11-15;Skole;M1;2000-01-01;;",  # 55 on Sun 15-11-2026: due
    "002;Bent Bæk;1971-12-24;Vej;M2;2000-01-01;;",  # 55 on 24-12-2026: in 17 days
    "003;Cai Øst;1971-06-15;Skole;M2;2000-01-01;;",  # 55 on 15-06-2026: due
    "004;Dora Dahl;1990-01-01;Skole;M3;2000-01-01;;",  # young
    "005;Eva Eng;1960-03-03;Vej;M9;2026-08-01;;",  # manager M9 is nobody
    "006;Finn Fri;1971-12-01;Skole;;2000-01-01;;",  # no manager
    "007;Gitte Gram;1971-10-01;Vej;M4;2000-01-01;;",  # manager has left
    "008;Hans Holm;1975-01-01;Skole;M1;2000-01-01;;",  # young, has agreements
    "009;Ida Ild;1971-12-30;Skole;M1;2000-01-01;;",  # 55 on 30-12-2026: in 23 days
)


@pytest.fixture
def roster(run, tmp_path):
    f = write_csv(tmp_path / "roster.csv", *ROSTER)
    assert run("import", f, "--as-of", "2026-11-01").exit_code == 0
    return f


def add(run, *args) -> int:
    r = run("agreement", "add", *args)
    assert r.exit_code == 0, r.stderr
    return int(r.stdout.strip())


@pytest.fixture
def agreements(run, roster):
    """Hans (M1): one ending Saturday 12-12-2026 (in the window), one open-ended, one ending
    after the window, one withdrawn; Cai (M2): one ending 31-12-2026 (Nytårsaften)."""
    add(run, "008", "--type", "nedsat_tid", "--start", "2026-01-01", "--end", "2026-12-12")
    add(run, "008", "--type", "hjemmearbejde", "--start", "2026-01-01", "--open-ended")
    add(run, "008", "--type", "aflastning", "--start", "2026-01-01", "--end", "2027-06-30")
    gone = add(run, "008", "--type", "arbejdstid", "--start", "2026-01-01",
               "--end", "2026-12-20")
    assert run("agreement", "withdraw", str(gone), "--reason", "fejl").exit_code == 0
    add(run, "003", "--type", "loentillaeg", "--start", "2026-01-01", "--end", "2026-12-31")


def digest(run, folder: Path, *args: str, lang: str = "en", terminal: bool = False):
    return run("digest", "--rules", "norddjurs", "--as-of", AS_OF, "--to", folder, *args,
               lang=lang, terminal=terminal)


def files(folder: Path, hidden: bool = False) -> list[str]:
    """The folder's files (``hidden``: the manifest .seniorcli-digest.json too)."""
    return sorted(p.name for p in folder.iterdir() if hidden or not p.name.startswith("."))


HEADINGS = {"now": "Offer a senior conversation now", "soon": "Due within",
            "agreements": "Senior agreements ending within"}


def section(text: str, key: str) -> str | None:
    """One section of an English text digest (None: not there)."""
    start = text.find("\n" + HEADINGS[key])
    if start < 0:
        return None
    rest = text[start + 1:]
    ends = [i for i in (rest.find("\n\n\n"), rest.find("\n" + "-" * 80)) if i > 0]
    return rest[:min(ends)]


def ids(block: str | None) -> list[str]:
    return re.findall(r"^\* .*?\((\w+)\)", block or "", re.M)


def read_index(folder: Path) -> list[dict]:
    raw = (folder / "oversigt.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))


# The right people in the right places --------------------------------------------------------

def test_each_manager_gets_their_own_staff_in_the_right_sections(run, agreements, tmp_path):
    out = tmp_path / "out"
    r = digest(run, out, "--format", "text")
    assert r.exit_code == 0, r.stderr
    assert files(out) == ["leder-M1.txt", "leder-M2.txt", "oversigt.csv", "uden-leder.txt"]
    m1 = (out / "leder-M1.txt").read_text(encoding="utf-8")
    assert "To: Mette Madsen (M1)" in m1
    assert ids(section(m1, "now")) == ["001"]
    assert ids(section(m1, "soon")) == ["009"]
    assert ids(section(m1, "agreements")) == ["008"]
    m2 = (out / "leder-M2.txt").read_text(encoding="utf-8")
    assert ids(section(m2, "now")) == ["003"]
    assert ids(section(m2, "soon")) == ["002"]
    assert ids(section(m2, "agreements")) == ["003"]
    assert "22 days overdue" in section(m1, "now")
    assert "in 17 days" in section(m2, "soon")
    assert "Status as of 7 December 2026" in m1 and "Rule set: Norddjurs Kommune" in m1


def test_the_pending_invitation_is_shown(run, roster, tmp_path):
    assert run("log", "001", "invited", "--date", "2026-11-20", "--as-of", AS_OF).exit_code == 0
    out = tmp_path / "out"
    digest(run, out, "--format", "text", lang="da")
    now = (out / "leder-M1.txt").read_text(encoding="utf-8")
    assert "Forfaldsdato 15-11-2026 (søndag), 22 dage over tid · inviteret" in now


def test_within_splits_due_now_from_due_soon(run, roster, tmp_path):
    digest(run, tmp_path / "w10", "--format", "text", "--within", "20")
    m2 = (tmp_path / "w10" / "leder-M2.txt").read_text(encoding="utf-8")
    assert ids(section(m2, "soon")) == ["002"]  # in 17 days
    m1 = (tmp_path / "w10" / "leder-M1.txt").read_text(encoding="utf-8")
    assert ids(section(m1, "soon")) == []  # Ida: in 23 days
    assert "Due within 20 days (0)" in m1 and "None." in section(m1, "soon")
    digest(run, tmp_path / "w0", "--format", "text", "--within", "0")
    m2 = (tmp_path / "w0" / "leder-M2.txt").read_text(encoding="utf-8")
    assert section(m2, "soon") is None and "002" not in m2
    assert ids(section(m2, "now")) == ["003"]


def test_agreements_ending_in_the_window_only(run, agreements, tmp_path):
    """Open-ended, withdrawn, ending after the window and not started yet are not ending."""
    add(run, "008", "--type", "egenplanlaegning", "--start", "2026-12-10", "--end", "2026-12-28")
    out = tmp_path / "out"
    digest(run, out, "--format", "text", "--agreements-within", "30")
    block = section((out / "leder-M1.txt").read_text(encoding="utf-8"), "agreements")
    assert "Senior agreements ending within 30 days (1)" in block
    assert "Reduced hours: last day 2026-12-12 (Saturday), 5 days left" \
        in " ".join(block.split())
    for other in ("Working from home", "Relief", "Adjusted working", "More self-planning"):
        assert other not in block
    digest(run, out, "--format", "text", "--agreements-within", "4")
    assert "None." in section((out / "leder-M1.txt").read_text(encoding="utf-8"), "agreements")


def test_days_off_are_named_in_danish(run, agreements, tmp_path):
    out = tmp_path / "out"
    assert digest(run, out, lang="da").exit_code == 0
    m2 = (out / "leder-M2.html").read_text(encoding="utf-8")
    assert '24-12-2026<br><span class="off">Juleaftensdag</span>' in m2
    assert '31-12-2026<br><span class="off">Nytårsaften</span>' in m2
    m1 = (out / "leder-M1.html").read_text(encoding="utf-8")
    assert '12-12-2026<br><span class="off">lørdag</span>' in m1  # the agreement's last day
    assert '15-11-2026<br><span class="off">søndag</span>' in m1  # Anna's due date
    assert '30-12-2026<br><span class="off">' not in m1  # a working day: no flag
    digest(run, tmp_path / "text", "--format", "text", lang="da")
    text = (tmp_path / "text" / "leder-M2.txt").read_text(encoding="utf-8")
    assert "Forfaldsdato 24-12-2026 (Juleaftensdag), om 17 dage" in text
    assert "Løntillæg: sidste dag 31-12-2026 (Nytårsaften), 24 dage tilbage" in text


def test_staff_without_a_manager_go_to_one_file_for_hr(run, roster, tmp_path):
    out = tmp_path / "out"
    r = digest(run, out, "--format", "text")
    hr = (out / "uden-leder.txt").read_text(encoding="utf-8")
    assert "To: HR" in hr
    assert sorted(ids(section(hr, "now"))) == ["005", "006", "007"]
    assert "Manager: M9 (not in the register)" in hr
    assert "Manager: (no manager)" in hr
    assert "Manager: Lise Gået (M4), left 2026-10-31" in hr
    assert not (out / "leder-M4.txt").exists()  # nothing is sent to a manager who has left
    assert "2 employees have a manager who is not in the register" in r.stderr  # not Finn


def test_a_manager_with_nothing_gets_no_file(run, roster, tmp_path):
    out = tmp_path / "out"
    digest(run, out)
    assert not (out / "leder-M3.html").exists()
    assert "M3" not in (out / "oversigt.csv").read_text(encoding="utf-8-sig")


def test_department_and_manager_filters(run, agreements, tmp_path):
    digest(run, tmp_path / "m", "--manager", "m1")  # typed as people type it
    assert files(tmp_path / "m") == ["leder-M1.html", "oversigt.csv"]
    digest(run, tmp_path / "d", "--department", "vej", "--format", "text")
    assert files(tmp_path / "d") == ["leder-M2.txt", "oversigt.csv", "uden-leder.txt"]
    m2 = (tmp_path / "d" / "leder-M2.txt").read_text(encoding="utf-8")
    assert ids(section(m2, "now")) == [] and ids(section(m2, "soon")) == ["002"]
    assert ids(section(m2, "agreements")) == []  # Cai's agreement: Skole
    r = digest(run, tmp_path / "x", "--manager", "M77")
    assert r.exit_code == 1 and "no manager 'M77'" in r.stderr
    assert not (tmp_path / "x").exists()


# The index and the cron job ------------------------------------------------------------------

def test_index_lists_each_file_with_its_manager_and_counts(run, agreements, tmp_path):
    out = tmp_path / "out"
    r = digest(run, out)
    assert r.exit_code == 0
    raw = (out / "oversigt.csv").read_bytes()
    assert raw.split(b"\r\n")[0] == (b"\xef\xbb\xbfmanager_id;manager_name;manager_email;file;"
                                     b"due_now;due_soon;agreements_ending")
    m1 = {"manager_id": "M1", "manager_name": "Mette Madsen", "manager_email": "mette@example.dk",
          "file": "leder-M1.html", "due_now": "1", "due_soon": "1", "agreements_ending": "1"}
    m2 = {"manager_id": "M2", "manager_name": "<b>Ø&Å</b>", "manager_email": "",
          "file": "leder-M2.html", "due_now": "1", "due_soon": "1", "agreements_ending": "1"}
    hr = {"manager_id": "", "manager_name": "", "manager_email": "", "file": "uden-leder.html",
          "due_now": "3", "due_soon": "0", "agreements_ending": "0"}
    assert read_index(out) == [m2, m1, hr]  # managers by name ("<" before letters), HR last
    assert ("1 manager has no e-mail address in the register" in r.stderr
            and "<b>Ø&Å</b> (M2)" in r.stderr)


def test_an_e_mail_that_is_no_address_is_left_out_and_warned(run, tmp_path):
    """The roster's e-mail column is free text: 'ukendt' or two addresses is no address a mail
    script can use (the same test as invite's), so the index leaves it empty and cron is
    told, as for a manager with none."""
    f = write_csv(tmp_path / "r.csv", "Medarbejdernr;Navn;Fødselsdato;Afdeling;Leder;E-mail",
                  "M1;Mette Madsen;1980-01-01;Skole;;ukendt",
                  "M2;Mads Mo;1980-01-01;Skole;;a@example.dk, b@example.dk",
                  "M3;Mia Mø;1980-01-01;Skole;; m3@example.dk ",
                  "1;Anna;1960-02-02;Skole;M1;", "2;Bo;1960-02-02;Skole;M2;",
                  "3;Carl;1960-02-02;Skole;M3;")
    assert run("import", f, "--as-of", "2026-11-01").exit_code == 0
    r = digest(run, tmp_path / "out")
    assert r.exit_code == 0
    emails = {row["manager_id"]: row["manager_email"] for row in read_index(tmp_path / "out")}
    assert emails == {"M1": "", "M2": "", "M3": "m3@example.dk"}
    assert "2 managers have no e-mail address in the register" in r.stderr
    assert "Mads Mo (M2), Mette Madsen (M1)" in r.stderr and "(M3)" not in r.stderr
    assert "ukendt" not in (tmp_path / "out" / "oversigt.csv").read_text(encoding="utf-8-sig")


def test_silent_on_success_and_a_summary_on_a_terminal(run, roster, tmp_path):
    # only M1's staff: a manager with an e-mail, nobody without a manager
    r = digest(run, tmp_path / "a", "--manager", "M1")
    assert r.exit_code == 0 and r.stderr == "" and r.stdout == ""
    r = digest(run, tmp_path / "b", terminal=True, lang="da")
    assert "Skrev 3 oversigter til" in r.stderr and "(1 leder uden e-mail)." in r.stderr


def test_a_rerun_gives_the_same_bytes(run, agreements, tmp_path):
    out = tmp_path / "out"
    digest(run, out)
    first = {n: (out / n).read_bytes() for n in files(out, hidden=True)}
    assert ".seniorcli-digest.json" in first
    assert digest(run, out).exit_code == 0
    assert {n: (out / n).read_bytes() for n in files(out, hidden=True)} == first
    digest(run, tmp_path / "again")
    assert {n: (tmp_path / "again" / n).read_bytes() for n in files(out, hidden=True)} == first


def test_what_was_logged_after_the_as_of_date_changes_nothing(run, agreements, tmp_path):
    # (dates before the day this test was written: `log` refuses a held conversation dated
    # after today's real date)
    as_of = ("--as-of", "2026-11-01", "--format", "text")
    digest(run, tmp_path / "before", *as_of)
    assert ids(section((tmp_path / "before" / "leder-M2.txt").read_text("utf-8"), "now")) \
        == ["003"]
    assert run("log", "003", "held", "--date", "2026-11-10", "--as-of", "2026-11-10"
               ).exit_code == 0
    add(run, "001", "--type", "andet", "--start", "2026-11-05", "--end", "2026-11-30")
    digest(run, tmp_path / "after", *as_of)
    assert files(tmp_path / "after") == files(tmp_path / "before")
    for name in files(tmp_path / "before"):
        assert (tmp_path / "after" / name).read_bytes() == \
            (tmp_path / "before" / name).read_bytes(), name
    # as of the day after the conversation, Cai is no longer due
    r = run("digest", "--rules", "norddjurs", "--as-of", "2026-11-11", "--to", tmp_path / "later",
            "--format", "text")
    assert r.exit_code == 0
    m2 = (tmp_path / "later" / "leder-M2.txt").read_text("utf-8")
    assert ids(section(m2, "now")) == [] and ids(section(m2, "agreements")) == ["003"]


def test_files_of_an_earlier_run_that_are_no_longer_due_are_removed(run, roster, tmp_path):
    out = tmp_path / "out"
    as_of = "2026-11-20"  # Anna (M1) is due; Ida not yet within 30 days
    run("digest", "--rules", "norddjurs", "--as-of", as_of, "--to", out)
    assert "leder-M1.html" in files(out)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    assert run("log", "001", "held", "--date", "2026-11-16", "--as-of", as_of).exit_code == 0
    r = run("digest", "--rules", "norddjurs", "--as-of", as_of, "--to", out, terminal=True)
    assert files(out) == ["leder-M2.html", "notes.txt", "oversigt.csv", "uden-leder.html"]
    assert "removed 1 overview of an earlier run" in r.stderr
    assert [row["file"] for row in read_index(out)] == ["leder-M2.html", "uden-leder.html"]


def test_the_folder_is_created_private(run, roster, tmp_path):
    out = tmp_path / "new" / "2026-12"
    assert digest(run, out).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert {stat.S_IMODE((out / n).stat().st_mode) for n in files(out)} == {0o600}


def test_nothing_to_do_writes_an_empty_index(run, roster, tmp_path):
    out = tmp_path / "out"
    r = run("digest", "--rules", "norddjurs", "--as-of", "1990-01-01", "--to", out,
            terminal=True)
    assert r.exit_code == 0 and "Wrote 0 overviews" in r.stderr
    assert files(out) == ["oversigt.csv"] and read_index(out) == []


# How the files read ---------------------------------------------------------------------------

def test_text_lines_fit_80_columns(run, tmp_path):
    long = "Karen-Margrethe Skovgaard-Østergaard Christensen-Vestergaard von Holstein"
    f = write_csv(tmp_path / "r.csv", "Medarbejdernr;Navn;Fødselsdato;Afdeling;Leder",
                  f"L;{long};1980-01-01;{'Hjemmeplejen ' * 8};",
                  f"1;{long};1960-02-02;{'Distrikt' * 15};L",
                  f"2;{'X' * 120};1960-02-02;Vej;L")
    assert run("import", f, "--as-of", "2026-11-01").exit_code == 0
    for lang in ("da", "en"):
        out = tmp_path / lang
        assert digest(run, out, "--format", "text", lang=lang).exit_code == 0
        for name in files(out):
            if name.endswith(".txt"):
                lines = (out / name).read_text(encoding="utf-8").splitlines()
                assert max(len(line) for line in lines) <= 80, name
                assert lines[-1].startswith(("Lavet med seniorcli", "Made by seniorcli"))


def test_html_escapes_everything_from_the_register(run, agreements, tmp_path):
    out = tmp_path / "out"
    digest(run, out)
    page = (out / "leder-M2.html").read_text(encoding="utf-8")
    assert "<b>Ø&Å</b>" not in page
    assert "&lt;b&gt;Ø&amp;Å&lt;/b&gt;" in page
    assert page.startswith("<!DOCTYPE html>") and "@page { size: A4 portrait" in page
    for outside in ("http://", "https://", "<script", "<link", "src="):
        assert outside not in page


def test_danish_by_default_english_on_request(run, roster, tmp_path):
    digest(run, tmp_path / "da", lang="da")
    page = (tmp_path / "da" / "leder-M1.html").read_text(encoding="utf-8")
    assert '<html lang="da">' in page
    assert "Status pr. 7. december 2026" in page and "Til: Mette Madsen (M1)" in page
    assert "Der er alene tale om et tilbud" in page and "tillidsrepræsentanten" in page
    assert "Skal tilbydes en seniorsamtale nu (1)" in page
    digest(run, tmp_path / "en", lang="en")
    page = (tmp_path / "en" / "leder-M1.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "Status as of 7 December 2026" in page
    assert "union representative (TR)" in page


def test_odd_manager_ids_get_safe_file_names():
    from seniorcli.output.digest import file_names

    names = file_names(["M1", "a/b", "../x", "Ab", "ab", "Søren", None], "html")
    assert names["M1"] == "leder-M1.html" and names[None] == "uden-leder.html"
    odd = [names[m] for m in ("a/b", "../x", "Ab", "ab", "Søren")]
    assert len(set(odd)) == 5 and len({n.casefold() for n in odd}) == 5
    assert all(re.fullmatch(r"leder-[A-Za-z0-9_-]+-[0-9a-f]{8}\.html", n) for n in odd)
    assert file_names(["a/b"], "text")["a/b"] == names["a/b"][:-5] + ".txt"


# Refusals -----------------------------------------------------------------------------------

def test_a_file_is_not_a_folder(run, roster, tmp_path):
    target = write_csv(tmp_path / "digest.txt", "keep")
    r = digest(run, target)
    assert r.exit_code == 1
    assert "is a file, not a folder" in r.stderr and "nothing was written" in r.stderr
    assert target.read_text() == "keep\n"
    r = digest(run, target / "sub")
    assert r.exit_code == 1 and "is a file" in r.stderr
    r = digest(run, target, lang="da")
    assert "er en fil, ikke en mappe" in r.stderr


@pytest.mark.sqlite_only
def test_the_database_is_not_a_folder(run, roster, db):
    before = db_snapshot(db)
    r = digest(run, Path(db))
    assert r.exit_code == 1 and "the database in use" in r.stderr
    assert db_snapshot(db) == before and Path(db).is_file()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in any folder")
def test_a_folder_without_write_permission(run, roster, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    r = digest(run, locked)
    assert r.exit_code == 1 and "no permission to write in the folder" in r.stderr
    r = digest(run, locked / "sub")
    assert r.exit_code == 1 and not (locked / "sub").exists()


def test_usage_errors_and_missing_choices(run, roster, tmp_path):
    out = tmp_path / "out"
    assert run("digest", "--rules", "norddjurs", "--as-of", AS_OF).exit_code == 2  # no --to
    assert digest(run, out, "--format", "pdf").exit_code == 2
    assert digest(run, out, "--within", "-1").exit_code == 2
    assert digest(run, out, "--agreements-within", "x").exit_code == 2
    r = run("digest", "--as-of", AS_OF, "--to", out)
    assert r.exit_code == 1 and "no rule set chosen" in r.stderr
    assert not out.exists()


def test_a_missing_database_is_refused_and_no_folder_made(tmp_path):
    from typer.testing import CliRunner

    from seniorcli.cli import app

    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["--db", str(tmp_path / "nope.db"), "digest", "--rules",
                                 "norddjurs", "--as-of", AS_OF, "--to", str(out)])
    assert r.exit_code == 1 and "there is no database" in r.stderr
    assert not out.exists() and not (tmp_path / "nope.db").exists()


# Found by the user test of the first version ----------------------------------------------------

MANIFEST = ".seniorcli-digest.json"


def snapshot_of(folder: Path) -> dict[str, bytes]:
    return {n: (folder / n).read_bytes() for n in files(folder, hidden=True)}


def test_another_selection_never_touches_a_folders_files(run, agreements, tmp_path):
    """A run for one manager (or one department, or the other format) into the folder of the
    full monthly run is refused: it would remove the other managers' files and replace the
    index the mail script reads."""
    out = tmp_path / "out"
    assert digest(run, out).exit_code == 0
    before = snapshot_of(out)
    for other in (("--manager", "M1"), ("--department", "Vej"), ("--format", "text")):
        r = digest(run, out, *other)
        assert r.exit_code == 1, other
        assert "holds the overviews of another selection" in r.stderr
        assert "nothing was written" in r.stderr and "a folder of its own" in r.stderr
        assert snapshot_of(out) == before, other
    r = digest(run, out, "--manager", "M1", lang="da")
    assert "rummer oversigterne fra et andet udvalg (alle ledere, html)" in r.stderr
    assert "denne kørsel (leder M1, html)" in r.stderr
    assert f"--to {out / 'leder-M1'}" in r.stderr
    # ... and the other way round: the full run into a folder of one manager's overview
    assert digest(run, out / "leder-M1", "--manager", "m1").exit_code == 0
    assert digest(run, out / "leder-M1").exit_code == 1
    assert files(out / "leder-M1") == ["leder-M1.html", "oversigt.csv"]


def test_the_manifest_keeps_the_selection_and_its_files(run, roster, tmp_path):
    import json

    out = tmp_path / "out"
    digest(run, out, "--department", "skole", "--format", "text")
    kept = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert kept["selection"] == {"department": "Skole", "manager": None, "format": "text"}
    assert kept["files"] == ["leder-M1.txt", "leder-M2.txt", "uden-leder.txt"]
    assert stat.S_IMODE((out / MANIFEST).stat().st_mode) == 0o600
    assert sorted(row["file"] for row in read_index(out)) == kept["files"]


def test_a_rerun_of_the_same_selection_removes_what_is_no_longer_current(run, roster, tmp_path):
    out = tmp_path / "out"
    as_of = "2026-11-20"
    args = ("digest", "--rules", "norddjurs", "--as-of", as_of, "--to", out, "--manager")
    assert run(*args, "M1").exit_code == 0
    assert files(out) == ["leder-M1.html", "oversigt.csv"]
    assert run("log", "001", "held", "--date", "2026-11-16", "--as-of", as_of).exit_code == 0
    r = run(*args, "m1", terminal=True)  # the same manager, typed otherwise
    assert r.exit_code == 0 and "removed 1 overview of an earlier run" in r.stderr
    assert files(out) == ["oversigt.csv"] and read_index(out) == []


def test_an_index_without_a_manifest_loses_no_file(run, roster, tmp_path):
    """A folder whose manifest is gone (copied without hidden files, or written by the first
    version): whose files the index names cannot be told, so nothing is removed."""
    out = tmp_path / "out"
    run("digest", "--rules", "norddjurs", "--as-of", "2026-11-20", "--to", out)
    (out / MANIFEST).unlink()
    assert run("log", "001", "held", "--date", "2026-11-16", "--as-of", "2026-11-20"
               ).exit_code == 0
    r = run("digest", "--rules", "norddjurs", "--as-of", "2026-11-20", "--to", out,
            "--manager", "M2")
    assert r.exit_code == 0
    assert "leder-M1.html" in files(out) and "uden-leder.html" in files(out)
    assert (out / MANIFEST).is_file()


def test_an_empty_folder_name_is_refused(run, roster, tmp_path, monkeypatch):
    """`--to "$folder"` with the variable unset in a cron script: never the current folder."""
    here = tmp_path / "cwd"
    here.mkdir()
    monkeypatch.chdir(here)
    for empty in ("", "  "):
        r = digest(run, empty)  # type: ignore[arg-type]
        assert r.exit_code == 2, empty
        assert "--to is empty" in r.stderr
        assert list(here.iterdir()) == []
    r = digest(run, "", lang="da")  # type: ignore[arg-type]
    assert "--to er tom" in r.stderr
    assert digest(run, Path(".")).exit_code == 0  # named on purpose: the current folder
    assert "oversigt.csv" in files(here)


def test_a_file_in_the_path_of_the_folder_is_named(run, roster, tmp_path):
    target = write_csv(tmp_path / "afile", "keep")
    for below in ("sub", "sub/deeper"):
        r = digest(run, target / below, lang="da")
        assert r.exit_code == 1
        assert f"kan ikke oprette mappen {target / below}: {target} er en fil" in r.stderr
    assert target.read_text() == "keep\n"


def _html_sections(page: str) -> dict[str, list[list[str]]]:
    """Heading → rows of cell texts; the id of an employee and the name of a day off in
    brackets, as the text digest writes them."""
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self):
            super().__init__()
            self.sections: dict[str, list[list[str]]] = {}
            self.heading = None
            self.text: list[str] | None = None
            self.row: list[str] | None = None
            self.bracket = False

        def handle_starttag(self, tag, attrs):
            cls = dict(attrs).get("class") or ""
            if tag == "h2":
                self.text = []
            elif tag == "tr" and self.heading is not None:
                self.row = []
            elif tag == "td" and self.row is not None:
                self.text = []
            elif tag == "span" and cls in ("id", "off") and self.text is not None:
                self.text.append(" (")
                self.bracket = True
            elif tag == "br" and self.text is not None:
                self.text.append(" ")

        def handle_endtag(self, tag):
            if tag == "span" and self.bracket:
                self.text.append(")")
                self.bracket = False
            elif tag == "h2":
                self.heading = "".join(self.text)
                self.sections[self.heading] = []
                self.text = None
            elif tag == "td" and self.row is not None:
                self.row.append(" ".join("".join(self.text).split()).replace("( ", "("))
                self.text = None
            elif tag == "tr" and self.row:
                self.sections[self.heading].append(self.row)
                self.row = None

        def handle_data(self, data):
            if self.text is not None:
                self.text.append(data)

    reader = Reader()
    reader.feed(page)
    return reader.sections


def _text_sections(text: str) -> dict[str, list[str]]:
    """Heading → each employee's block, its lines joined."""
    lines = text.splitlines()
    sections: dict[str, list[str]] = {}
    heading = None
    for i, line in enumerate(lines):
        if i + 1 < len(lines) and re.fullmatch(r"-{3,}", lines[i + 1]) and line \
                and len(lines[i + 1]) == len(line):
            heading = line
            sections[heading] = []
        elif heading is not None and line.startswith("* "):
            sections[heading].append(line[2:])
        elif heading is not None and line.startswith("  ") and sections[heading]:
            sections[heading][-1] += " " + line.strip()
        elif line.startswith("-" * 80):
            heading = None
    return sections


def _facts(block: str) -> list[str]:
    """What a text block states: ids, dates (with their day off), days, status, reason."""
    found = re.findall(r"\([^()]*\)", block)  # ids, days off, manager ids
    found += re.findall(r"\d\d-\d\d-\d{4}(?: \([^)]*\))?", block)
    found += re.findall(r"\d+ dage?\b", block)
    found += re.findall(r" · (.*?)(?: Hvorfor:|$)", block)
    found += re.findall(r"Hvorfor: (.*)$", block)
    return found


def test_html_and_text_carry_the_same_facts(run, agreements, tmp_path):
    """The same register in both formats: the same sections, the same people in the same
    order, and every fact of one in the other — the pending status in "due soon" too."""
    assert run("log", "001", "invited", "--date", "2026-11-20", "--as-of", AS_OF).exit_code == 0
    assert run("log", "009", "invited", "--date", "2026-12-01", "--as-of", AS_OF).exit_code == 0
    assert run("log", "006", "postponed", "--date", "2026-11-25", "--as-of", AS_OF).exit_code == 0
    digest(run, tmp_path / "h", lang="da")
    digest(run, tmp_path / "t", "--format", "text", lang="da")
    pending_seen = 0
    for name in ("leder-M1", "leder-M2", "uden-leder"):
        html = _html_sections((tmp_path / "h" / f"{name}.html").read_text(encoding="utf-8"))
        text = _text_sections((tmp_path / "t" / f"{name}.txt").read_text(encoding="utf-8"))
        assert list(html) == list(text), name
        for heading, rows in html.items():
            blocks = text[heading]
            assert len(rows) == len(blocks), (name, heading)
            for cells, block in zip(rows, blocks, strict=True):
                for cell in cells:
                    assert cell in block, (name, heading, cell, block)
                whole = " ".join(cells)
                for fact in _facts(block):
                    assert fact in whole, (name, heading, fact, cells)
                pending_seen += any(w in cells for w in ("inviteret", "udsat"))
    assert pending_seen == 3  # Anna (now), Ida (soon, the one the HTML left out), Finn (HR)
    soon = _html_sections((tmp_path / "h" / "leder-M1.html").read_text(encoding="utf-8"))
    assert soon["Skal tilbydes inden for 30 dage (1)"][0][4] == "inviteret"


def test_agreements_within_0_leaves_the_section_out(run, agreements, tmp_path):
    """As --within 0 leaves "due soon" out; a manager with only agreements gets no file."""
    out = tmp_path / "out"
    assert run("log", "003", "held", "--date", "2026-11-25", "--as-of", AS_OF).exit_code == 0
    digest(run, out, "--format", "text", "--agreements-within", "0", "--within", "0")
    m1 = (out / "leder-M1.txt").read_text(encoding="utf-8")
    assert section(m1, "agreements") is None and "within 0 days" not in m1
    assert section(m1, "soon") is None and ids(section(m1, "now")) == ["001"]
    assert not (out / "leder-M2.txt").exists()  # Cai's agreement only: nothing to say
    assert {r["file"]: r["agreements_ending"] for r in read_index(out)} == {
        "leder-M1.txt": "0", "uden-leder.txt": "0"}
    digest(run, tmp_path / "h", "--agreements-within", "0", lang="da")
    page = (tmp_path / "h" / "leder-M1.html").read_text(encoding="utf-8")
    assert "Seniorordninger, der udløber" not in page


def test_an_id_is_never_broken_across_lines(run, tmp_path):
    """Ids with a space ("A 7"), after names of every length up to the line's end."""
    rows = [f"A {n};{'Anna ' + 'Bodil' * (n // 5) + 'x' * (n % 5)};1960-02-02;Skole;M 1"
            for n in range(50, 80)]
    f = write_csv(tmp_path / "r.csv", "Medarbejdernr;Navn;Fødselsdato;Afdeling;Leder",
                  "M 1;Mette;1980-01-01;Skole;", *rows)
    assert run("import", f, "--as-of", "2026-11-01").exit_code == 0
    out = tmp_path / "out"
    assert digest(run, out, "--format", "text").exit_code == 0
    (page,) = [p for p in out.iterdir() if p.name.startswith("leder-")]
    text = page.read_text(encoding="utf-8")
    assert len(re.findall(r"\(A \d\d\)", text)) == 30
    assert "To: Mette (M 1)" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_a_date_is_never_broken_across_lines():
    """A date with the name of its day off ("26-12-2026 (Anden juledag)") stays on one line,
    wherever a long agreement type puts it."""
    from datetime import date
    from types import SimpleNamespace

    from seniorcli.i18n import refresh
    from seniorcli.output.digest import render_text
    from seniorcli.workdays import day_off

    os.environ["SENIORCLI_LANG"] = "da"
    refresh()
    try:
        run = SimpleNamespace(as_of=date(2026, 12, 7), within=0, agreements_within=30,
                              rules_name="norddjurs", rules_title="Norddjurs Kommune")
        rows = [{"employee_id": "1", "name": "Anna", "department": "Skole",
                 "type": "t" * n, "end_date": date(2026, 12, 26), "days_left": 19}
                for n in range(40, 78)]
        d = SimpleNamespace(manager_id="M1", manager_name="Mette", manager_email=None,
                            due_now=[], due_soon=[], agreements_ending=rows)
        text = render_text(d, run)
        name = day_off(date(2026, 12, 26))
    finally:
        os.environ["SENIORCLI_LANG"] = "en"
        refresh()
    assert " " in name and text.count(f"26-12-2026 ({name})") == 38
    assert max(len(line) for line in text.splitlines()) <= 80


def test_staff_without_a_manager_are_no_warning(run, tmp_path):
    """The director has no manager: normal, so the monthly cron job mails nothing about it —
    the file for HR and the index carry them, and a terminal gets a line."""
    f = write_csv(tmp_path / "r.csv", "Medarbejdernr;Navn;Fødselsdato;Afdeling;Leder;E-mail",
                  "D;Dorte Direktør;1960-01-01;Direktion;;d@example.dk",
                  "1;Anna;1960-02-02;Skole;D;")
    assert run("import", f, "--as-of", "2026-11-01").exit_code == 0
    r = digest(run, tmp_path / "cron")
    assert r.exit_code == 0 and r.stderr == ""
    assert files(tmp_path / "cron") == ["leder-D.html", "oversigt.csv", "uden-leder.html"]
    r = digest(run, tmp_path / "terminal", terminal=True, lang="da")
    assert "1 medarbejder uden leder i registeret (f.eks. direktøren) står i " in r.stderr
    assert "Advarsel" not in r.stderr


def test_a_manager_unknown_or_gone_is_warned(run, roster, tmp_path):
    """A manager id that names nobody, or someone who has left, needs the roster fixed: a
    warning, so cron mails it; the staff with no manager at all are not in it."""
    r = digest(run, tmp_path / "out", "--department", "Vej")  # Eva (M9), Gitte (M4)
    assert r.exit_code == 0
    assert ("2 employees have a manager who is not in the register or not employed on the day"
            in r.stderr)
    assert "M9 (not in the register)" in r.stderr
    assert "Lise Gået (M4), left 2026-10-31" in r.stderr
    r = digest(run, tmp_path / "skole", "--department", "Skole")  # Finn: no manager
    assert r.exit_code == 0 and "have a manager" not in r.stderr \
        and "has a manager" not in r.stderr


def _mail_script() -> str:
    doc = (Path(__file__).parent.parent / "docs" / "digest.md").read_text(encoding="utf-8")
    (code,) = re.findall(r"```python\n(# /srv/hr/bin/mail-digests\.py.*?)```", doc, re.S)
    return code


@pytest.mark.parametrize("fmt", ["html", "text"])
def test_the_mail_example_of_the_docs_attaches_each_file_as_what_it_is(
        run, roster, tmp_path, monkeypatch, fmt):
    import sys
    import types

    out = tmp_path / "out"
    assert digest(run, out, "--format", fmt).exit_code == 0
    sent = []

    class SMTP:
        def __init__(self, host):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, msg):
            sent.append(msg)

    monkeypatch.setitem(sys.modules, "smtplib", types.SimpleNamespace(SMTP=SMTP))
    monkeypatch.setattr(sys, "argv", ["mail-digests.py", str(out)])
    exec(compile(_mail_script(), "mail-digests.py", "exec"), {"__name__": "__main__"})
    index = read_index(out)
    assert len(sent) == len(index) == 3
    for msg, row in zip(sent, index, strict=True):
        digest_text = (out / row["file"]).read_text(encoding="utf-8")
        if fmt == "html":  # attached as a web page
            (part,) = list(msg.iter_attachments())
            assert part.get_filename() == row["file"]
            assert part.get_content_type() == "text/html"
            assert part.get_content() == digest_text
        else:  # the text digest is the mail itself, never "HTML"
            assert list(msg.iter_attachments()) == []
            assert msg.get_content_type() == "text/plain"
            assert msg.get_content() == digest_text
    assert [m["To"] for m in sent] == ["hr@kommune.dk", "mette@example.dk", "hr@kommune.dk"]


def test_the_intro_says_what_the_municipalitys_rule_says_of_mus(run, roster, tmp_path):
    """Albertslund's senior conversation is part of MUS and declined actively; Køge's may be
    held with MUS or apart (the seeds)."""
    for rules, said, not_said in (("albertslund", "Seniorsamtalen er en del af MUS",
                                   "adskilt fra MUS"),
                                  ("koege", "adskilt fra MUS", "er en del af MUS")):
        out = tmp_path / rules
        r = run("digest", "--rules", rules, "--as-of", AS_OF, "--to", out, "--format", "text",
                lang="da")
        assert r.exit_code == 0, r.stderr
        texts = [" ".join(p.read_text(encoding="utf-8").split())
                 for p in out.glob("leder-*.txt")]
        assert texts and all(said in t and not_said not in t for t in texts), rules
