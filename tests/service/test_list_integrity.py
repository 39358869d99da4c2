"""Issue 15, items 1 and 2: a truncated or stale list never delists anyone.

Real list files, cut or re-served at test time: a file cut at a line break is refused where its
format has an integrity signal (OFAC's 0x1A, companion references, XML, gzip) and held by the change
policy where it has none (BIS DPL, the trade.gov CSL, OFSI's CSV). A held version is not in force
until released; an older publication (by content or by date) is refused or held.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from embargo.service import Service
from embargo.service.events import VersionHeld
from embargo.service.ingest import Outcome, ingest_paths
from embargo.store import SQLiteStore
from tests.conftest import LISTS

SDN = LISTS / "us_ofac_sdn"


def _svc(tmp_path: Path) -> Service:
    return Service(SQLiteStore(tmp_path / "e.db"))


def _ingest(svc: Service, *paths: Path, **kw: object) -> list[Outcome]:
    return ingest_paths(svc.store, list(paths), workers=1, **kw)  # type: ignore[arg-type]


def _place(tmp_path: Path, rel: str, data: bytes) -> Path:
    path = tmp_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _cut_at_line(data: bytes, keep: float) -> bytes:
    """The file up to the line break nearest ``keep`` of its length (a cut at a line break)."""
    return data[: data.index(b"\n", int(len(data) * keep)) + 1]


def _copy_triplet(tmp_path: Path, folder: str) -> Path:
    dest = tmp_path / "us_ofac_sdn" / folder
    dest.mkdir(parents=True)
    for f in (SDN / "2021-04-25_triplet").iterdir():
        shutil.copy(f, dest / f.name)
    return dest


@pytest.mark.parametrize("companion", ["add.csv", "alt.csv"])
def test_ofac_companion_cut_at_a_line_break_is_refused(tmp_path: Path, companion: str) -> None:
    """add.csv/alt.csv cut at a line break lost their 0x1A: refused (was a warning: 2,333 parties' aliases)."""
    dest = _copy_triplet(tmp_path, "2021-04-25")
    (dest / companion).write_bytes(_cut_at_line((dest / companion).read_bytes(), 0.5))
    svc = _svc(tmp_path)
    [out] = _ingest(svc, dest)
    assert out.status == "refused"
    assert "0x1A" in out.message and "truncated" in out.message and "\n" not in out.message
    assert svc.store.versions() == []


def test_ofac_main_file_cut_and_re_terminated_is_refused_by_companion_references(tmp_path: Path) -> None:
    dest = _copy_triplet(tmp_path, "2021-04-25")
    data = (dest / "sdn.csv").read_bytes()
    (dest / "sdn.csv").write_bytes(_cut_at_line(data, 0.7) + b"\x1a")
    svc = _svc(tmp_path)
    [out] = _ingest(svc, dest)
    assert out.status == "refused"
    assert "name an ent_num that is not in sdn.csv" in out.message


def test_csl_gzip_cut_is_refused(tmp_path: Path) -> None:
    data = (LISTS / "us_trade_csl" / "2022-05-06" / "consolidated.csv.gz").read_bytes()
    path = _place(tmp_path, "us_trade_csl/2022-05-07/consolidated.csv.gz", data[: len(data) // 2])
    [out] = _ingest(_svc(tmp_path), path)
    assert out.status == "refused" and "gzip" in out.message and "truncated" in out.message


def _full_then_cut(tmp_path: Path, full: Path, rel: str, data: bytes, keep: float) -> tuple[Service, Outcome]:
    svc = _svc(tmp_path)
    [first] = _ingest(svc, full)
    assert first.status == "created"
    cut = _place(tmp_path, rel, _cut_at_line(data, keep))
    [out] = _ingest(svc, cut)
    return svc, out


@pytest.mark.parametrize(
    ("full", "rel", "keep"),
    [
        (LISTS / "us_bis_dpl" / "2023-11-28" / "dpl.txt", "us_bis_dpl/2023-11-29/dpl.txt", 0.9),
        (LISTS / "uk_ofsi_conlist" / "2018-04-13" / "sanctionsconlist.csv", "uk_ofsi/2018-04-14/s.csv", 0.9),
    ],
    ids=["bis_dpl", "ofsi_csv"],
)
def test_cut_without_an_integrity_signal_is_held_and_delists_no_one(
    tmp_path: Path, full: Path, rel: str, keep: float
) -> None:
    """BIS DPL and OFSI's CSV have no count, trailer or checksum: a cut at a line break parses. The
    change policy holds it: not in force, the reason in one line, the parties still screened."""
    svc, out = _full_then_cut(tmp_path, full, rel, full.read_bytes(), keep)
    assert out.status == "held", out.line()
    assert out.version is not None and out.version.held
    line = out.line()
    assert "\n" not in line and "removes" in line and "embargo versions release" in line
    [event] = [e for e in out.events if isinstance(e, VersionHeld)]
    assert event.removed > 0 and event.version_id == out.version.id
    source = out.version.source
    [in_force] = svc.current_versions([source])
    assert in_force.id != out.version.id  # the full version stays in force
    [listing] = svc.lists()
    assert listing.current == in_force
    assert [h.id for h in listing.held] == [out.version.id]
    assert listing.held[0].hold_reason == out.version.hold_reason
    # an admin's release puts it in force
    svc.release(out.version.id)
    assert svc.current_versions([source])[0].id == out.version.id


def test_csl_plain_cut_is_held(tmp_path: Path) -> None:
    gz = LISTS / "us_trade_csl" / "2022-05-06" / "consolidated.csv.gz"
    svc, out = _full_then_cut(
        tmp_path, gz, "us_trade_csl/2022-05-07/consolidated.csv", gzip.decompress(gz.read_bytes()), 0.8
    )
    assert out.status == "held"
    assert out.version is not None and svc.current_versions(["us_trade_csl"])[0].id != out.version.id


def test_publication_already_seen_is_not_todays(tmp_path: Path) -> None:
    """The 2021 SDN, stored as history, served again undated after the 2024 one: a stale copy."""
    svc = _svc(tmp_path)
    outs = _ingest(svc, SDN / "2021-12-22", SDN / "2024-05-02")
    assert [o.status for o in outs] == ["created", "created"]
    stale = _place(tmp_path, "mirror/sdn.csv", (SDN / "2021-12-22" / "sdn.csv").read_bytes())
    [out] = _ingest(svc, stale)
    assert out.status == "refused"
    assert "same content as us_ofac_sdn version" in out.message and "stale copy" in out.message
    assert svc.current_versions(["us_ofac_sdn"])[0].label == "2024-05-02"
    # re-reading the dated history is no change and no error
    assert [o.status for o in _ingest(svc, SDN / "2021-12-22")] == ["unchanged"]


def test_older_dated_publication_is_refused_unless_asked(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    _ingest(svc, SDN / "2024-05-02")
    [out] = _ingest(svc, SDN / "2024-02-23")
    assert out.status == "refused" and "before the us_ofac_sdn version in force" in out.message
    assert "--allow-older" in out.message
    [out] = _ingest(svc, SDN / "2024-02-23", allow_older=True)
    assert out.status == "created"
    assert svc.current_versions(["us_ofac_sdn"])[0].label == "2024-05-02"


def test_a_folder_date_applies_only_to_the_source_it_names(tmp_path: Path) -> None:
    dpl = (LISTS / "us_bis_dpl" / "2023-11-28" / "dpl.txt").read_bytes()
    elsewhere = _place(tmp_path, "us_ofac_sdn/2030-01-01/dpl.txt", dpl)
    svc = _svc(tmp_path)
    [out] = _ingest(svc, elsewhere)
    assert out.version is not None
    assert out.version.publish_date != "2030-01-01" and out.version.date_origin == "today"
    named = _place(tmp_path, "us_bis_dpl/2023-11-28/dpl.txt", dpl)
    svc2 = Service(SQLiteStore(tmp_path / "e2.db"))
    [out] = _ingest(svc2, named)
    assert out.version is not None and (out.version.publish_date, out.version.date_origin) == (
        "2023-11-28",
        "folder",
    )


def test_companion_less_main_file_does_not_supersede_the_full_version_of_its_date(tmp_path: Path) -> None:
    full = _copy_triplet(tmp_path, "2021-04-25")
    alone = _place(tmp_path, "us_ofac_sdn/2021-04-25_alone/sdn.csv", (full / "sdn.csv").read_bytes())
    svc = _svc(tmp_path)
    first, second = _ingest(svc, full, alone.parent)
    assert first.status == "created"
    assert second.status == "refused" and "lacks add.csv, alt.csv" in second.message
    assert [v.label for v in svc.store.versions("us_ofac_sdn")] == ["2021-04-25"]


def test_held_version_shows_in_the_api_and_the_web_lists(tmp_path: Path) -> None:
    """/lists returns the held version with its reason; the web lists page shows it."""
    from fastapi.testclient import TestClient

    from embargo.api import create_app
    from embargo.web.routes import render

    full = LISTS / "us_bis_dpl" / "2023-11-28" / "dpl.txt"
    svc, out = _full_then_cut(tmp_path, full, "us_bis_dpl/2023-11-29/dpl.txt", full.read_bytes(), 0.8)
    assert out.status == "held" and out.version is not None
    reason = out.version.hold_reason or ""
    sources = [s.to_dict() for s in svc.lists()]
    for v in sources[0]["versions"]:
        v.update(previous=None, delta=None)  # what the page's route adds; not what is tested here
    page = bytes(render("lists.html", sources=sources).body).decode()
    assert "Held, not in force" in page and reason.split(";")[0][:60] in page
    svc.close()
    with TestClient(create_app(tmp_path / "e.db", keys_required=False)) as client:
        [dpl] = client.get("/lists").json()
    assert dpl["current"]["label"] == "2023-11-28"
    assert [(h["id"], h["hold_reason"]) for h in dpl["held"]] == [(out.version.id, reason)]


def test_alt_csv_cut_and_re_terminated_is_held_for_stripped_aliases(tmp_path: Path) -> None:
    """alt.csv cut at a line break with a 0x1A put back parses whole: the parties lose aliases, which
    the change policy counts (stripped) and holds."""
    full = _copy_triplet(tmp_path, "2021-04-25")
    cut = _copy_triplet(tmp_path, "2021-04-26")
    (cut / "alt.csv").write_bytes(_cut_at_line((cut / "alt.csv").read_bytes(), 0.5) + b"\x1a")
    svc = _svc(tmp_path)
    first, second = _ingest(svc, full, cut)
    assert first.status == "created"
    assert second.status == "held" and "strips names from" in second.message + second.line()
    [event] = second.events
    assert isinstance(event, VersionHeld) and event.stripped > 1000 and event.removed == 0
    assert svc.current_versions(["us_ofac_sdn"])[0].label == "2021-04-25"


def test_xml_cut_at_a_line_break_is_refused(tmp_path: Path) -> None:
    raw = (LISTS / "un_sc_consolidated" / "2026-02-27" / "consolidated.xml").read_bytes()
    path = _place(tmp_path, "un_sc/2026-02-28/consolidated.xml", _cut_at_line(raw, 0.6))
    [out] = _ingest(_svc(tmp_path), path)
    assert out.status == "refused" and "not well-formed XML" in out.message and "truncated" in out.message
