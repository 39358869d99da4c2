"""The batch run: input streamed in chunks, screened by worker processes, written in input order.

The parent builds the :class:`Screener` once and forks the workers after, so they share its index
copy-on-write; at most ``2 x workers`` chunks are in flight, so memory stays flat whatever the input
size. After each chunk the output and rejects are flushed and the checkpoint saved; ``--resume``
truncates both to the checkpoint and carries on, and the result equals an uninterrupted run.
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from embargo.batch import checkpoint
from embargo.batch.errors import BatchError
from embargo.batch.mapping import Mapping, Row, yente_cells
from embargo.batch.reader import YENTE_COLUMNS, Input, Raw, Reject, detect_format
from embargo.batch.writer import ByteSink, Formatter, Stats, csv_bytes, open_sink, output_columns
from embargo.service.screener import Screener
from embargo.service.screening import QueryError, query_from_ftm

if TYPE_CHECKING:
    from embargo.resolve import Resolution

Results = Generator[tuple["Chunk", Any, Stats], None, None]
Engine = Callable[[Iterator["Chunk"], Formatter], Results]


class BatchInterrupted(BatchError):
    """Ctrl-C: the output stops at the last complete chunk."""


class WorkerLost(BatchError):
    """A worker process died: the output stops at the last complete chunk."""


@dataclass(frozen=True)
class Options:
    output: Path | None = None
    mapping: Mapping = field(default_factory=Mapping)
    encoding: str = "utf-8"
    threshold: float | None = None
    limit: int = 10
    workers: int = 1
    chunk_size: int = 1000
    resume: bool = False
    identity: dict[str, Any] = field(default_factory=dict)  # as_of, sources, algorithm, list versions
    parties: Resolution | None = field(default=None, compare=False)  # names each alert's party
    by_party: bool = False  # one alert row per party (needs ``parties``), else one per listing


@dataclass(frozen=True)
class Chunk:
    rows: list[Row]
    rejects: list[Reject]
    consumed: int  # input rows read, rejects included

    def reported(self) -> list[Reject]:
        """What the rejects file says of this chunk: its rejects, and what was left out of rows screened
        (a birth date that is no date), in line order."""
        notes = [Reject(r.line, note) for r in self.rows for note in r.notes]
        return sorted([*self.rejects, *notes], key=lambda r: r.line) if notes else self.rejects


@dataclass(frozen=True)
class Plan:
    """What ``prepare`` found: checked before the screener is built, so a bad input fails fast."""

    input: Input
    mapping: Mapping
    kind: str
    columns: list[str]


def prepare(input_path: Path, opts: Options) -> Plan:
    kind = detect_format(opts.output, "output") if opts.output else "jsonl"
    if opts.resume and opts.output is None:
        raise BatchError("--resume needs an output file (-o)")
    inp = Input(input_path, opts.encoding)
    mapping = opts.mapping if inp.yente else opts.mapping.resolve(inp.columns, str(input_path))
    return Plan(inp, mapping, kind, output_columns(YENTE_COLUMNS if inp.yente else inp.columns))


def to_row(plan: Plan, raw: Raw) -> Row:
    if raw.ftm is not None:
        q = query_from_ftm(raw.ftm, default_id=str(raw.line))
        return Row(raw.line, q, yente_cells(q))
    query, notes = plan.mapping.noted_query(raw.cells, raw.line)
    return Row(raw.line, query, tuple(raw.cells), notes)


def chunks(plan: Plan, size: int, skip: int = 0, strict: bool = False) -> Iterator[Chunk]:
    """The input's rows from ``skip`` on, converted to queries, in chunks of ``size`` rows."""
    rows: list[Row] = []
    rejects: list[Reject] = []
    for item in islice(plan.input.rows(), skip, None):
        if isinstance(item, Raw):
            try:
                rows.append(to_row(plan, item))
            except QueryError as exc:
                item = Reject(item.line, str(exc))
        if isinstance(item, Reject):
            if strict:
                raise BatchError(f"{plan.input.path}: line {item.line}: {item.reason}")
            rejects.append(item)
        if len(rows) + len(rejects) >= size:
            yield Chunk(rows, rejects, len(rows) + len(rejects))
            rows, rejects = [], []
    if rows or rejects:
        yield Chunk(rows, rejects, len(rows) + len(rejects))


_STATE: tuple[Screener, Formatter] | None = None  # set in the parent before the workers fork


def _work(rows: list[Row]) -> tuple[Any, Stats]:
    assert _STATE is not None
    return _STATE[1].screen(_STATE[0], rows)


def _quiet() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C


def local_engine(screener: Screener, workers: int) -> Engine:
    """Screening in this process (workers <= 1) or in forked worker processes.

    A worker that dies (killed, out of memory) ends the run with :class:`WorkerLost` at once; the
    output stops at the last chunk written, as after Ctrl-C, and ``--resume`` carries on."""

    def run(source: Iterator[Chunk], fmt: Formatter) -> Results:
        global _STATE
        _STATE = (screener, fmt)
        if workers <= 1:
            for c in source:
                yield (c, *_work(c.rows))
            return
        gc.collect()
        gc.freeze()  # the index stays in shared pages: the collector does not touch them in the workers
        pool = ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("fork"), initializer=_quiet
        )
        try:
            pending: deque[tuple[Chunk, Future[tuple[Any, Stats]]]] = deque()
            for c in source:
                pending.append((c, pool.submit(_work, c.rows)))
                if len(pending) >= 2 * workers:
                    done, res = pending.popleft()
                    yield (done, *res.result())
            while pending:
                done, res = pending.popleft()
                yield (done, *res.result())
        except BrokenProcessPool:
            raise WorkerLost("a worker process ended abruptly (killed, or out of memory?)") from None
        finally:
            for proc in list(pool._processes.values()):  # (no public way to stop them before 3.14)
                proc.terminate()
            pool.shutdown(wait=True, cancel_futures=True)
            gc.unfreeze()

    return run


def estimate_rows(inp: Input) -> int | None:
    """Rows in the input, for the progress bar (lines for text formats)."""
    if inp.format == "parquet":
        return int(inp._parquet().metadata.num_rows)
    if inp.format == "xlsx":
        return None
    n = 0
    with inp.path.open("rb") as fh:
        while buf := fh.read(1 << 22):
            n += buf.count(b"\n")
    return max(n - (0 if inp.format == "jsonl" else 1), 0)


def run(
    plan: Plan,
    opts: Options,
    engine: Engine,
    on_progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Screen the whole input; returns the summary (also written to ``OUTPUT.summary.json``)."""
    out = opts.output
    fmt = Formatter(plan.kind, opts.threshold, opts.limit, opts.parties, opts.by_party)
    settings = {
        "by_party": opts.by_party,
        "format": plan.kind,
        "columns": plan.columns,
        "mapping": plan.mapping.to_dict(),
        "encoding": opts.encoding,
        "threshold": opts.threshold,
        "limit": opts.limit,
        **opts.identity,
    }
    stats, skip = Stats(), 0
    out_state: dict[str, int] | None = None
    rej_state: int | None = None
    ck = checkpoint.checkpoint_path(out) if out else None
    rejects_path = out.with_name(out.name + ".rejects.csv") if out else None
    if ck and opts.resume:
        data = checkpoint.load(ck, plan.input.path, settings)
        skip, stats = data["rows_done"], Stats.from_dict(data["summary"])
        out_state, rej_state = data["output"], data["rejects"]
    elif ck and ck.exists():
        ck.unlink()
    sink = open_sink(out, plan.kind, plan.columns, out_state)
    rejects = ByteSink(rejects_path, b"line,reason\n", rej_state) if rejects_path else None
    done = skip
    started = time.monotonic()
    noted = rej_state is not None and rej_state > len(b"line,reason\n")  # the rejects file has lines

    def save() -> None:
        if ck and rejects:
            state = {
                "input": checkpoint.fingerprint(plan.input.path),
                "settings": settings,
                "rows_done": done,
                "output": sink.state(),
                "rejects": rejects.state()["offset"],
                "summary": stats.to_dict(),
            }
            checkpoint.save(ck, state)

    save()
    try:
        source = chunks(plan, opts.chunk_size, skip, strict=out is None)
        with closing(engine(source, fmt)) as results:
            for chunk, payload, st in results:
                sink.write(payload)
                reported = chunk.reported()
                if rejects and reported:
                    rejects.write(csv_bytes([(r.line, r.reason) for r in reported], "csv"))
                    noted = True
                st.rows, st.rejected = chunk.consumed, len(chunk.rejects)
                stats.add(st)
                done += chunk.consumed
                save()
                if on_progress:
                    on_progress(done)
    except KeyboardInterrupt:
        raise BatchInterrupted(
            f"interrupted after {done} rows; run the same command with --resume to continue"
        ) from None
    except WorkerLost as exc:
        hint = "; run the same command with --resume to continue" if ck else ""
        raise WorkerLost(f"{exc} after {done} rows{hint}") from None
    finally:
        sink.close()
        if rejects:
            rejects.close()
    sink.finish()
    elapsed = time.monotonic() - started
    summary: dict[str, Any] = {
        "input": str(plan.input.path),
        "output": str(out) if out else None,
        "format": plan.kind,
        **stats.to_dict(),
        "rejects": str(rejects_path) if rejects_path and (stats.rejected or noted) else None,
        "threshold": opts.threshold,
        **opts.identity,
        "elapsed_s": round(elapsed, 2),
        "rows_per_s": round((done - skip) / elapsed, 1) if elapsed > 0 else None,
    }
    if out and rejects_path:
        if not stats.rejected and not noted:
            rejects_path.unlink(missing_ok=True)
        out.with_name(out.name + ".summary.json").write_bytes(
            orjson.dumps(summary, option=orjson.OPT_INDENT_2)
        )
        if ck:
            ck.unlink(missing_ok=True)
    return summary
