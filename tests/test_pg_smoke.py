import pytest

pytestmark = pytest.mark.both_engines
from conftest import AS_OF


def test_import_and_due(run, fixture_file, engine):
    r = run("import", "data/sample_roster.csv" , "--as-of", AS_OF)
    print(r.stdout, r.stderr)
    assert r.exit_code == 0, r.stderr
    r = run("due", "--rules", "koege", "--as-of", AS_OF, "--format", "json")
    assert r.exit_code == 0, r.stderr
    print(len(r.json()))
