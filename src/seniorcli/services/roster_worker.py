"""The second process of a big import: reads and checks the roster, and sends the valid rows
back to the importing process (which writes them) through its standard output, as pickled
messages: ("rows", batch, bytes read) …, then ("end", error count, kept errors), or ("fail",
message, hint, details) if the file cannot be read (e.g. the lines with bytes that are not in
its encoding). Started by roster._batches_from_worker only.
"""

from __future__ import annotations

import json
import pickle
import sys
from datetime import date
from pathlib import Path

from seniorcli.errors import SeniorError
from seniorcli.services.roster import _Rows, valid_batches
from seniorcli.tabular import open_table


def main() -> int:
    job = json.loads(sys.argv[1])
    out = sys.stdout.buffer
    checker = _Rows(job["cols"], job["width"], date.fromisoformat(job["as_of"]))
    try:
        try:
            with open_table(Path(job["path"]), job["encoding"], job["delimiter"]) as tf:
                for batch, done in valid_batches(tf, checker):
                    pickle.dump(("rows", batch, done), out, pickle.HIGHEST_PROTOCOL)
            message: tuple = ("end", checker.problems.count, checker.problems.kept)
        except SeniorError as e:
            message = ("fail", e.message, e.hint, e.details)
        pickle.dump(message, out, pickle.HIGHEST_PROTOCOL)
        out.flush()
    except BrokenPipeError:  # the importing process is gone: nothing to do
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
