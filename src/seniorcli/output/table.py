"""The terminal table, for people: dates, numbers and words in their language, fitted to the
terminal's width (README, "Tables that fit the terminal"), drawn like Rich's default table but
by our own renderer (Rich itself takes 20–30 s for 50,000 rows; this takes ~1 s). Rich is
imported only to measure wide characters, colour a terminal and write the frame."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from seniorcli.errors import printable
from seniorcli.files import private_file
from seniorcli.output.columns import Column


def _worded(column: Column, convert: Callable[[Any], str]) -> Callable[[Any], str]:
    """``convert``, but a value in ``column.words`` becomes its word in the language of the
    call (read once per table)."""
    from seniorcli.i18n import _, language

    if not column.words or language() == "en":
        return convert
    words = {value: _(word) for value, word in column.words.items()}
    return lambda v: words[v] if isinstance(v, str) and v in words else convert(v)


def _converter(kind: str) -> Callable[[Any], str]:
    """value → the text of its cell, in the language of the call (``seniorcli.fmt``): dates
    01-03-2026, numbers 1.234,5, amounts 85.000,00 kr., shares 37,1 %, "yes" for True."""
    from seniorcli import fmt
    from seniorcli.i18n import _

    number = fmt.formatter(kind)
    day = fmt.date_formatter()
    yes = _("yes")
    moment = kind == "datetime"

    def convert(v: Any) -> str:
        if v is None or v is False:
            return ""
        if moment:
            try:
                return fmt.datetime_short(v)
            except (TypeError, ValueError):
                return printable(str(v))
        if v is True:
            return yes
        if isinstance(v, date):
            return day(v)
        if isinstance(v, int | float):
            return number(v)
        # A name stored by an older version may hold escape codes: they never reach a terminal.
        return printable(str(v))

    return convert


# Tables that fit (README, "Tables that fit the terminal"). Ids, dates and numbers are never cut
# nor wrapped; text (names, departments, reasons, notes) wraps; when even that does not fit, the
# columns with the highest ``drop_order`` are left out and a line under the table names them.
# The renderer is our own, drawn like Rich's default table: Rich measures and wraps every cell
# in Python objects and takes 20–30 s for 50,000 rows (measured, rich 15), this takes ~1 s.
#: A text column is not squeezed below this (or its widest value, if narrower): narrower, a
#: name or a reason takes three or four lines a row, and leaving out a column reads better.
_TEXT_MIN = 20


# Characters one terminal cell wide each (ASCII, Latin-1, Latin Extended A and B, dashes and
# quotes): a text of only these is as wide as it is long, without asking Rich (a table of
# 50,000 rows measures a million cells).
_NARROW = re.compile("[\x20-\x7e\xa0-\u024f\u2010-\u2027\u2030-\u205e]*").fullmatch


def _cells(text: str) -> int:
    """How many terminal cells ``text`` takes."""
    if _NARROW(text):
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def _wrap(text: str, width: int) -> list[str]:
    """Text in lines of at most ``width`` cells: at spaces, folding a longer word."""
    if _cells(text) <= width:
        return [text]
    if _NARROW(text):
        import textwrap

        return textwrap.wrap(text, width, break_on_hyphens=False) or [""]
    from rich.text import Text  # wide characters (east-Asian, emoji): Rich counts cells

    return [line.plain for line in Text(text).wrap(_console(), width, overflow="fold")]


def _console() -> Any:
    from rich.console import Console

    return Console(width=1000)


def table_layout(columns: list[Column], cells: list[list[str]], width: int | None
                 ) -> tuple[list[int], dict[int, int]]:
    """Which columns a table of ``width`` terminal cells shows, and how wide each is.

    ``cells``: each column's texts, header first. Returns (the indexes of the columns left
    out, {index: width of the content}). Every id, date and number column is as wide as its
    widest value (its header may break between words); text columns share what is left, each
    down to 20 cells (a longer word folds); columns are left out, highest
    ``drop_order`` first and then from the right, only when that is not enough. The first
    column is never left out. ``width`` None: no limit."""
    count = len(columns)
    full = [max(map(_cells, col), default=0) for col in cells]

    def need(widths: dict[int, int]) -> int:  # borders and one space either side
        return sum(widths.values()) + 3 * len(widths) + 1

    widths = dict(enumerate(full))
    if width is None or need(widths) <= width:
        return [], widths
    wraps = [c.kind == "text" for c in columns]
    least = []
    for i, col in enumerate(cells):
        header, values = col[0], col[1:]
        if wraps[i]:
            least.append(min(full[i], _TEXT_MIN))
        else:
            word = max(map(_cells, header.split()), default=0)  # the header may break
            least.append(max(max(map(_cells, values), default=0), word))
    order = sorted(range(1, count), key=lambda i: (-columns[i].drop_order, -i))
    dropped: list[int] = []
    while need({i: least[i] for i in widths}) > width and order:
        i = order.pop(0)
        dropped.append(i)
        del widths[i]
    for i in reversed(dropped[:-1]):  # a narrow column left out before a wide one may fit again
        if need({k: least[k] for k in [*widths, i]}) <= width:
            widths[i] = full[i]
            dropped.remove(i)
    widths = dict(sorted(widths.items()))
    # Break the headers of number columns first (one more header line), widest saving first;
    # then narrow the widest text columns, one cell at a time.
    over = need(widths) - width
    for i in sorted((i for i in widths if not wraps[i]), key=lambda i: least[i] - full[i]):
        if over <= 0:
            break
        narrower = max(least[i], widths[i] - over)
        over -= widths[i] - narrower
        widths[i] = narrower
    while over > 0:
        narrowable = [i for i in widths if wraps[i] and widths[i] > least[i]]
        if not narrowable:
            break  # the first column alone is wider than the terminal
        top = max(widths[i] for i in narrowable)
        for i in narrowable:
            if widths[i] == top and over > 0:
                widths[i] -= 1
                over -= 1
    return sorted(dropped), widths


def table_width(output: Path | None = None) -> int | None:
    """How wide a table may be. A terminal: its width (or COLUMNS). Piped, redirected or a
    file: as wide as the table needs, one line per row (grep, sort, ``less -S``), unless
    COLUMNS says a width (``COLUMNS=100 seniorcli due | lpr``)."""
    import os

    if output is not None:
        return None
    from rich.console import Console

    console = Console()
    if console.is_terminal:
        return console.width
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        return None
    return columns if columns > 0 else None


def _ansi(style: str | None, console: Any) -> tuple[str, str]:
    """(start, end) escape codes of a Rich style ("bold red") on ``console`` (a terminal;
    None: no styles). Rich leaves out the colours under NO_COLOR and keeps bold and dim."""
    if not style or console is None:
        return "", ""
    from rich.text import Text

    with console.capture() as captured:
        console.print(Text("\x00", style=style), end="", soft_wrap=True)
    start, _sep, end = captured.get().partition("\x00")
    return start, end


def write_table(rows: Iterable[dict], columns: list[Column], output: Path | None,
                title: str | None, row_style: Callable[[dict], str | None] | None,
                footer: Callable[[int], str] | None) -> int:
    """The rows as a table on standard output (coloured on a terminal, as wide as it is) or
    into ``output`` (as wide as the table needs); returns the number of rows."""
    from seniorcli.i18n import _

    convert = [_worded(c, _converter(c.kind)) for c in columns]
    cells: list[list[str]] = [[printable(c.header)] for c in columns]  # by column, header first
    styles: list[str | None] = []
    keys = [c.key for c in columns]
    n = 0
    for row in rows:
        for col, key, conv in zip(cells, keys, convert, strict=True):
            col.append(conv(row.get(key)))
        styles.append(row_style(row) if row_style else None)
        n += 1
    width = table_width(output)
    dropped, widths = table_layout(columns, cells, width)
    shown = [i for i in range(len(columns)) if i in widths]

    if output is not None:
        with private_file(output, "w", encoding="utf-8") as f:
            _draw(f, columns, cells, styles, shown, widths, title, n, None, "utf-8")
            if footer:
                f.write(printable(footer(n)) + "\n")
        return n
    from rich.console import Console

    console = Console()
    colour = console if console.is_terminal else None
    out = sys.stdout
    if n:
        _draw(out, columns, cells, styles, shown, widths, title, n, colour,
              getattr(out, "encoding", None) or "utf-8")
    if footer:
        text = printable(footer(n))
        out.write("\n".join(_wrap(text, width) if width else [text]) + "\n")
    if n and dropped:
        names = ", ".join(cells[i][0] for i in dropped)
        note = _("Left out to fit {width} columns: {names}. To see them: --format csv, or a "
                 "wider terminal.").format(width=width, names=names)
        start, end = _ansi("dim", colour)
        for line in _wrap(note, width or _cells(note)):
            out.write(f"{start}{line}{end}\n")
    out.flush()
    return n


def _draw(out: TextIO, columns: list[Column], cells: list[list[str]], styles: list[str | None],
          shown: list[int], widths: dict[int, int], title: str | None, n: int, colour: Any,
          encoding: str) -> None:
    """The table as lines of text, drawn like Rich's default (heavy head) table."""
    from rich import box

    from seniorcli import fmt

    frame = box.HEAVY_HEAD if encoding.lower().replace("_", "-").startswith("utf") \
        else box.ASCII2
    ws = [widths[i] for i in shown]
    padded = [w + 2 for w in ws]
    right = [columns[i].kind in fmt.NUMBER_KINDS for i in shown]
    total = sum(padded) + len(padded) + 1
    lines: list[str] = []
    if title:
        start, end = _ansi("italic", colour)
        for line in _wrap(printable(title), total):
            gap = total - _cells(line)
            lines.append(" " * (gap // 2) + start + line + end + " " * (gap - gap // 2))
    lines.append(frame.get_top(padded))

    def pad(text: str, w: int, to_right: bool) -> str:
        gap = w - _cells(text)
        return " " * gap + text if to_right else text + " " * gap

    def draw_row(texts: list[str], edge: str, sep: str, style: tuple[str, str],
                 col_styles: list[tuple[str, str]] | None = None) -> None:
        parts = []
        for k, text in enumerate(texts):
            w = ws[k]
            if _cells(text) <= w:
                parts.append([pad(text, w, right[k])])
            else:
                parts.append([pad(t, w, right[k]) for t in _wrap(text, w)])
        height = max(len(p) for p in parts)
        start, end = style
        for h in range(height):
            segs = []
            for k, p in enumerate(parts):
                text = p[h] if h < len(p) else " " * ws[k]
                cs, ce = col_styles[k] if col_styles else ("", "")
                segs.append(f"{start}{cs} {text} {ce}{end}")
            lines.append(edge + sep.join(segs) + edge)

    head = frame.head_left  # the same character at both edges and between columns
    draw_row([cells[i][0] for i in shown], head, frame.head_vertical, _ansi("bold", colour))
    lines.append(frame.get_row(padded, "head"))
    col_styles = [_ansi(columns[i].style, colour) for i in shown]
    any_style = any(s != ("", "") for s in col_styles)
    style_cache: dict[str | None, tuple[str, str]] = {None: ("", "")}
    edge = frame.mid_left
    for r in range(1, n + 1):
        style = styles[r - 1]
        if style not in style_cache:
            style_cache[style] = _ansi(style, colour)
        draw_row([cells[i][r] for i in shown], edge, frame.mid_vertical, style_cache[style],
                 col_styles if any_style else None)
        if len(lines) >= 2000:
            out.write("\n".join(lines) + "\n")
            lines.clear()
    lines.append(frame.get_bottom(padded))
    out.write("\n".join(lines) + "\n")
