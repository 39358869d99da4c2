"""Webhooks to a real receiver on 127.0.0.1: it fails, then recovers, and gets every event once, signed."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import orjson
import pytest

from embargo.service.webhooks import Dispatcher, rotate, verify
from embargo.store import SQLiteStore
from tests.store.test_monitor import CP, hit

NEW, OLD = "whsec_bmV3LXNlY3JldC1rZXk=", "old-secret"


class Receiver(ThreadingHTTPServer):
    """Answers 500 to the first ``fail`` requests (or sleeps ``delay``), then 200; keeps what it got."""

    def __init__(self, fail: int = 0, delay: float = 0.0) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.fail, self.delay = fail, delay
        self.seen: list[str] = []  # event ids accepted
        self.bad: list[str] = []  # event ids whose signature did not verify
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


class Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        h = self.headers
        srv = self.server
        time.sleep(srv.delay)
        with srv.lock:
            if srv.fail > 0:
                srv.fail -= 1
                self.send_response(500)
                self.end_headers()
                return
            if not verify(NEW, h["webhook-id"], h["webhook-timestamp"], body, h["webhook-signature"]):
                srv.bad.append(h["webhook-id"])
            assert orjson.loads(body)["id"] == h["webhook-id"]
            if h["webhook-id"] not in srv.seen:  # the idempotency key: a repeat is acknowledged, not kept
                srv.seen.append(h["webhook-id"])
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    srv = Receiver(fail=5)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def wait(cond: object, seconds: float = 20) -> None:
    end = time.time() + seconds
    while time.time() < end and not cond():  # type: ignore[operator]
        time.sleep(0.05)


def test_every_event_arrives_once_signed_after_failures(receiver: Receiver, tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "m.db")
    records = store.monitor
    ep = records.add_endpoint(receiver.url, [OLD])
    records.set_secrets(ep, rotate([OLD], NEW))  # rotated: both secrets sign until the old one goes
    dispatcher = Dispatcher(records, base_delay=0.05, interval=0.02)  # a thread sharing the store
    dispatcher.start()
    try:
        (a,) = records.record([hit()], [], actor="monitor")
        records.transition(a.id, "in_review", actor="ana", reason="looking")
        records.delist(["us-ofac-sdn-1"], 9)
        wanted = [f"evt_{e.seq}" for e in records.events(a.id)]
        wait(lambda: len(receiver.seen) == len(wanted) and not records.due(1e12))
    finally:
        dispatcher.stop()
    assert sorted(receiver.seen) == sorted(wanted) and receiver.bad == []
    assert receiver.fail == 0  # it did fail, and the deliveries were retried
    states = [d.state for d in records.deliveries()]
    assert states == ["delivered"] * len(wanted)
    assert any(d.attempts > 1 for d in records.deliveries())
    store.close()


def test_a_dead_receiver_dead_letters_and_never_slows_the_writes(tmp_path: Path) -> None:
    srv = Receiver(fail=10**6, delay=0.3)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    store = SQLiteStore(tmp_path / "m.db")
    records = store.monitor
    records.add_endpoint(srv.url, [NEW])
    dispatcher = Dispatcher(records, tries=3, base_delay=0.01, interval=0.01)
    dispatcher.start()
    try:
        t0 = time.perf_counter()
        for i in range(20):
            records.record([hit(CP, (f"P{i}",))], [], actor="monitor")
        assert time.perf_counter() - t0 < 2.0  # 20 writes, each 0.3 s if they waited for the receiver
        wait(lambda: len(records.deliveries("dead")) >= 1, 10)
    finally:
        dispatcher.stop()
        srv.shutdown()
        srv.server_close()
    dead = records.deliveries("dead")
    assert dead and all(d.attempts == 3 and d.last_error == "HTTP 500" for d in dead)
    store.close()
