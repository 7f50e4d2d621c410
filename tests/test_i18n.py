"""Danish by default for everything a person reads, English on request.

The catalog test extracts every user-facing text from the source with Babel (as `pybabel
extract -F babel.cfg` does) and fails when one has no Danish translation. The other tests
choose the language as a user does: SENIORCLI_LANG, `config set language`, the locale."""

from __future__ import annotations

import os
import string
import subprocess
import sys
from pathlib import Path

import pytest

from seniorcli import i18n

babel = pytest.importorskip("babel")

SRC = Path(i18n.__file__).parent
PO = SRC / "locale" / "da" / "LC_MESSAGES" / "seniorcli.po"
AS_OF = "2026-11-01"


def _messages():
    from babel.messages.extract import extract_from_dir

    from seniorcli._babel import extract

    return list(extract_from_dir(
        str(SRC), method_map=[("**.py", f"{extract.__module__}:{extract.__name__}")],
        keywords={"_": None, "N_": None, "ngettext": (1, 2)}))


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text)
            if name is not None}


def _catalog():
    from babel.messages.pofile import read_po

    with PO.open("rb") as f:
        return read_po(f)


def test_every_user_facing_text_has_a_danish_translation():
    catalog = _catalog()
    missing, fuzzy, placeholders = [], [], []
    messages = _messages()
    assert len(messages) > 300  # the extraction found the texts (not an empty walk)
    for filename, line, message, _comments, _context in messages:
        key = message[0] if isinstance(message, tuple) else message
        where = f"{filename}:{line}: {key!r}"
        entry = catalog.get(message if isinstance(message, str) else message[0])
        strings = entry.string if entry is not None else None
        if entry is None or not strings or (
                isinstance(strings, tuple | list) and not all(strings)):
            missing.append(where)
            continue
        if entry.fuzzy:
            fuzzy.append(where)
        for source, danish in zip(message if isinstance(message, tuple) else (message,),
                                  strings if isinstance(strings, tuple | list) else (strings,),
                                  strict=False):
            if _fields(source) != _fields(danish):
                placeholders.append(f"{where}: {sorted(_fields(danish))} in the Danish")
    assert not missing, "no Danish translation (add it to " \
        "src/seniorcli/locale/da/LC_MESSAGES/seniorcli.po):\n" + "\n".join(missing)
    assert not fuzzy, "fuzzy (unchecked) Danish translations:\n" + "\n".join(fuzzy)
    assert not placeholders, "placeholders differ:\n" + "\n".join(placeholders)


def test_the_small_po_reader_reads_the_catalog_as_babel_compiles_it():
    """Without a compiled .mo (a checkout, an editable install) the .po is read directly."""
    catalog = _catalog()
    expected = {m.id: m.string for m in catalog if m.id and isinstance(m.id, str)
                and m.string and not m.fuzzy}
    single, plural = i18n.read_po(PO.read_text(encoding="utf-8"))
    assert single == expected
    assert plural == {m.id[0]: list(m.string) for m in catalog
                      if isinstance(m.id, tuple) and all(m.string) and not m.fuzzy}


def test_the_po_reader_skips_fuzzy_and_untranslated_entries():
    single, _plural = i18n.read_po(
        'msgid ""\nmsgstr "Language: da\\n"\n\n'
        '#, fuzzy\nmsgid "Held"\nmsgstr "Afholdt?"\n\n'
        'msgid "Name"\nmsgstr ""\n\n'
        'msgid "Two\\n"\n"lines"\nmsgstr "To\\n"\n"linjer"\n')
    assert single == {"Two\nlines": "To\nlinjer"}


@pytest.fixture
def imported(run):
    """The sample roster, imported (in English)."""
    root = Path(__file__).parent.parent
    assert run("import", root / "data" / "sample_roster.csv", "--as-of", AS_OF).exit_code == 0


def test_danish_is_the_default_for_messages(run, monkeypatch, imported):
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    r = run("show", "99999", lang="")
    assert r.exit_code == 1
    assert r.stderr.startswith("Fejl: der er ingen medarbejder med id '99999'")
    assert "Prøv: seniorcli employees --include-left" in r.stderr


def test_seniorcli_lang_en_gives_english(run, imported):
    r = run("show", "99999", lang="en")
    assert r.stderr.startswith("Error: no employee with id '99999'")
    assert "Try: " in r.stderr


def test_the_locale_chooses_when_nothing_else_does(run, monkeypatch, imported):
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert run("show", "99999", lang="").stderr.startswith("Error: ")
    monkeypatch.setenv("LANG", "da_DK.UTF-8")
    assert run("show", "99999", lang="").stderr.startswith("Fejl: ")
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")  # LC_ALL wins over LANG
    assert run("show", "99999", lang="").stderr.startswith("Error: ")


def test_config_set_language_gives_danish_table_headers(run, monkeypatch, imported):
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")  # an English locale ...
    r = run("due", "--rules", "norddjurs", "--as-of", AS_OF, lang="")
    assert "Employee" in r.stdout and "Medarbejder" not in r.stdout
    assert run("config", "set", "language", "da").exit_code == 0
    r = run("due", "--rules", "norddjurs", "--as-of", AS_OF, lang="")  # ... the setting wins
    assert "Medarbejder" in r.stdout and "Forfaldsdato" in r.stdout
    assert "Employee" not in r.stdout
    # SENIORCLI_LANG wins over the setting
    r = run("due", "--rules", "norddjurs", "--as-of", AS_OF, lang="en")
    assert "Employee" in r.stdout
    assert run("config", "unset", "language").exit_code == 0
    r = run("due", "--rules", "norddjurs", "--as-of", AS_OF, lang="")
    assert "Employee" in r.stdout


def test_config_set_language_refuses_other_languages(run):
    r = run("config", "set", "language", "sv")
    assert r.exit_code == 1
    assert "unknown language 'sv'" in r.stderr
    assert "language da (Danish) or en (English)" in r.stderr


def test_machine_field_names_and_values_stay_english_in_danish(run, imported):
    r = run("due", "--rules", "albertslund", "--as-of", AS_OF, "-f", "json", lang="da")
    rows = r.json()
    assert rows and {"employee_id", "due_date", "status", "reason"} <= set(rows[0])
    assert {row["status"] for row in rows} == {"due"}
    # the reason is the one human sentence: Danish, like everything a person reads
    assert any(row["reason"].startswith("fylder 52 den ") for row in rows)


def test_rules_show_in_danish(run):
    r = run("rules", "show", "albertslund", lang="da")
    assert r.exit_code == 0
    assert "Defineret i: indbygget" in r.stdout
    assert "Første tilbud forfalder på 52. fødselsdag" in r.stdout
    assert "Afslået før 55 år: tilbydes igen på 55. fødselsdag." in r.stdout
    assert "Fortolkninger (valg, hvor kilden ikke siger noget):" in r.stdout
    assert "Svar på en dato:" in r.stdout
    assert "First offer" not in r.stdout


def test_rules_show_in_english(run):
    r = run("rules", "show", "albertslund", lang="en")
    assert "First offer due on the 52nd birthday" in r.stdout


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items()
               if k not in ("SENIORCLI_LANG", "LC_ALL", "LC_MESSAGES", "LANG")}
    return subprocess.run([sys.executable, "-m", "seniorcli", *args], capture_output=True,
                          text=True, env={**environ, **env}, timeout=60)


def test_help_is_danish_by_default_and_english_on_request():
    da = _cli("due", "--help")
    assert da.returncode == 0
    assert "Tilvalg" in da.stdout  # Typer's own section title, translated
    assert "Vis denne hjælp og afslut." in da.stdout  # the --help option's own help
    assert "Regelsættet (se `seniorcli rules list`)" in da.stdout  # an option's help
    assert "Also list those due" not in da.stdout
    rules = _cli("rules", "--help")
    assert "Vis regelsættene" in rules.stdout  # a command's docstring
    en = _cli("due", "--help", SENIORCLI_LANG="en")
    assert "The rule set (see `seniorcli rules list`)" in en.stdout
    assert "Options" in en.stdout


def test_every_command_help_has_a_danish_translation():
    """A command's help is its docstring, which the catalog check above does not extract: each
    must have its Danish text, or `seniorcli --help` lists it in English."""
    import inspect

    import typer

    from seniorcli.cli import app
    from seniorcli.i18n import _catalog

    danish = _catalog("da")[0]

    def commands(group):
        for command in getattr(group, "commands", {}).values():
            yield command
            yield from commands(command)

    missing = [c.name for c in commands(typer.main.get_command(app))
               if c.callback is not None and inspect.getdoc(c.callback)
               and inspect.getdoc(c.callback) not in danish]
    assert missing == []
