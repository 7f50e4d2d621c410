"""A missing input file names what to try: the files of its kind beside it, or the missing
folder."""

from __future__ import annotations

from pathlib import Path


def test_a_typo_in_the_name_lists_the_files_beside_it(run, tmp_path: Path):
    (tmp_path / "medarbejdere-2026-11.csv").write_text("x\n", encoding="utf-8")
    (tmp_path / "noter.txt").write_text("x\n", encoding="utf-8")
    r = run("import", tmp_path / "medarbejdere-2026-12.csv", lang="da")
    assert r.exit_code == 1
    assert "medarbejdere-2026-12.csv: filen findes ikke" in r.stderr
    assert f"Prøv: kontrollér navnet; i {tmp_path} findes: medarbejdere-2026-11.csv" in r.stderr
    assert "noter.txt" not in r.stderr


def test_a_missing_folder_is_named(run, tmp_path: Path):
    r = run("import", tmp_path / "nope" / "x.csv", lang="da")
    assert r.exit_code == 1
    assert f"Prøv: kontrollér stien: mappen {tmp_path / 'nope'} findes ikke" in r.stderr


def test_a_missing_rules_file_gets_a_hint_too(run, tmp_path: Path):
    roster = tmp_path / "r.csv"
    roster.write_text("employee_id,name,birth_date\n1,A B,1960-01-01\n", encoding="utf-8")
    assert run("import", roster).exit_code == 0
    r = run("due", "--rules-file", tmp_path / "lemvig.toml", lang="da")
    assert r.exit_code == 1
    assert "lemvig.toml: filen findes ikke" in r.stderr
    assert "Prøv: kontrollér sti og navn" in r.stderr


def test_an_output_path_through_a_file_is_said_in_danish(run, tmp_path: Path):
    roster = tmp_path / "r.csv"
    roster.write_text("employee_id,name,birth_date\n1,A B,1960-01-01\n", encoding="utf-8")
    assert run("import", roster).exit_code == 0
    r = run("employees", "-o", roster / "x.csv", lang="da")
    assert r.exit_code == 1
    assert "en del af stien er en fil, ikke en mappe" in r.stderr
    assert "Not a directory" not in r.stderr
