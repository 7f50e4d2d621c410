"""The benchmark: seniorcli at a large municipality (50,000) and a national payroll centre
(500,000), as ratios to reference points measured in the same run.

    python bench/run.py                       # 50,000 and 500,000, 3 runs each (~5 minutes)
    python bench/run.py --sizes 50000 --runs 1

For each size it builds a deterministic roster (bench/generate.py), measures the wall time and
peak memory (resident memory of the command and any process it starts) of every command, and
the references: the sqlite3 shell's ``.import`` of the same file into a typed table (C, no
validation) and ``python -c "import typer"``. It prints medians and ratios, checks the targets
at the largest size, and writes everything to a JSON file (default bench/out/results.json).

With PostgreSQL installed (or ``--postgres URL`` of a server where it may create databases), the
same commands run against PostgreSQL too (``pg …`` rows), as ratios to psql's own ``\\copy`` of the
same file into a typed table; a throw-away cluster is started for it (tests/pgcluster.py) unless
a URL is given. ``--postgres none`` skips them.

`due` and `report coverage` keep nothing between runs (they decide from scratch on the date
asked about); they are measured three ways all the same: right after the roster was imported
again (the first run after the monthly import), on a settled database, and — the monthly job —
the due list right after importing next month's roster (1 % gone, 1 % leaving, 2 % moved, 1 %
hired: bench/generate.next_month_rows).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from bench.generate import (  # noqa: E402
    HEADER,
    agreement_rows,
    next_month_rows,
    outcome_rows,
    roster_rows,
)

AS_OF = "2026-11-01"
SQLITE_DDL = (
    "CREATE TABLE employee (employee_id TEXT PRIMARY KEY, name TEXT NOT NULL, birth_date DATE, "
    "department TEXT, manager_id TEXT, hire_date DATE, leave_date DATE, email TEXT, "
    "weekly_hours TEXT) WITHOUT ROWID;"
)
# (name, reference, limit as a ratio, memory limit in MB or None): checked at the largest size
TARGETS = [
    ("import", "sqlite3 .import", 3.0, 64),
    ("due norddjurs (first run)", "sqlite3 .import", 1.0, None),
    ("due koege (first run)", "sqlite3 .import", 1.0, None),
    ("due albertslund (first run)", "sqlite3 .import", 1.0, None),
    ("due norddjurs", "sqlite3 .import", 0.5, None),
    ("due koege", "sqlite3 .import", 0.5, None),
    ("due albertslund", "sqlite3 .import", 0.5, None),
    ("due after next month", "sqlite3 .import", 1.0, None),
    ("report coverage (first run)", "sqlite3 .import", 1.5, None),
    ("report coverage", "sqlite3 .import", 1.5, None),
    ("pg import", "psql \\copy", 3.0, None),
    ("pg due norddjurs", "psql \\copy", 1.0, None),
    ("pg due koege", "psql \\copy", 1.0, None),
    ("pg due albertslund", "psql \\copy", 1.0, None),
    ("pg due norddjurs (first run)", "psql \\copy", 1.0, None),
    ("--help", "import typer", 2.0, None),
    ("--version", "import typer", 2.0, None),
]


def seniorcli_cmd() -> list[str]:
    script = Path(sys.executable).parent / "seniorcli"
    return [str(script)] if script.exists() else [sys.executable, "-m", "seniorcli"]


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KB (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                total += next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")),
                              0)
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            pass
    return total


def _measure_here(cmd: list[str]) -> None:
    """Run in a small helper process: a child's peak RSS counts the image it was forked from,
    so the measuring process must be small (not the benchmark, which holds the data).

    Peak memory is the larger of the biggest single process (ru_maxrss) and the sum over the
    whole process tree sampled every 5 ms: a big import reads the file in a second process,
    and both count."""
    import resource

    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    tree_peak = 0
    if os.path.exists(f"/proc/{p.pid}/task/{p.pid}/children"):
        while p.poll() is None:
            tree_peak = max(tree_peak, _tree_rss_kb(p.pid))
            time.sleep(0.005)
    stderr = p.communicate()[1]
    wall = time.perf_counter() - start
    single = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KB on Linux
    print(json.dumps({"seconds": wall, "peak_mb": max(single, tree_peak) / 1024,
                      "code": p.returncode, "stderr": stderr.decode(errors="replace")[-2000:]}))


def measure(cmd: list[str], cwd: Path, prepare=None) -> tuple[float, float]:
    """Wall seconds and peak memory (MB) of one run of ``cmd``; fails loudly on exit != 0."""
    if prepare:
        prepare()
    out = subprocess.run([sys.executable, __file__, "--measure", *cmd], cwd=cwd,
                         capture_output=True, text=True, check=True).stdout
    m = json.loads(out)
    if m["code"] != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({m['code']}): {m['stderr']}")
    return m["seconds"], m["peak_mb"]


def build(n: int, work: Path) -> tuple[Path, Path]:
    """The roster CSV and a database with it, conversation outcomes and agreements."""
    roster = work / f"roster-{n}.csv"
    rows = list(roster_rows(n)) if n <= 60_000 else None
    with roster.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(rows if rows is not None else roster_rows(n))
    db = work / f"full-{n}.db"
    for p in work.glob(f"full-{n}.db*"):
        p.unlink()
    subprocess.run([*seniorcli_cmd(), "--db", str(db), "import", str(roster), "--as-of", AS_OF],
                   check=True, stderr=subprocess.DEVNULL)
    conn = sqlite3.connect(db)
    people = [(e, date.fromisoformat(b)) for e, b in
              conn.execute("SELECT employee_id, birth_date FROM employee")]
    with conn:
        conn.executemany(
            "INSERT OR IGNORE INTO conversation (employee_id, outcome, date, recorded_at) "
            "VALUES (?, ?, ?, 'bench')", outcome_rows(people))
        conn.executemany(
            "INSERT INTO agreement (employee_id, type, start_date, end_date, open_ended, "
            "weekly_hours, amount, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'bench')",
            [(e, k, s, end, end is None, h, a) for e, k, s, end, h, a in agreement_rows(people)])
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with roster.open(encoding="utf-8", newline="") as f:
        current = list(csv.reader(f, delimiter=";"))[1:]
    with (work / f"roster-{n}-next-month.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(next_month_rows(current, n))
    return roster, db


def commands(n: int, work: Path, roster: Path, db: Path) -> dict[str, tuple[list[str], object]]:
    """name → (command, preparation run untimed before each run), in the order measured."""
    cli = seniorcli_cmd()
    fresh = work / f"fresh-{n}.db"
    sqlite_db = work / f"sqlite-{n}.db"
    month_db = work / f"month-{n}.db"
    month_roster = work / f"roster-{n}-next-month.csv"
    out = work / "out.json"

    def remove(path: Path):
        return lambda: [p.unlink() for p in path.parent.glob(path.name + "*")]

    first_db = work / f"first-{n}.db"

    def just_imported():
        """A copy of the register with the roster imported into it again right before the
        command (its pages fresh from the import, its -wal not yet checkpointed): the first
        run after the monthly import."""
        remove(first_db)()
        shutil.copyfile(db, first_db)
        subprocess.run([*cli, "--db", str(first_db), "import", str(roster), "--as-of", AS_OF],
                       check=True, stderr=subprocess.DEVNULL)

    def due(rules: str, database: Path) -> list[str]:
        return [*cli, "--db", str(database), "due", "--rules", rules, "--as-of", AS_OF,
                "--within", "30", "--format", "json", "--output", str(out)]

    month_import = [*cli, "--db", str(month_db), "import", str(month_roster), "--as-of",
                    "2026-12-01"]

    def last_month(then_import: bool):
        """A copy of last month's database, its due list run (kept answers), and for the due
        list after it, next month's roster imported (1 % gone, 1 % leaving, 2 % moved, 1 %
        hired)."""
        def prepare():
            remove(month_db)()
            shutil.copyfile(db, month_db)
            subprocess.run(due("norddjurs", month_db), check=True, stderr=subprocess.DEVNULL)
            if then_import:
                subprocess.run(month_import, check=True, stderr=subprocess.DEVNULL)
        return prepare

    cov = [*cli, "--db", str(db), "report", "coverage", "--rules", "norddjurs", "--year",
           "2026", "--by", "department", "--format", "json", "--output", str(out)]
    rules_sets = ("norddjurs", "koege", "albertslund")
    return {
        "sqlite3 .import": (["sqlite3", str(sqlite_db), SQLITE_DDL, ".mode csv", ".separator ;",
                             f".import --skip 1 {roster} employee"], remove(sqlite_db)),
        "import typer": ([sys.executable, "-c", "import typer"], None),
        "import": ([*cli, "--db", str(fresh), "import", str(roster), "--as-of", AS_OF],
                   remove(fresh)),
        "re-import": ([*cli, "--db", str(fresh), "import", str(roster), "--as-of", AS_OF],
                      None),
        **{name: entry for r in rules_sets for name, entry in (
            (f"due {r} (first run)", (due(r, first_db), just_imported)),
            (f"due {r}", (due(r, db), None)))},
        "report coverage (first run)": ([*cov[:2], str(first_db), *cov[3:]], just_imported),
        "report coverage": (cov, None),
        "import next month": (month_import, last_month(then_import=False)),
        "due after next month": (due("norddjurs", month_db), last_month(then_import=True)),
        "agreement expiring": ([*cli, "--db", str(db), "agreement", "expiring", "--as-of",
                                AS_OF, "--within", "90", "--format", "json", "--output",
                                str(out)], None),
        "--help": ([*cli, "--help"], None),
        "--version": ([*cli, "--version"], None),
    }


PG_REF_DDL = (
    "DROP TABLE IF EXISTS ref_employee; CREATE TABLE ref_employee (employee_id TEXT PRIMARY KEY, "
    "name TEXT NOT NULL, birth_date DATE, department TEXT, manager_id TEXT, hire_date DATE, "
    "leave_date DATE, email TEXT, weekly_hours TEXT)")


def _pg_url(server: str, name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    return urlunsplit(urlsplit(server)._replace(path="/" + name))


def _pg_admin(server: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as c:
        for s in statements:
            c.execute(s)


def pg_commands(n: int, work: Path, roster: Path, db: Path, server: str
                ) -> dict[str, tuple[list[str], object]]:
    """The PostgreSQL rows: psql's \\copy as the reference, the import into an empty register,
    and the reading commands on a copy of the full SQLite register (seniorcli copy-db)."""
    cli = seniorcli_cmd()
    out = work / "out.json"
    ref, fresh, full = (_pg_url(server, f"bench_{k}_{n}") for k in ("ref", "fresh", "full"))
    for name in (f"bench_ref_{n}", f"bench_full_{n}"):
        _pg_admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
    subprocess.run([*cli, "copy-db", str(db), full], check=True, stderr=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL)

    def fresh_db():
        _pg_admin(server, f"DROP DATABASE IF EXISTS bench_fresh_{n} WITH (FORCE)",
                  f"CREATE DATABASE bench_fresh_{n}")

    def ref_table():
        subprocess.run(["psql", "-q", ref, "-c", PG_REF_DDL], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def just_imported():
        subprocess.run([*cli, "--db", full, "import", str(roster), "--as-of", AS_OF],
                       check=True, stderr=subprocess.DEVNULL)

    def due(rules: str) -> list[str]:
        return [*cli, "--db", full, "due", "--rules", rules, "--as-of", AS_OF, "--within",
                "30", "--format", "json", "--output", str(out)]

    return {
        "psql \\copy": (["psql", "-q", ref, "-c",
                         f"\\copy ref_employee FROM '{roster}' WITH (FORMAT csv, DELIMITER ';', "
                         "HEADER true)"], ref_table),
        "pg import": ([*cli, "--db", fresh, "import", str(roster), "--as-of", AS_OF], fresh_db),
        "pg re-import": ([*cli, "--db", fresh, "import", str(roster), "--as-of", AS_OF], None),
        "pg due norddjurs (first run)": (due("norddjurs"), just_imported),
        **{f"pg due {r}": (due(r), None) for r in ("norddjurs", "koege", "albertslund")},
        "pg report coverage": ([*cli, "--db", full, "report", "coverage", "--rules",
                                "norddjurs", "--year", "2026", "--by", "department",
                                "--format", "json", "--output", str(out)], None),
    }


def main() -> None:
    if sys.argv[1:2] == ["--measure"]:
        _measure_here(sys.argv[2:])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="50000,500000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", type=Path, default=HERE / "out")
    ap.add_argument("--results", type=Path, default=HERE / "out" / "results.json")
    ap.add_argument("--postgres", default="auto",
                    help="URL of a server's postgres database, 'auto' (a throw-away cluster "
                         "when PostgreSQL is installed) or 'none'")
    args = ap.parse_args()
    server, cluster = None, None
    if args.postgres == "auto":
        sys.path.insert(0, str(HERE.parent / "tests"))
        from pgcluster import binaries, start

        if binaries() is not None and shutil.which("psql"):
            server, cluster = start()
    elif args.postgres != "none":
        server = args.postgres
    if not shutil.which("sqlite3"):
        raise SystemExit("the sqlite3 command-line shell is needed for the reference point "
                         "(Debian: apt-get install sqlite3)")
    args.work.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict = {
        "machine": {"platform": platform.platform(), "python": platform.python_version(),
                    "cpus": os.cpu_count(), "sqlite": sqlite3.sqlite_version},
        "date": time.strftime("%Y-%m-%d"), "runs": args.runs, "sizes": {},
    }
    for n in sizes:
        print(f"\n== {n:,} employees: building data …", flush=True)
        roster, db = build(n, args.work)
        cmds = commands(n, args.work, roster, db)
        if server:
            cmds.update(pg_commands(n, args.work, roster, db, server))
        size: dict = {}
        for name, (cmd, prepare) in cmds.items():
            runs = [measure(cmd, args.work, prepare) for _ in range(args.runs)]
            size[name] = {"seconds": statistics.median(r[0] for r in runs),
                          "peak_mb": max(r[1] for r in runs),
                          "all_seconds": [round(r[0], 3) for r in runs]}
        ref_import = size["sqlite3 .import"]["seconds"]
        ref_start = size["import typer"]["seconds"]
        ref_pg = size.get("psql \\copy", {}).get("seconds")
        print(f"{'command':28s} {'median s':>9s} {'peak MB':>8s} {'ratio':>7s}  reference")
        for name, m in size.items():
            ref, ref_name = (ref_start, "import typer") if name.startswith("--") or \
                name == "import typer" else (ref_pg, "psql \\copy") \
                if name.startswith(("pg ", "psql")) else (ref_import, "sqlite3 .import")
            m["ratio"] = round(m["seconds"] / ref, 2)
            m["reference"] = ref_name
            print(f"{name:28s} {m['seconds']:9.2f} {m['peak_mb']:8.1f} {m['ratio']:7.2f}  "
                  f"{ref_name}")
        results["sizes"][str(n)] = size
    largest = results["sizes"][str(max(sizes))]
    checks = []
    for name, _ref, limit, mem in TARGETS:
        if name not in largest:  # the PostgreSQL rows, skipped
            continue
        m = largest[name]
        ok = m["ratio"] <= limit and (mem is None or m["peak_mb"] <= mem)
        checks.append({"command": name, "ratio": m["ratio"], "limit": limit,
                       "peak_mb": round(m["peak_mb"], 1), "memory_limit_mb": mem, "met": ok})
    results["targets"] = checks
    print(f"\nTargets at {max(sizes):,} rows (ratios to the same run's reference):")
    for c in checks:
        mem = f", peak {c['peak_mb']} MB ≤ {c['memory_limit_mb']} MB" \
            if c["memory_limit_mb"] else ""
        print(f"  {'met ' if c['met'] else 'MISS'}  {c['command']:28s} {c['ratio']:5.2f} ≤ "
              f"{c['limit']}{mem}")
    if cluster is not None:
        from pgcluster import stop

        stop(cluster)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(results, indent=2))
    print(f"\nResults: {args.results}")


if __name__ == "__main__":
    main()
