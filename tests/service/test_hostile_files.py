"""Issue 15, items 8 and 10 (ingest): decompression bombs, a DOCTYPE, a FIFO, a folder with no list
file and a full disk are each refused with a clear one-line error, and the run goes on."""

from __future__ import annotations

import gzip
import os
import sqlite3
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from embargo.service.ingest import ingest_paths
from embargo.sources.limits import MIB, Limits
from embargo.store import SQLiteStore
from tests.conftest import LISTS

CSL_HEAD = gzip.decompress((LISTS / "us_trade_csl" / "2022-05-06" / "consolidated.csv.gz").read_bytes())[
    :4096
]
CSL_HEADER = CSL_HEAD.split(b"\n", 1)[0] + b"\n"


def _one(tmp_path: Path, path: Path, limits: Limits | None = None) -> str:
    store = SQLiteStore(tmp_path / "e.db")
    [out] = ingest_paths(store, [path], workers=1, limits=limits)
    assert store.versions(include_held=True) == []
    assert out.status == "refused" and "\n" not in out.message
    return out.message


def _gz_bomb(rows: int) -> bytes:
    """A CSL header, then one short row repeated: compresses about 1,000 to 1."""
    row = b',"x",1,Individual,,"A",,,,,,,,,,,,,,,,,,,,,,,\n'
    c = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [c.compress(CSL_HEADER)]
    block = row * 10_000
    for _ in range(rows // 10_000):
        parts.append(c.compress(block))
    parts.append(c.flush())
    return b"".join(parts)


def test_gzip_bomb_is_refused_by_ratio(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.csv.gz"
    path.write_bytes(_gz_bomb(200_000))  # ~9 MB expanded from ~30 KB
    msg = _one(tmp_path, path)
    assert "expands more than 100 times" in msg and "decompression bomb" in msg


def test_gzip_bomb_is_refused_by_size(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.csv.gz"
    path.write_bytes(_gz_bomb(200_000))
    msg = _one(tmp_path, path, Limits(max_expanded=4 * MIB, max_ratio=1e9))
    assert "expands past 4 MiB" in msg


def test_zip_bomb_is_refused_before_expansion(tmp_path: Path) -> None:
    path = tmp_path / "CONS_ENHANCED.ZIP"
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf,
        zf.open("CONS_ENHANCED.XML", "w", force_zip64=True) as f,
    ):
        f.write(b"<sanctionsData>")
        chunk = b" " * MIB
        for _ in range(300):  # 300 MiB of blanks in ~300 KB
            f.write(chunk)
    msg = _one(tmp_path, path)
    assert "archive member CONS_ENHANCED.XML expands" in msg


def _xlsx(tmp_path: Path, shared_count: int, dimension: str) -> Path:
    """A minimal OFSI-shaped workbook whose shared strings and sheet extent are declared as given."""
    real = zipfile.ZipFile(LISTS / "uk_ofsi_conlist" / "2025-04-14" / "ConList.xlsx")
    path = tmp_path / "ConList.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in real.infolist():
            data = real.read(info.filename)
            if info.filename == "xl/sharedStrings.xml":
                data = data.replace(b'count="', b'count="9', 1) if shared_count else data
            if info.filename.startswith("xl/worksheets/sheet1"):
                head, rest = data.split(b"<dimension", 1)
                rest = rest.split(b"/>", 1)[1]
                data = head + f'<dimension ref="{dimension}"/>'.encode() + rest
            out.writestr(info.filename, data)
    return path


def test_xlsx_with_too_many_shared_strings_is_refused(tmp_path: Path) -> None:
    msg = _one(tmp_path, _xlsx(tmp_path, 1, "A1:AJ18800"), Limits(max_shared_strings=100_000))
    assert "shared strings, over the limit of 100000" in msg


def test_xlsx_spanning_too_many_cells_is_refused(tmp_path: Path) -> None:
    msg = _one(tmp_path, _xlsx(tmp_path, 0, "A1:XFD1048576"))
    assert "the sheet spans over 20000000 cells" in msg


def test_parsing_is_bounded_in_time(tmp_path: Path) -> None:
    sdn = LISTS / "us_ofac_sdn" / "2024-05-02" / "sdn.csv"
    msg = _one(tmp_path, sdn, Limits(max_seconds=0.05))
    assert "parsing took longer than 0.05 s" in msg


@pytest.mark.parametrize(
    "doctype",
    [b'<!DOCTYPE CONSOLIDATED_LIST SYSTEM "list.dtd">', b'<!DOCTYPE CONSOLIDATED_LIST [<!ENTITY x "y">]>'],
    ids=["external", "entity"],
)
def test_xml_with_a_doctype_is_refused(tmp_path: Path, doctype: bytes) -> None:
    raw = (LISTS / "un_sc_consolidated" / "2026-02-27" / "consolidated.xml").read_bytes()
    decl, rest = raw.split(b"?>", 1)
    path = tmp_path / "consolidated.xml"
    path.write_bytes(decl + b"?>\n" + doctype + rest)
    assert "DOCTYPE or entity declarations" in _one(tmp_path, path)


def run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "embargo.cli.main", *args, "--db", str(db)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def test_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "sdn.csv"
    os.mkfifo(fifo)
    proc = run(tmp_path / "e.db", "ingest", str(fifo))  # no writer: opening it would block forever
    assert proc.returncode == 1
    assert "not a regular file" in proc.stderr and "Traceback" not in proc.stderr


def test_folder_without_a_list_file_exits_non_zero(tmp_path: Path) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "README.md").write_text("nothing here\n")  # skipped as documentation: no file is read
    proc = run(tmp_path / "e.db", "ingest", str(folder))
    assert proc.returncode == 1 and "no list file found" in proc.stderr


def test_disk_full_says_so_and_the_run_goes_on(tmp_path: Path) -> None:
    """A real full database (PRAGMA max_page_count caps the file: SQLite answers "database or disk is
    full", as on a full disk); a tmpfs needs root, so the cap stands in for it."""
    store = SQLiteStore(tmp_path / "e.db")
    dpl = LISTS / "us_bis_dpl"
    [first] = ingest_paths(store, [dpl / "2022-09-02"], workers=1)
    assert first.status == "created"
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count={pages + 2}")
    outs = ingest_paths(
        store,
        [LISTS / "un_sc_consolidated" / "2026-02-27", dpl / "2022-09-02", dpl / "2023-11-28"],
        workers=1,
    )
    by_label = {o.path.parent.name: o for o in outs}
    assert by_label["2026-02-27"].status == "refused" and "disk full" in by_label["2026-02-27"].message
    assert by_label["2022-09-02"].status == "unchanged"  # the run went on past the full disk
    assert by_label["2023-11-28"].status == "refused" and "disk full" in by_label["2023-11-28"].message
    assert [v.label for v in store.versions()] == ["2022-09-02"]  # nothing half-written
    with pytest.raises(sqlite3.OperationalError, match="full"):
        store.conn.execute("CREATE TABLE big AS SELECT zeroblob(100000) AS b")


def test_bombs_do_not_touch_real_files() -> None:
    """The limits leave every real archive alone (largest member 13 MB, highest ratio 17)."""
    from embargo.sources.limits import applied, check_xlsx, check_zip

    with applied(Limits(), Path("x")):
        for p in LISTS.glob("*/*/*.xlsx"):
            check_xlsx(p)
        check_zip(LISTS / "us_ofac_consolidated" / "2025-01-10" / "CONS_ENHANCED.ZIP")


def test_disk_full_on_a_real_full_filesystem(tmp_path: Path) -> None:
    """The same on a real full disk: a 3 MiB tmpfs (mounting needs root; skipped elsewhere)."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mnt)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(
            "cannot mount a tmpfs here (needs root); test_disk_full_says_so_and_the_run_goes_on covers it"
        )
    store = None
    try:
        store = SQLiteStore(mnt / "e.db")
        dpl = LISTS / "us_bis_dpl"
        [first] = ingest_paths(store, [dpl / "2022-09-02"], workers=1)
        assert first.status == "created"
        free = os.statvfs(mnt).f_bavail * os.statvfs(mnt).f_frsize
        (mnt / "filler").write_bytes(b"\0" * max(free - 64 * 1024, 0))  # leave 64 KiB
        outs = ingest_paths(
            store, [LISTS / "un_sc_consolidated" / "2026-02-27", dpl / "2022-09-02"], workers=1
        )
        un, same = sorted(outs, key=lambda o: o.source != "un_sc")
        assert un.status == "refused" and "disk full" in un.message, un.line()
        assert same.status == "unchanged"
        assert [v.label for v in store.versions()] == ["2022-09-02"]
    finally:
        if store is not None:
            store.close()  # an open store file would keep the mount busy
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)
