"""Encoding per file, honestly (issue 13, item 8): a UTF-8 file with a few bad bytes is refused
naming the lines and columns, never re-read as cp1252; a genuine cp1252 file is still read as
cp1252; the encoding a user names is used. Both ways of reading (one process, reader process)."""

from __future__ import annotations

import pytest

from seniorcli.errors import InputFileError
from seniorcli.tabular import detect_encoding, open_table

from conftest import AS_OF, db_rows, db_snapshot

pytestmark = pytest.mark.both_engines

HEADER = "Medarbejdernr;Navn;Fodselsdato;Afdeling\n"  # ASCII: line 2 is the first with Ø


@pytest.fixture(autouse=True, params=["one process", "reader process"])
def reader(request, monkeypatch):
    monkeypatch.setenv("SENIORCLI_IMPORT_WORKER", "1" if request.param == "reader process"
                       else "0")
    return request.param


def _mixed(tmp_path):
    """UTF-8 (Ø, Æ, Å on lines 1–3) with two names pasted in from a cp1252 file (lines 4, 6)."""
    f = tmp_path / "mixed.csv"
    f.write_bytes(
        HEADER.encode("utf-8")
        + "00001;Ørjan Ærø;1960-01-01;Ældreplejen\n".encode()
        + "00002;Åse Dahl;1961-01-01;Jobcenter\n".encode()
        + "00003;S\xf8ren Berg;1962-01-01;Jobcenter\n".encode("cp1252")
        + b"00004;Bo Holm;1963-01-01;Jobcenter\n"
        + "00005;Kim Lund;1964-01-01;B\xf8rn og Unge\n".encode("cp1252"))
    return f


def test_utf8_file_with_a_few_cp1252_bytes_is_refused_naming_lines_and_columns(run, db,
                                                                                tmp_path):
    r = run("import", _mixed(tmp_path), "--as-of", AS_OF)
    assert r.exit_code == 1 and r.stdout == ""
    assert "is partly UTF-8 (e.g. line 2) and partly not: 2 lines" in r.stderr
    assert "line 4, column Navn: byte 0xF8 is not utf-8 (in cp1252 it is 'ø')" in r.stderr
    assert "line 6, column Afdeling: byte 0xF8" in r.stderr
    assert "--encoding cp1252" in r.stderr and "Traceback" not in r.stderr
    assert db_snapshot(db).get("employee", []) == []


def test_a_mixed_file_is_read_as_the_encoding_the_user_names(run, db, tmp_path):
    r = run("import", _mixed(tmp_path), "--encoding", "cp1252", "--as-of", AS_OF)
    assert r.exit_code == 0, r.stderr
    names = dict(db_rows(db, "SELECT employee_id, name FROM employee"))
    assert names["00003"] == "Søren Berg"  # what the user asked for: cp1252 throughout
    assert names["00001"] == "Ã˜rjan Ã†rÃ¸"


def test_a_genuine_cp1252_file_is_still_read_as_cp1252(run, db, tmp_path):
    f = tmp_path / "cp.csv"
    f.write_bytes((HEADER + "00001;Søren Ærøskøbing;1960-01-01;Børn og Unge\n"
                   "00002;Åse Ågård;1961-01-01;Ældreplejen\n").encode("cp1252"))
    r = run("import", f, "--as-of", AS_OF, "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert r.json()["encoding"] == "cp1252"
    rows = dict(db_rows(db, "SELECT name, department FROM employee"))
    assert rows == {"Søren Ærøskøbing": "Børn og Unge", "Åse Ågård": "Ældreplejen"}


def test_a_bad_byte_far_into_a_file_is_named_on_its_own_line(run, tmp_path):
    """The text layer decodes 8 KB ahead of the rows: the line named must be the real one."""
    f = tmp_path / "long.csv"
    body = [f"{i:05d};Person Ørsted;1960-01-01;Jobcenter\n".encode() for i in range(1, 2000)]
    body[1499] = b"01500;Person \xd8rsted;1960-01-01;Jobcenter\n"  # line 1501
    f.write_bytes(HEADER.encode() + b"".join(body))
    r = run("import", f, "--encoding", "utf-8", "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "cannot be read as utf-8: 1 line" in r.stderr
    assert "line 1501, column Navn: byte 0xD8 is not utf-8 (in cp1252 it is 'Ø')" in r.stderr


def test_a_bom_file_with_a_bad_byte_is_refused_naming_the_line(run, tmp_path):
    f = tmp_path / "bom.csv"
    f.write_bytes(b"\xef\xbb\xbf" + HEADER.encode() + "00001;Åse;1960-01-01;Job\n".encode()
                  + b"00002;B\xe6k;1961-01-01;Job\n")
    r = run("import", f, "--as-of", AS_OF)
    assert r.exit_code == 1 and "line 3, column Navn: byte 0xE6" in r.stderr


def test_a_file_that_is_neither_utf8_nor_cp1252_is_refused(run, tmp_path):
    f = tmp_path / "odd.csv"
    f.write_bytes(HEADER.encode("cp1252") + b"00001;Bo\x81;1960-01-01;Job\n")
    r = run("import", f, "--as-of", AS_OF)
    assert r.exit_code == 1
    assert "is neither UTF-8 nor cp1252" in r.stderr and "line 2, column Navn" in r.stderr


def test_many_bad_lines_are_counted_after_the_first_ten(tmp_path):
    f = tmp_path / "many.csv"
    f.write_bytes(HEADER.encode() + "00001;Ø;1960-01-01;J\n".encode()
                  + b"".join(b"%05d;\xf8;1960-01-01;J\n" % i for i in range(2, 40)))
    with pytest.raises(InputFileError) as e:
        detect_encoding(f)
    assert "38 lines" in e.value.message
    assert len(e.value.details) == 11 and e.value.details[-1] == "… and 28 more lines"


def test_outcome_files_are_read_by_the_same_rule(run, tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_bytes((HEADER + "00001;Anna;1960-01-01;Job\n").encode())
    assert run("import", roster, "--as-of", AS_OF).exit_code == 0
    f = tmp_path / "outcomes.csv"
    f.write_bytes(b"employee_id;outcome;date;note\n"
                  + "00001;held;2026-10-01;Ønsker færre timer\n".encode()
                  + b"00001;invited;2026-10-02;S\xf8ger\n")
    r = run("log", "--from-file", f, "--as-of", AS_OF)
    assert r.exit_code == 1 and "line 3, column note: byte 0xF8" in r.stderr


def test_plain_utf8_and_ascii_files_are_utf8(tmp_path):
    f = tmp_path / "u.csv"
    f.write_bytes((HEADER + "00001;Åse;1960-01-01;Job\n").encode())
    assert detect_encoding(f) == "utf-8"
    with open_table(f) as tf:
        assert [fields[1] for _, fields in tf.rows()] == ["Åse"]
