"""A throw-away PostgreSQL cluster for the tests: initdb in a temporary folder, a server that
listens only on a Unix socket there, trust authentication, no fsync; removed when stopped.

PostgreSQL refuses to run as root: as root, the cluster belongs to the ``postgres`` user the
Debian packages create (or ``nobody``), and the tests connect to it over the socket.

    python tests/pgcluster.py start     # prints the URL and the folder, keeps the server
    python tests/pgcluster.py stop DIR

The test suite starts one itself when SENIORCLI_TEST_PG is not set and PostgreSQL is
installed (conftest.py); `.ci/run` installs PostgreSQL when it is missing.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PORT = 54329
SUPERUSER = "seniorcli"


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl: on PATH, or Debian's /usr/lib/postgresql/N/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    return Path(candidates[-1]).parent if candidates else None


def _owner() -> str | None:
    """The user to run the server as when we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root and there is no postgres or nobody user")


def _run(cmd: list[str], owner: str | None) -> None:
    if owner:
        cmd = ["runuser", "-u", owner, "--", *cmd]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def start() -> tuple[str, Path]:
    """Start a cluster; returns (the URL of its ``postgres`` database, the folder)."""
    bin_dir = binaries()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed (no initdb)")
    owner = _owner()
    folder = Path(tempfile.mkdtemp(prefix="seniorcli-pg-"))
    if owner:
        info = pwd.getpwnam(owner)
        os.chown(folder, info.pw_uid, info.pw_gid)
    data = folder / "data"
    # Danish collation by default, as a municipality's server has it (ICU's da-DK: 'a10' before
    # 'B20', Å last): answers must not depend on the server's locale. C where ICU is missing.
    base = [str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust",
            "-E", "UTF8"]
    try:
        _run([*base, "--locale=C.UTF-8", "--locale-provider=icu", "--icu-locale=da-DK"], owner)
    except subprocess.CalledProcessError:
        shutil.rmtree(data, ignore_errors=True)
        _run([*base, "--locale=C"], owner)
    port = PORT + os.getpid() % 1000
    options = (f"-k {folder} -p {port} -c listen_addresses='' -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100")
    _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w",
          "-t", "60", "-o", options, "start"], owner)
    return f"postgresql://{SUPERUSER}@/postgres?host={folder}&port={port}", folder


def stop(folder: Path) -> None:
    bin_dir = binaries()
    if bin_dir is not None and (folder / "data").exists():
        with contextlib.suppress(subprocess.CalledProcessError):
            _run([str(bin_dir / "pg_ctl"), "-D", str(folder / "data"), "-m", "immediate",
                  "-w", "stop"], _owner())
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["start"]:
        url, folder = start()
        print(f"SENIORCLI_TEST_PG='{url}'")
        print(f"# stop with: python tests/pgcluster.py stop {folder}")
    elif sys.argv[1:2] == ["stop"] and len(sys.argv) == 3:
        stop(Path(sys.argv[2]))
    else:
        sys.exit(__doc__)
