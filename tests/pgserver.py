"""A throwaway PostgreSQL cluster for tests: a temporary directory, 127.0.0.1 and a free port, stopped when
the block ends. PostgreSQL refuses to run as root; as root the cluster runs as the ``postgres`` user (which
the Debian package creates; ``scripts/postgres.sh`` installs it)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

RUN_AS = "postgres"


def find_bin(name: str) -> str | None:
    """A PostgreSQL program on PATH, else in the newest /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    return versions[-1] if versions else None


def missing() -> str | None:
    """Why no cluster can be started here (None: one can)."""
    if find_bin("initdb") is None or find_bin("pg_ctl") is None:
        return "no PostgreSQL binaries (initdb, pg_ctl) on this machine: run scripts/postgres.sh"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(RUN_AS)
        except KeyError:
            return f"running as root and there is no {RUN_AS!r} user to run PostgreSQL as"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(args: list[str]) -> None:
    prefix = ["runuser", "-u", RUN_AS, "--"] if os.geteuid() == 0 else []
    subprocess.run(prefix + args, check=True, capture_output=True, timeout=120)


@dataclass(frozen=True)
class Cluster:
    url: str  # its ``postgres`` database (user ``embargo``, trusted on 127.0.0.1)
    data: Path
    pg_ctl: str
    log: Path
    options: str = ""  # the server options it was started with (port, listen address)

    def restart(self) -> None:
        """Stop the server at once (clients lose their connections) and start it again on the same port."""
        # -l again: else the new server writes to our pipes and holds them open
        _run(
            [
                self.pg_ctl,
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-m",
                "immediate",
                "-w",
                "-t",
                "60",
                "restart",
            ]
        )

    def stop(self) -> None:
        """Stop the server the way an operator does (``-m fast``: clients are disconnected, no crash)."""
        _run([self.pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop"])

    def start(self) -> None:
        """Start it again, on the same port, with the options it was created with."""
        _run(
            [
                self.pg_ctl,
                "-D",
                str(self.data),
                "-o",
                self.options,
                "-l",
                str(self.log),
                "-w",
                "-t",
                "60",
                "start",
            ]
        )


@contextmanager
def cluster() -> Iterator[Cluster]:
    """Start a cluster in a temporary directory; stopped and removed when the block ends."""
    initdb, pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
    assert initdb and pg_ctl, missing()
    top = Path(tempfile.mkdtemp(prefix="embargo-pg-"))
    data = top / "data"
    if os.geteuid() == 0:
        entry = pwd.getpwnam(RUN_AS)
        os.chown(top, entry.pw_uid, entry.pw_gid)
    port = _free_port()
    try:
        _run(
            [initdb, "-D", str(data), "-A", "trust", "-U", "embargo", "-E", "UTF8", "--locale=C", "--no-sync"]
        )
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {top} -c fsync=off -c full_page_writes=off"
        _run([pg_ctl, "-D", str(data), "-o", options, "-l", str(top / "log"), "-w", "-t", "60", "start"])
        try:
            yield Cluster(
                f"postgresql://embargo@127.0.0.1:{port}/postgres", data, pg_ctl, top / "log", options
            )
        finally:
            _run([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"])
    finally:
        shutil.rmtree(top, ignore_errors=True)


def new_database(server_url: str) -> str:
    """A new empty database in the cluster; its URL."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return server_url.rsplit("/", 1)[0] + f"/{name}"
