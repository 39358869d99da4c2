"""A list update reaches the API by swapping the whole index; requests in flight keep being answered."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from embargo.api import create_app
from embargo.service import Service

UN = "un_sc_consolidated"


def test_reload_swaps_the_index_while_requests_continue(
    tmp_path: Path, lists_dir: Path, ready: Callable[[TestClient], None]
) -> None:
    db = tmp_path / "embargo.db"
    svc = Service.open(db)
    try:
        svc.ingest([lists_dir / UN / "2025-12-10"])
        app = create_app(db, keys_required=False)
        with TestClient(app) as client:
            ready(client)
            holder = app.state.embargo.screening
            old = holder.snapshot
            assert old is not None and [v.publish_date for v in old.versions] == ["2025-12-10"]
            svc.ingest([lists_dir / UN / "2026-02-27"])

            statuses: list[int] = []
            seen: set[str] = set()
            stop = threading.Event()

            def hammer() -> None:
                body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Abdul Haq Wasiq"]}}}}
                while not stop.is_set():
                    r = client.post("/match/default", json=body)
                    statuses.append(r.status_code)
                    if r.status_code == 200:
                        seen.update(v["publish_date"] for v in r.json()["versions"])

            workers = [threading.Thread(target=hammer) for _ in range(4)]
            for w in workers:
                w.start()
            time.sleep(0.3)
            r = client.post("/admin/reload")
            assert r.status_code == 202 and r.json()["status"] == "reloading"
            end = time.monotonic() + 30
            while holder.snapshot is old and time.monotonic() < end:
                time.sleep(0.05)
            time.sleep(0.3)
            stop.set()
            for w in workers:
                w.join()
            new = holder.snapshot
            assert new is not old and new is not None
            assert [v.publish_date for v in new.versions] == ["2026-02-27"]
            assert statuses and set(statuses) == {200}
            assert seen == {"2025-12-10", "2026-02-27"}  # answered by the old index, then the new one
            assert client.get("/readyz").json()["built_at"] == new.built_at
            # the new index is kept out of the collector's full collections (they would walk all of it)
            assert gc.get_freeze_count() >= len(new.entities)
    finally:
        svc.close()


def test_a_served_app_follows_a_version_stored_by_another_process(
    tmp_path: Path, lists_dir: Path, ready: Callable[[TestClient], None]
) -> None:
    """With ``follow`` (as ``embargo serve`` runs), a version stored through another connection to the
    same database becomes the index within seconds, with no /admin/reload."""
    db = tmp_path / "embargo.db"
    svc = Service.open(db)
    try:
        svc.ingest([lists_dir / UN / "2025-12-10"])
        app = create_app(db, keys_required=False, follow=True)
        with TestClient(app) as client:
            ready(client)
            other = Service.open(db)  # another process would do the same through its own connection
            try:
                other.ingest([lists_dir / UN / "2026-02-27"])
            finally:
                other.close()
            end = time.monotonic() + 60
            dates: list[str] = []
            while time.monotonic() < end:
                dates = [
                    v["publish_date"] for v in client.post("/screen", json={"name": "x y"}).json()["versions"]
                ]
                if dates == ["2026-02-27"]:
                    break
                time.sleep(0.2)
            assert dates == ["2026-02-27"]
    finally:
        svc.close()
