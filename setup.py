"""Builds the message catalogs: the Danish ``.po`` is compiled to ``.mo`` when the package is
built (wheel, ``pip install .``), so compiled catalogs are never committed. The rest of the
configuration is in pyproject.toml; Babel is a build requirement only (never imported at run
time)."""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogs(build_py):
    """build_py that also compiles ``locale/*/LC_MESSAGES/*.po`` into ``.mo`` beside them in
    the build tree (a fuzzy or untranslated entry is left out, as msgfmt does)."""

    def run(self) -> None:
        super().run()
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in Path("src").glob("*/locale/*/LC_MESSAGES/*.po"):
            target = Path(self.build_lib) / po.relative_to("src").with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as f:
                catalog = read_po(f)
            with target.open("wb") as f:
                write_mo(f, catalog, use_fuzzy=False)


setup(cmdclass={"build_py": BuildWithCatalogs})
