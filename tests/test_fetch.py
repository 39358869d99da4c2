"""embargo.fetch against a real HTTP server on 127.0.0.1 serving real list files (no mocks)."""

from __future__ import annotations

import fcntl
import hashlib
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from embargo.errors import FetchError, ListFormatError
from embargo.fetch import USER_AGENT, FetchResult, fetch_all, fetch_source, file_name
from embargo.sources.base import SourceInfo
from embargo.sources.catalog import SOURCES

FAST: dict[str, Any] = {"timeout": 0.3, "retries": 1, "backoff": 0.01}
HTML = b"<!DOCTYPE html><html><body><h1>Service temporarily unavailable</h1></body></html>\n"
SLEEP = 1.0  # the "slow" mode: longer than FAST's timeout


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.root = root
        self.modes: dict[str, str] = {}  # "<source>" or "<source>/<file>" -> behaviour
        self.log: list[tuple[str, int, dict[str, str]]] = []  # path, status, request headers
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hanging up on the slow and truncated paths are expected

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        with self.server.lock:
            self.server.log.append((self._path, status, dict(self.headers)))
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._path = urlsplit(self.path).path
        source, _, name = self._path.strip("/").partition("/")
        with self.server.lock:
            self.server.hits[self._path] += 1
            hit = self.server.hits[self._path]
        mode = self.server.modes.get(f"{source}/{name}", self.server.modes.get(source, "serve"))
        if mode == "slow":
            time.sleep(SLEEP)
        elif mode == "garbage":
            return self._send(200, HTML, {"Content-Type": "text/html"})
        elif mode == "missing":
            return self._send(404, b"not found")
        elif mode == "error" or (mode == "flaky" and hit <= 2):
            return self._send(500, b"internal error")
        elif mode == "ratelimit" and hit == 1:
            return self._send(429, b"slow down", {"Retry-After": "0"})
        elif mode == "empty":
            return self._send(200)
        elif mode == "redirect":
            return self._send(302, b"", {"Location": f"/{source}/{name}".replace("moved", "un_sc", 1)})
        elif mode == "truncated":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"<?xml version='1.0'?>\n<CONSOLIDATED_LIST>" + b" " * 1000)
            self.close_connection = True
            return None
        path = self.server.root / source / name
        if not path.is_file():
            return self._send(404, b"not found")
        body = path.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        headers = {"ETag": etag, "Last-Modified": formatdate(path.stat().st_mtime, usegmt=True)}
        if self.headers.get("If-None-Match") == etag:
            return self._send(304, b"", headers)
        return self._send(200, body, headers)


@pytest.fixture
def mirror(tmp_path: Path, lists_dir: Path) -> Path:
    """<mirror>/<source>/<file name>, symlinked to real official files."""
    root = tmp_path / "mirror"
    links = {
        "un_sc/consolidated.xml": "un_sc_consolidated/2026-02-27/consolidated.xml",
        "us_bis_dpl/dpl.txt": "us_bis_dpl/2023-11-28/dpl.txt",
        "us_ofac_sdn/SDN.CSV": "us_ofac_sdn/2021-07-07_triplet/sdn.csv",
        "us_ofac_sdn/ADD.CSV": "us_ofac_sdn/2021-07-07_triplet/add.csv",
        "us_ofac_sdn/ALT.CSV": "us_ofac_sdn/2021-07-07_triplet/alt.csv",
        "us_ofac_sdn/SDN_COMMENTS.CSV": "us_ofac_sdn/2021-07-07_triplet/sdn_comments.csv",
        "flaky/dpl.txt": "us_bis_dpl/2022-09-02/dpl.txt",
        "ratelimit/dpl.txt": "us_bis_dpl/2019-06-12/dpl.txt",
    }
    for rel, target in links.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).symlink_to(lists_dir / target)
    return root


@pytest.fixture
def server(mirror: Path) -> Iterator[_Server]:
    srv = _Server(mirror)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(5)


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client() as c:
        yield c


def validator(path: Path, name: str) -> None:
    """What the lead's validator does in spirit: refuse what is not a list file."""
    head = path.read_bytes()[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise ListFormatError(path, "an HTML page, not a list file", where="line 1")


def fake(name: str, file: str = "consolidated.xml") -> SourceInfo:
    return SourceInfo(name, f"test source {name}", "nobody", "xx", (f"https://example.invalid/x/{file}",))


def repoint(link: Path, target: Path) -> None:
    link.unlink()
    link.symlink_to(target)


def temp_files(dest: Path) -> list[Path]:
    return [p for p in dest.rglob("*.part")]


def test_good_sources_written_and_recorded_while_bad_ones_fail(
    tmp_path: Path, server: _Server, client: httpx.Client, mirror: Path
) -> None:
    dest = tmp_path / "lists"
    server.modes.update(slow="slow", garbage="garbage")
    infos = [SOURCES["un_sc"], fake("slow"), SOURCES["us_bis_dpl"], fake("garbage"), SOURCES["us_ofac_sdn"]]
    start = time.monotonic()
    results = fetch_all(infos, dest, mirror=server.base, client=client, validate=validator, **FAST)
    assert time.monotonic() - start < 2 * SLEEP + 1
    by = {r.source: r for r in results}
    assert [r.source for r in results] == [i.name for i in infos]

    for name in ("un_sc", "us_bis_dpl", "us_ofac_sdn"):
        r = by[name]
        assert r.ok and r.changed and r.error is None
        names = [file_name(u) for u in SOURCES[name].urls]
        assert r.files == tuple(dest / name / n for n in names)
        meta = json.loads((dest / name / ".fetch.json").read_text())["files"]
        assert sorted(meta) == sorted(names)
        for n in names:
            body = (mirror / name / n).read_bytes()
            assert (dest / name / n).read_bytes() == body
            rec = meta[n]
            assert rec["url"] == f"{server.base}/{name}/{n}"
            assert rec["sha256"] == hashlib.sha256(body).hexdigest() and rec["size"] == len(body)
            assert rec["fetched_at"].endswith("+00:00")
            assert rec["etag"].startswith('"') and rec["last_modified"].endswith("GMT")
    assert {d.name for d in by["us_ofac_sdn"].details} == {
        "SDN.CSV",
        "ADD.CSV",
        "ALT.CSV",
        "SDN_COMMENTS.CSV",
    }

    slow = by["slow"]
    assert not slow.ok and slow.files == () and not slow.changed
    assert slow.error == (
        f"slow: {server.base}/slow/consolidated.xml: timed out after 0.3 s (ReadTimeout); gave up after 2 attempts"
    )
    garbage = by["garbage"]
    assert garbage.error is not None and "\n" not in garbage.error
    assert garbage.error.startswith(f"garbage: {server.base}/garbage/consolidated.xml: not a valid list file")
    assert "an HTML page, not a list file (line 1)" in garbage.error
    assert not (dest / "garbage" / "consolidated.xml").exists()
    assert not (dest / "garbage" / ".fetch.json").exists()
    assert temp_files(dest) == []


def test_second_fetch_is_conditional_and_unchanged(
    tmp_path: Path, server: _Server, client: httpx.Client, mirror: Path, lists_dir: Path
) -> None:
    dest, info = tmp_path / "lists", SOURCES["un_sc"]
    first = fetch_source(info, dest, mirror=server.base, client=client, **FAST)
    assert first.changed
    record = json.loads((dest / "un_sc" / ".fetch.json").read_text())["files"]["consolidated.xml"]
    mtime = (dest / "un_sc" / "consolidated.xml").stat().st_mtime_ns

    second = fetch_source(info, dest, mirror=server.base, client=client, **FAST)
    assert second.ok and not second.changed and second.files == first.files
    assert second.details[0].status == "not_modified"
    assert second.details[0].sha256 == first.details[0].sha256
    path, status, headers = server.log[-1]
    assert (path, status) == ("/un_sc/consolidated.xml", 304)
    assert headers["If-None-Match"] == record["etag"]
    assert headers["If-Modified-Since"] == record["last_modified"]
    assert (dest / "un_sc" / "consolidated.xml").stat().st_mtime_ns == mtime
    again = json.loads((dest / "un_sc" / ".fetch.json").read_text())["files"]["consolidated.xml"]
    assert again["fetched_at"] == record["fetched_at"] and again["sha256"] == record["sha256"]

    # A new publication on the server: downloaded, changed, replaced.
    repoint(
        mirror / "un_sc" / "consolidated.xml", lists_dir / "un_sc_consolidated/2026-01-28/consolidated.xml"
    )
    third = fetch_source(info, dest, mirror=server.base, client=client, **FAST)
    assert third.changed and third.details[0].status == "downloaded"
    assert (dest / "un_sc" / "consolidated.xml").read_bytes() == (
        mirror / "un_sc/consolidated.xml"
    ).read_bytes()


def test_no_conditional_request_when_local_file_differs(
    tmp_path: Path, server: _Server, client: httpx.Client
) -> None:
    dest, info = tmp_path / "lists", SOURCES["us_bis_dpl"]
    fetch_source(info, dest, mirror=server.base, client=client, **FAST)
    (dest / "us_bis_dpl" / "dpl.txt").write_bytes(b"tampered")
    r = fetch_source(info, dest, mirror=server.base, client=client, **FAST)
    assert r.ok and r.details[0].status == "downloaded" and not r.changed  # same bytes as the recorded fetch
    assert "If-None-Match" not in server.log[-1][2] and server.log[-1][1] == 200
    assert (dest / "us_bis_dpl" / "dpl.txt").read_bytes() == (server.root / "us_bis_dpl/dpl.txt").read_bytes()


@pytest.mark.parametrize(
    ("mode", "cause"),
    [
        ("missing", "HTTP 404 Not Found"),
        ("error", "HTTP 500 Internal Server Error; gave up after 2 attempts"),
        ("garbage", "not a valid list file: an HTML page, not a list file (line 1)"),
        ("truncated", "connection failed (RemoteProtocolError: "),
        ("slow", "timed out after 0.3 s (ReadTimeout); gave up after 2 attempts"),
        ("empty", "empty body"),
    ],
)
def test_failure_leaves_previous_files_byte_identical(
    tmp_path: Path,
    server: _Server,
    client: httpx.Client,
    mirror: Path,
    lists_dir: Path,
    mode: str,
    cause: str,
) -> None:
    dest, info = tmp_path / "lists", SOURCES["us_ofac_sdn"]
    assert fetch_source(info, dest, mirror=server.base, client=client, validate=validator, **FAST).ok
    before = {p.name: p.read_bytes() for p in (dest / "us_ofac_sdn").iterdir() if p.name != ".fetch.lock"}
    assert ".fetch.json" in before and len(before) == 5

    # SDN.CSV (fetched before ALT.CSV) has a new publication; ALT.CSV fails: nothing is replaced.
    repoint(mirror / "us_ofac_sdn/SDN.CSV", lists_dir / "us_ofac_sdn/2021-04-25_triplet/sdn.csv")
    server.modes["us_ofac_sdn/ALT.CSV"] = mode
    r = fetch_source(info, dest, mirror=server.base, client=client, validate=validator, **FAST)
    assert r.error is not None and r.error.startswith(
        f"us_ofac_sdn: {server.base}/us_ofac_sdn/ALT.CSV: {cause}"
    )
    assert r.files == () and not r.changed
    after = {p.name: p.read_bytes() for p in (dest / "us_ofac_sdn").iterdir() if p.name != ".fetch.lock"}
    assert after == before
    assert temp_files(dest) == []

    del server.modes["us_ofac_sdn/ALT.CSV"]
    r = fetch_source(info, dest, mirror=server.base, client=client, validate=validator, **FAST)
    assert (
        r.ok
        and r.changed
        and [d.status for d in r.details][:3] == ["downloaded", "not_modified", "not_modified"]
    )
    assert (dest / "us_ofac_sdn/SDN.CSV").read_bytes() == (mirror / "us_ofac_sdn/SDN.CSV").read_bytes()


def test_retries_on_5xx_and_429_but_not_on_404(tmp_path: Path, server: _Server, client: httpx.Client) -> None:
    dest = tmp_path / "lists"
    server.modes.update(flaky="flaky", ratelimit="ratelimit", missing="missing")
    kw: dict[str, Any] = {"mirror": server.base, "client": client, "timeout": 2.0, "backoff": 0.01}
    flaky = fetch_source(fake("flaky", "dpl.txt"), dest, retries=3, **kw)
    assert flaky.ok and flaky.changed and server.hits["/flaky/dpl.txt"] == 3
    assert (dest / "flaky/dpl.txt").read_bytes() == (server.root / "flaky/dpl.txt").read_bytes()
    limited = fetch_source(fake("ratelimit", "dpl.txt"), dest, retries=1, **kw)
    assert limited.ok and server.hits["/ratelimit/dpl.txt"] == 2
    missing = fetch_source(fake("missing"), dest, retries=3, **kw)
    assert missing.error == f"missing: {server.base}/missing/consolidated.xml: HTTP 404 Not Found"
    assert server.hits["/missing/consolidated.xml"] == 1

    server.hits.clear()
    server.modes["flaky"] = "error"
    gave_up = fetch_source(fake("flaky", "dpl.txt"), dest, retries=2, **kw)
    assert gave_up.error is not None and gave_up.error.endswith(
        "HTTP 500 Internal Server Error; gave up after 3 attempts"
    )
    assert server.hits["/flaky/dpl.txt"] == 3


def test_directory_mirror(tmp_path: Path, mirror: Path) -> None:
    dest = tmp_path / "lists"
    infos = [SOURCES["un_sc"], SOURCES["us_bis_dpl"], fake("absent")]
    first = fetch_all(infos, dest, mirror=str(mirror), validate=validator)
    assert [r.ok for r in first] == [True, True, False] and first[0].changed and first[1].changed
    assert first[2].error == f"absent: {mirror}/absent/consolidated.xml: no such file in the mirror"
    assert (dest / "us_bis_dpl/dpl.txt").read_bytes() == (mirror / "us_bis_dpl/dpl.txt").read_bytes()
    meta = json.loads((dest / "un_sc/.fetch.json").read_text())["files"]["consolidated.xml"]
    assert meta["url"] == str(mirror / "un_sc/consolidated.xml") and meta["etag"] is None

    second = fetch_all(infos[:2], dest, mirror=mirror.as_uri())  # file:// works too
    assert [(r.ok, r.changed, r.details[0].status) for r in second] == [(True, False, "same")] * 2


def test_direct_urls_own_client_redirects_and_progress(tmp_path: Path, server: _Server) -> None:
    dest = tmp_path / "lists"
    server.modes["moved"] = "redirect"
    urls = (f"{server.base}/un_sc/consolidated.xml?lang=en", f"{server.base}/moved/consolidated.xml")
    seen: list[tuple[str, int, int | None]] = []
    r = fetch_source(
        SourceInfo("direct", "t", "a", "xx", urls[:1]), dest, progress=lambda *a: seen.append(a), **FAST
    )
    assert r.ok and r.files == (dest / "direct/consolidated.xml",)
    size = r.details[0].size
    assert seen[0] == ("consolidated.xml", 0, size) and seen[-1] == ("consolidated.xml", size, size)
    assert server.log[-1][2]["User-Agent"] == USER_AGENT and USER_AGENT.startswith("embargo/")
    assert USER_AGENT.endswith(" (+sanctions screening)")

    moved = fetch_source(SourceInfo("moved", "t", "a", "xx", urls[1:]), dest, **FAST)
    assert moved.ok and [s for _, s, _ in server.log[-2:]] == [302, 200]
    assert (dest / "moved/consolidated.xml").read_bytes() == (dest / "direct/consolidated.xml").read_bytes()


def test_size_limit_name_clash_and_lock(tmp_path: Path, server: _Server, client: httpx.Client) -> None:
    dest = tmp_path / "lists"
    big = fetch_source(SOURCES["un_sc"], dest, mirror=server.base, client=client, max_bytes=1000, **FAST)
    assert big.error is not None and big.error.endswith("over the 1000 byte limit")
    assert not (dest / "un_sc/consolidated.xml").exists() and temp_files(dest) == []

    clash = SourceInfo("clash", "t", "a", "xx", ("https://a.invalid/x/f.xml", "https://b.invalid/y/f.xml"))
    r = fetch_source(clash, dest, client=client)
    assert r.error is not None and "distinct file names" in r.error

    (dest / "us_bis_dpl").mkdir(parents=True)
    with (dest / "us_bis_dpl/.fetch.lock").open("a") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        locked = fetch_source(SOURCES["us_bis_dpl"], dest, mirror=server.base, client=client, **FAST)
    assert locked.error == f"us_bis_dpl: another fetch of {dest / 'us_bis_dpl'} is running"
    assert fetch_source(SOURCES["us_bis_dpl"], dest, mirror=server.base, client=client, **FAST).ok


def test_unreadable_record_counts_as_changed_and_stale_temps_go(
    tmp_path: Path, server: _Server, client: httpx.Client
) -> None:
    dest, info = tmp_path / "lists", SOURCES["us_bis_dpl"]
    fetch_source(info, dest, mirror=server.base, client=client, **FAST)
    (dest / "us_bis_dpl/.fetch.json").write_text("{not json")
    (dest / "us_bis_dpl/.dpl.txt.killed.part").write_bytes(b"half a download")
    r: FetchResult = fetch_source(info, dest, mirror=server.base, client=client, **FAST)
    assert r.ok and r.changed and "If-None-Match" not in server.log[-1][2]
    assert json.loads((dest / "us_bis_dpl/.fetch.json").read_text())["files"]["dpl.txt"]["size"] > 0
    assert temp_files(dest) == []


def test_file_names_of_the_catalog() -> None:
    assert [file_name(u) for u in SOURCES["us_ofac_sdn"].urls] == [
        "SDN.CSV",
        "ADD.CSV",
        "ALT.CSV",
        "SDN_COMMENTS.CSV",
    ]
    assert file_name(SOURCES["eu_fsf"].urls[0]) == "content"
    assert file_name(SOURCES["ch_seco"].urls[0]) == "downloadXmlGesamtliste.xhtml"
    assert file_name("https://x.invalid/a%20b.xml?x=1#f") == "a b.xml"
    for info in SOURCES.values():
        names = [file_name(u) for u in info.urls]
        assert len(set(names)) == len(names), info.name
    for bad in ("https://x.invalid/", "https://x.invalid/a/..", "https://x.invalid/.hidden"):
        with pytest.raises(Exception, match="no usable file name"):
            file_name(bad)


def test_validator_errors_and_bugs_are_reported_per_source(tmp_path: Path, mirror: Path) -> None:
    def strict(path: Path, name: str) -> None:
        if name == "dpl.txt":
            raise FetchError("3 records, expected at least 100")
        if name == "consolidated.xml":
            raise RuntimeError("validator bug")

    infos = [SOURCES["un_sc"], SOURCES["us_bis_dpl"], SOURCES["us_ofac_sdn"]]
    un, dpl, sdn = fetch_all(infos, tmp_path, mirror=str(mirror), validate=strict)
    assert un.error == "un_sc: RuntimeError: validator bug"
    assert (
        dpl.error
        == f"us_bis_dpl: {mirror}/us_bis_dpl/dpl.txt: not a valid list file: 3 records, expected at least 100"
    )
    assert sdn.ok and len(sdn.files) == 4
    assert (
        not (tmp_path / "un_sc/consolidated.xml").exists() and not (tmp_path / "us_bis_dpl/dpl.txt").exists()
    )
    assert temp_files(tmp_path) == []
