"""JSON: dates as ISO text, numbers as numbers, an infinity or NaN (which an older version
could store) as null. A list is streamed, one object per line."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, TextIO

from seniorcli.output.columns import Column


def json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _finite(value: Any) -> Any:
    """``value`` with every infinity or NaN as None: JSON has no such numbers (Python would
    write ``Infinity``, which no JSON reader takes). Older versions could store them."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def dumps(value: Any) -> str:
    """Pretty JSON for one object (dates as ISO text; an infinity or NaN as null)."""
    try:
        return json.dumps(value, ensure_ascii=False, indent=2, default=json_default,
                          allow_nan=False)
    except ValueError:  # an infinity or NaN somewhere: null (never `Infinity`)
        return json.dumps(_finite(value), ensure_ascii=False, indent=2, default=json_default,
                          allow_nan=False)


def write_json(rows: Iterable[dict], columns: list[Column], out: TextIO) -> int:
    """A JSON array, one object per line, streamed (memory stays flat on big lists).

    Date columns become ISO text first, so each object goes through the C encoder."""
    keys = [c.key for c in columns]
    date_keys = [c.key for c in columns if c.kind == "date"]
    encode = _object_encoder()
    n = 0
    out.write("[")
    for row in rows:
        obj = {k: row.get(k) for k in keys}
        for k in date_keys:
            v = obj[k]
            if v is not None:
                obj[k] = v.isoformat()
        out.write(",\n  " if n else "\n  ")
        out.write(encode(obj))
        n += 1
    out.write("\n]\n" if n else "]\n")
    return n


def _object_encoder() -> Callable[[dict], str]:
    """One JSON object as compact text. The C encoder is made once and reused (json.dumps
    makes a new one per call, which costs a third of the time on a 60,000-row list)."""
    # typeshed leaves out c_make_encoder (None without the C accelerator): the stub is wrong
    from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]

    # allow_nan=False: an infinity or NaN (stored by an older version) is written as null,
    # never as `Infinity`, which is not JSON; the common case costs nothing more.
    encode: Callable[[dict], str]
    if c_make_encoder is None:  # a Python without the C accelerator
        encode = json.JSONEncoder(ensure_ascii=False, default=json_default,
                                  allow_nan=False).encode
    else:
        make = c_make_encoder(None, json_default, encode_basestring, None, ": ", ", ", False,
                              False, False)

        def encode_c(obj: dict) -> str:
            return "".join(make(obj, 0))

        encode = encode_c

    def finite_encode(obj: dict) -> str:
        try:
            return encode(obj)
        except ValueError:
            return encode(_finite(obj))

    return finite_encode
