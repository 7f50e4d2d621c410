"""``invite``: filled in by issue 16."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    pass
