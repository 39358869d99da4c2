"""`embargo sync --mirror` against a real HTTP server on 127.0.0.1 serving the real list files."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from tests.httpserve import serving

ROOT = Path(__file__).resolve().parents[2]
LISTS = (ROOT.parent / "shared" / "data" / "lists").resolve()
MIRROR = {
    "un_sc/consolidated.xml": "un_sc_consolidated/2026-02-27/consolidated.xml",
    "us_bis_dpl/dpl.txt": "us_bis_dpl/2023-11-28/dpl.txt",
    "us_ofac_sdn/SDN.CSV": "us_ofac_sdn/2021-07-07_triplet/sdn.csv",
    "us_ofac_sdn/ADD.CSV": "us_ofac_sdn/2021-07-07_triplet/add.csv",
    "us_ofac_sdn/ALT.CSV": "us_ofac_sdn/2021-07-07_triplet/alt.csv",
    "us_ofac_sdn/SDN_COMMENTS.CSV": "us_ofac_sdn/2021-07-07_triplet/sdn_comments.csv",
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.strip("/")
        if path.startswith("au_dfat/"):
            time.sleep(2.0)  # longer than the client's timeout
            body = b"late"
        elif path.startswith("us_ofac_cons/"):
            body = b"<html><body>502 Bad Gateway</body></html>"
        elif path in MIRROR:
            body = (LISTS / MIRROR[path]).read_bytes()
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        try:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture()
def server() -> Iterator[str]:
    with serving(Handler) as url:
        yield url


def run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "embargo.cli.main", *args, "--db", str(db)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def test_sync_from_a_mirror_reports_failures_and_updates_the_rest(server: str, tmp_path: Path) -> None:
    db = tmp_path / "store" / "embargo.db"
    sources = ["un_sc", "us_bis_dpl", "us_ofac_sdn", "us_ofac_cons", "au_dfat"]
    args = ["sync", "--mirror", server, "--timeout", "0.5", "--retries", "1", "--json"]
    for s in sources:
        args += ["--source", s]
    proc = run(db, *args)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    results = {r["source"]: r for r in json.loads(proc.stdout)}
    assert set(results) == set(sources)
    for ok in ("un_sc", "us_bis_dpl", "us_ofac_sdn"):
        assert results[ok]["ok"], results[ok]
        assert results[ok]["ingest"][0]["status"] == "created"
    assert "HTML" in results["us_ofac_cons"]["error"]
    assert "timed out" in results["au_dfat"]["error"] or "timeout" in results["au_dfat"]["error"].lower()
    lists = json.loads(run(db, "lists", "--json").stdout)
    counts = {s["source"]: s["current"]["entity_count"] for s in lists}
    assert counts == {"un_sc": 1003, "us_bis_dpl": counts["us_bis_dpl"], "us_ofac_sdn": 8976}
    assert (tmp_path / "store" / "downloads" / "un_sc" / "consolidated.xml").is_file()
    assert not (tmp_path / "store" / "downloads" / "us_ofac_cons" / "CONSOLIDATED.XML").exists()

    # a second sync: nothing new is stored
    proc = run(db, *args)
    again = {r["source"]: r for r in json.loads(proc.stdout)}
    assert again["un_sc"]["changed"] is False
    assert all(i["status"] == "unchanged" for i in again["un_sc"]["ingest"])
    assert json.loads(run(db, "lists", "--json").stdout) == lists


def test_sync_from_a_directory_mirror(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    for rel, src in MIRROR.items():
        (mirror / rel).parent.mkdir(parents=True, exist_ok=True)
        (mirror / rel).symlink_to(LISTS / src)
    db = tmp_path / "embargo.db"
    proc = run(
        db, "sync", "--mirror", str(mirror), "--source", "un_sc", "--dest", str(tmp_path / "dl"), "--json"
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)[0]["ingest"][0]["version"]["entity_count"] == 1003


def test_sync_keeps_the_stored_fsf_file_when_the_eu_endpoint_sends_an_error(tmp_path: Path) -> None:
    """The EU's endpoint has answered 403/500 with a JSON error body: sync refuses it in one line and
    the file downloaded before stays in place."""
    mirror = tmp_path / "mirror" / "eu_fsf"
    mirror.mkdir(parents=True)
    (mirror / "content").write_bytes(b'{"status":403,"error":"Forbidden","message":"Access Denied"}')
    dest = tmp_path / "dl"
    (dest / "eu_fsf").mkdir(parents=True)
    good = (ROOT / "tests" / "fixtures" / "eu_fsf" / "fsf_1_1_excerpt.xml").read_bytes()
    (dest / "eu_fsf" / "content").write_bytes(good)
    proc = run(tmp_path / "embargo.db", "sync", "--mirror", str(tmp_path / "mirror"), "--source", "eu_fsf",
               "--dest", str(dest), "--json")  # fmt: skip
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    (result,) = json.loads(proc.stdout)
    assert not result["ok"] and "\n" not in result["error"]
    assert "a JSON error (403) from the EU endpoint" in result["error"]
    assert (dest / "eu_fsf" / "content").read_bytes() == good
