"""rules list / rules show, and mistakes in TOML rule files."""

from __future__ import annotations

import pytest

from conftest import FIXTURES

pytestmark = pytest.mark.both_engines


def test_rules_list_names_the_built_ins(run):
    r = run("rules", "list", "-f", "json")
    names = {x["name"]: x for x in r.json()}
    assert set(names) == {"norddjurs", "koege", "albertslund"}
    assert names["albertslund"]["first_offer_age"] == 52
    assert names["koege"]["trigger"] == "calendar_year"


def test_rules_list_includes_rules_file(run):
    r = run("rules", "list", "--rules-file", FIXTURES / "silkeborg.toml", "-f", "json")
    assert "silkeborg" in {x["name"] for x in r.json()}


@pytest.mark.parametrize("name,expected", [
    ("norddjurs", ["55th birthday", "Personalepolitik", "Yearly = 12 months"]),
    ("koege", ["1 January of the calendar year the employee turns 55", "seniorpolitik",
               "once per calendar year"]),
    ("albertslund", ["First offer due on the 52nd birthday", "offered again on the 55th birthday",
                     "KommuneMED 30. april 2025", "24 months"]),
])
def test_rules_show_prints_definition_sources_and_interpretations(run, name, expected):
    r = run("rules", "show", name)
    assert r.exit_code == 0
    for text in expected:
        assert text in r.stdout
    assert "Interpretations" in r.stdout and "29 February" in r.stdout


def test_rules_show_unknown_name(run):
    r = run("rules", "show", "lemvig")
    assert r.exit_code == 1
    assert "unknown rule set 'lemvig'" in r.stderr and "norddjurs" in r.stderr


@pytest.mark.parametrize("text,message", [
    ('name = "x"\ntitle = "X"\nsources = ["s"]\n', "key 'first_offer_age' is missing"),
    ('name = "x"\ntitle = "X"\nfirst_offer_age = "60"\nsources = ["s"]\n',
     "key 'first_offer_age' must be a whole number"),
    ('name = "x"\ntitle = "X"\nfirst_offer_age = 60\ntrigger = "monthly"\nsources = ["s"]\n',
     "key 'trigger' must be one of birthday, calendar_year"),
    ('name = "x"\ntitle = "X"\nfirst_offer_age = 60\nsources = ["s"]\nage = 3\n',
     "unknown key 'age'"),
    ('name = "x"\ntitle = "X"\nfirst_offer_age = 60\nsources = []\n',
     "key 'sources' must name at least one source"),
    ('name = "x\n', "not valid TOML"),
])
def test_mistakes_in_a_rules_file_name_the_file_and_the_key(run, tmp_path, text, message):
    f = tmp_path / "bad.toml"
    f.write_text(text)
    r = run("rules", "show", "x", "--rules-file", f)
    assert r.exit_code == 1
    assert str(f) in r.stderr and message in r.stderr
    assert "Traceback" not in r.stderr


def test_rules_folder_in_the_user_config_dir_is_picked_up(run, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    folder = tmp_path / "cfg" / "seniorcli" / "rules"
    folder.mkdir(parents=True)
    (folder / "silkeborg.toml").write_text((FIXTURES / "silkeborg.toml").read_text())
    r = run("rules", "show", "silkeborg")
    assert r.exit_code == 0 and "60th birthday" in r.stdout


def _rule_file(path, name, *aliases, title="Egne regler"):
    alias_list = ", ".join(f'"{a}"' for a in aliases)
    path.write_text(f'name = "{name}"\ntitle = "{title}"\nfirst_offer_age = 60\n'
                    f'aliases = [{alias_list}]\nsources = ["vores personalepolitik"]\n',
                    encoding="utf-8")
    return path


def test_a_rules_file_with_a_built_in_name_is_refused_naming_both(run, tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("id,name,birth_date\n1,Anna,1960-01-01\n", encoding="utf-8")
    assert run("import", roster, "--as-of", "2026-11-01").exit_code == 0
    f = _rule_file(tmp_path / "koege.toml", "Koege")
    for args in (("rules", "show", "koege"), ("rules", "list"),
                 ("due", "--rules", "koege", "--as-of", "2026-11-01")):
        r = run(*args, "--rules-file", f)
        assert r.exit_code == 1, args
        assert (f"{f}: the name 'koege' is already the built-in rule set Køge Kommune; "
                "choose another name") in r.stderr
        assert "Traceback" not in r.stderr
    r = run("rules", "show", "koege")  # without the file: the built-in, as always
    assert r.exit_code == 0 and "Defined in: built-in" in r.stdout


@pytest.mark.parametrize("name,aliases,message", [
    ("mykoege", ["køge"], "the alias 'køge' is already an alias of the built-in rule set "
                          "Køge Kommune; choose another alias"),
    ("mine", ["albertslund"], "the alias 'albertslund' is already the built-in rule set "
                              "Albertslund Kommune; choose another alias"),
    ("koge", [], "the name 'koge' is already an alias of the built-in rule set Køge Kommune; "
                 "choose another name"),
])
def test_a_rules_file_reusing_a_built_in_alias_is_refused(run, tmp_path, name, aliases,
                                                           message):
    f = _rule_file(tmp_path / "mine.toml", name, *aliases)
    r = run("rules", "list", "--rules-file", f)
    assert r.exit_code == 1 and f"{f}: {message}" in r.stderr


def test_two_rules_files_with_one_name_are_refused_naming_both_files(run, tmp_path,
                                                                      monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    folder = tmp_path / "cfg" / "seniorcli" / "rules"
    folder.mkdir(parents=True)
    kept = folder / "silkeborg.toml"
    kept.write_text((FIXTURES / "silkeborg.toml").read_text(encoding="utf-8"),
                    encoding="utf-8")
    other = _rule_file(tmp_path / "ny.toml", "lokal", "silkeborg")
    r = run("rules", "show", "silkeborg", "--rules-file", other)
    assert r.exit_code == 1
    assert (f"{other}: the alias 'silkeborg' is already the rule set Silkeborg Kommune in "
            f"{kept}; choose another alias") in r.stderr
    # the folder's own file named again with --rules-file is the same rule set, not a rival
    r = run("rules", "show", "silkeborg", "--rules-file", kept)
    assert r.exit_code == 0 and "60th birthday" in r.stdout


def test_a_rules_folder_file_with_a_built_in_name_stops_every_rule_command(run, tmp_path,
                                                                            monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    folder = tmp_path / "cfg" / "seniorcli" / "rules"
    folder.mkdir(parents=True)
    f = _rule_file(folder / "norddjurs.toml", "norddjurs")
    r = run("rules", "show", "albertslund")
    assert r.exit_code == 1
    assert (f"{f}: the name 'norddjurs' is already the built-in rule set Norddjurs Kommune"
            in r.stderr)
