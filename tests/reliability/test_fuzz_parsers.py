"""Every list parser, fed mutations of a real file of its format (property-based, hypothesis): it
returns a parsed list or raises embargo's own clear error (an EmbargoError naming the file), within a
time bound, never another exception. Seeds: the smallest real file of each format in ../shared (the
fixtures for the formats that ../shared lacks). The parser is called directly, not through
``parse_candidate``, which would turn any crash into a ListFormatError and hide it."""

from __future__ import annotations

import resource
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from embargo.errors import EmbargoError
from embargo.service.ingest import Candidate, discover
from embargo.sources import formats
from embargo.sources.base import Format
from embargo.sources.limits import Limits, applied

ROOT = Path(__file__).resolve().parents[2]
LISTS = ROOT.parent / "shared" / "data" / "lists"
FIXTURES = ROOT / "tests" / "fixtures"
SECONDS = 20.0  # a parse of a mutated seed past this is a hang
MAX_RSS = 3 * 1024 * 1024  # KiB: the test process's peak resident memory after a format's examples
BINARY = ("xlsx", "enhanced")  # zip containers: each example costs a whole workbook's parse


def _seeds() -> dict[str, Candidate]:
    """Per format, its smallest publication (real files first, then the repository's excerpts)."""
    found: dict[str, tuple[int, Candidate]] = {}
    for where in (LISTS, FIXTURES):
        candidates, _ = discover([where])
        for c in candidates:
            size = sum(f.stat().st_size for f in c.files)
            name = c.format.NAME
            if name not in found or (where == LISTS and size < found[name][0]):
                if where == FIXTURES and name in found:
                    continue
                found[name] = (size, c)
    return {name: c for name, (_, c) in found.items()}


SEEDS = _seeds()


def test_every_format_has_a_seed() -> None:
    assert {f.NAME for f in formats()} <= set(SEEDS), {f.NAME for f in formats()} - set(SEEDS)


MUTATIONS = st.sampled_from(("truncate", "flip", "insert", "delete", "duplicate", "recode"))


def _mutate(data: bytes, op: str, draw: st.DataObject) -> bytes:
    n = max(1, len(data))
    at = draw.draw(st.integers(0, n - 1), label="position")
    if op == "truncate":
        return data[:at]
    if op == "flip":
        k = draw.draw(st.integers(1, 16), label="bytes flipped")
        out = bytearray(data)
        for i in range(k):
            j = (at + i * 7919) % n
            if j < len(out):
                out[j] ^= draw.draw(st.integers(1, 255), label="mask")
        return bytes(out)
    if op == "insert":
        junk = draw.draw(
            st.one_of(
                st.binary(min_size=1, max_size=64),
                st.sampled_from([b"<", b"&ent;", b'"', b"\x00", b"\x1a", b"\r\n", b"\xff\xfe", b"]]>"]),
            ),
            label="inserted",
        )
        return data[:at] + junk + data[at:]
    if op == "delete":
        span = draw.draw(st.integers(1, 4096), label="deleted")
        return data[:at] + data[at + span :]
    if op == "duplicate":
        span = draw.draw(st.integers(1, 4096), label="duplicated")
        return data[:at] + data[at : at + span] * 2 + data[at + span :]
    try:  # recode: the text read in another encoding
        return data.decode("utf-8").encode(
            draw.draw(st.sampled_from(["utf-16", "latin-1", "cp1251"])), "replace"
        )
    except UnicodeDecodeError:
        return data[::-1][:n]


def _parse(fmt: Format, seed: Candidate, main: bytes, tmp: Path) -> None:
    folder = tmp / seed.path.parent.name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for f in seed.files:
        if f != seed.path:
            shutil.copy(f, folder / f.name)
    target = folder / seed.path.name
    target.write_bytes(main)
    try:
        with applied(Limits(max_seconds=SECONDS), target):
            fmt.parse(target, seed.source)
    except EmbargoError as exc:
        assert str(target) in str(exc) or target.name in str(exc), f"the error does not name the file: {exc}"


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SEEDS))
def test_mutated_real_file_gives_a_list_or_a_clear_error(
    name: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    seed = SEEDS[name]
    fmt = seed.format
    data = seed.path.read_bytes()
    tmp = tmp_path_factory.mktemp(f"fuzz-{name}")
    examples = 4 if any(b in name for b in BINARY) else 20

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,  # the same examples on every run: a failure here is reproducible
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )
    @given(op=MUTATIONS, draw=st.data())
    def run(op: str, draw: st.DataObject) -> None:
        _parse(fmt, seed, _mutate(data, op, draw), tmp)

    run()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert peak < MAX_RSS, f"peak resident memory {peak / 1024:.0f} MiB"
