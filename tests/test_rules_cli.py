"""rules list / rules show, and mistakes in TOML rule files."""

from __future__ import annotations

import pytest

from conftest import FIXTURES


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
