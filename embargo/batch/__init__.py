"""Batch screening of customer books: ``embargo screen-file`` and :func:`screen_file`.

Modules: ``reader`` (formats in), ``mapping`` (which column is what), ``writer`` (formats out),
``checkpoint`` (resume), ``runner`` (chunks, workers, order), ``spark`` (the same on Spark).

Errors::

    EmbargoError
     └── BatchError            one line: empty file, wrong encoding, missing column, unknown format
          ├── BatchInterrupted Ctrl-C; the message says to run again with --resume
          └── WorkerLost       a worker process died (killed, out of memory); the same, at once
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from embargo.batch.errors import BatchError
from embargo.batch.mapping import Mapping
from embargo.batch.runner import BatchInterrupted, Options, Plan, local_engine, prepare, run
from embargo.service.screener import Screener

__all__ = ["BatchError", "BatchInterrupted", "Mapping", "Options", "Plan", "prepare", "screen_file"]


def screen_file(
    input_path: Path,
    screener: Screener,
    opts: Options,
    on_progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Screen ``input_path`` with the local engine; returns the run's summary."""
    plan = prepare(input_path, opts)
    return run(plan, opts, local_engine(screener, opts.workers), on_progress)
