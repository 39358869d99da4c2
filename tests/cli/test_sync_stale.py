"""Issue 15: a stale mirror serving the 2021 SDN after the 2024 one, and peers that trickle bytes.

A real HTTP server on 127.0.0.1 serves the real 2021-07-07 SDN files (sdn, add, alt, comments)
undated, dated today or dated 2021 by Last-Modified: nothing is delisted, the version is held or
refused, `embargo sync` exits non-zero with the reason in one line.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from embargo.fetch import Pace, fetch_source
from embargo.sources.base import SourceInfo
from tests.conftest import LISTS
from tests.httpserve import serving

pytestmark = pytest.mark.slow  # faults: a stale mirror and slow peers served from 127.0.0.1

STALE = LISTS / "us_ofac_sdn" / "2021-07-07_triplet"
FILES = {
    "SDN.CSV": "sdn.csv",
    "ADD.CSV": "add.csv",
    "ALT.CSV": "alt.csv",
    "SDN_COMMENTS.CSV": "sdn_comments.csv",
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    last_modified: str | None = None
    trickle: tuple[int, float] | None = None  # bytes per write, pause between writes

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        name = self.path.strip("/").split("/")[-1]
        if self.trickle is not None:
            return self._trickle(*self.trickle)
        if name not in FILES:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = (STALE / FILES[name]).read_bytes()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        if self.last_modified:
            self.send_header("Last-Modified", self.last_modified)
        self.end_headers()
        self.wfile.write(body)

    def _trickle(self, size: int, pause: float) -> None:
        body = (LISTS / "us_bis_dpl" / "2023-11-28" / "dpl.txt").read_bytes()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        end = time.monotonic() + 10  # the server gives up on its own after 10 s
        try:
            for i in range(0, len(body), size):
                if time.monotonic() > end:
                    return
                self.wfile.write(body[i : i + size])
                self.wfile.flush()
                time.sleep(pause)
        except (BrokenPipeError, ConnectionResetError):
            pass


def run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "embargo.cli.main", *args, "--db", str(db)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def store_2024(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("sdn2024") / "e.db"
    proc = run(db, "ingest", str(LISTS / "us_ofac_sdn" / "2024-05-02"))
    assert proc.returncode == 0, proc.stderr
    return db


@pytest.mark.parametrize(
    ("last_modified", "expect"),
    [(None, "held"), (formatdate(usegmt=True), "held"), ("Wed, 07 Jul 2021 18:00:00 GMT", "refused")],
    ids=["undated", "dated-today", "dated-2021"],
)
def test_stale_mirror_delists_no_one(
    store_2024: Path, tmp_path: Path, last_modified: str | None, expect: str
) -> None:
    db = tmp_path / "e.db"
    db.write_bytes(store_2024.read_bytes())
    handler = type("H", (Handler,), {"last_modified": last_modified})
    with serving(handler) as url:
        proc = run(db, "sync", "--mirror", url, "--source", "us_ofac_sdn", "--dest", str(tmp_path / "dl"))
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    [line] = [ln for ln in proc.stderr.splitlines() if ln.startswith(expect)]
    if expect == "held":
        assert "removes" in line and "parties in force" in line and "embargo versions release" in line
    else:
        assert "before the us_ofac_sdn version in force (2024-05-02" in line
    [sdn] = [s for s in json.loads(run(db, "lists", "--json").stdout) if s["source"] == "us_ofac_sdn"]
    assert sdn["current"]["label"] == "2024-05-02" and sdn["current"]["entity_count"] == 14973
    assert [v["label"] for v in sdn["versions"]] == ["2024-05-02"]
    assert len(sdn["held"]) == (1 if expect == "held" else 0)
    # a party listed after July 2021 (ent_num 36001) is still listed
    hits = json.loads(run(db, "entity", "us_ofac_sdn:36001", "--json").stdout)
    assert hits["status"] == "listed"
    if expect == "held":
        held_text = run(db, "lists").stdout
        assert "held" in held_text and sdn["held"][0]["hold_reason"][:40] in held_text.replace("\n", "")


def _info(url: str) -> SourceInfo:
    return SourceInfo("us_bis_dpl", "DPL", "BIS", "us", (f"{url}/us_bis_dpl/dpl.txt",))


@pytest.mark.parametrize(
    ("trickle", "pace", "cause"),
    [
        ((1, 0.3), Pace(max_seconds=60, min_rate=100, grace=1.0), "below the minimum of 100 bytes/s"),
        ((4096, 0.1), Pace(max_seconds=0.5, min_rate=1, grace=60), "over 0.5 s"),
    ],
    ids=["min-rate", "total-time"],
)
def test_slow_peer_is_cut_off(tmp_path: Path, trickle: tuple[int, float], pace: Pace, cause: str) -> None:
    handler = type("H", (Handler,), {"trickle": trickle})
    with serving(handler) as url:
        start = time.monotonic()
        result = fetch_source(_info(url), tmp_path, mirror=url, timeout=5, retries=0, pace=pace)
        took = time.monotonic() - start
    assert result.error is not None and cause in result.error and "download cut off" in result.error
    assert took < 5
    assert not (tmp_path / "us_bis_dpl" / "dpl.txt").exists()
