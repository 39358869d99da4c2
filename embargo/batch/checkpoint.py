"""``OUTPUT.checkpoint.json``: how far a run got, so ``--resume`` continues from the last complete chunk.

Written atomically after every chunk, once the chunk's output and rejects are flushed: the input's
fingerprint (path, size, mtime), the settings that shape the output, the rows consumed, the output
and rejects offsets (or the Parquet part count) and the summary counters so far.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import orjson

from embargo.batch.errors import BatchError

VERSION = 1


def fingerprint(path: Path) -> dict[str, Any]:
    st = path.stat()
    key = f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}"
    return {
        "path": str(path.resolve()),
        "size": st.st_size,
        "mtime_ns": st.st_mtime_ns,
        "hash": hashlib.sha256(key.encode()).hexdigest()[:16],
    }


def checkpoint_path(output: Path) -> Path:
    return output.with_name(output.name + ".checkpoint.json")


def save(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(orjson.dumps({"version": VERSION, **data}, option=orjson.OPT_INDENT_2))
    os.replace(tmp, path)


def load(path: Path, input_path: Path, settings: dict[str, Any]) -> dict[str, Any]:
    """The checkpoint to resume from, after checking it belongs to this input and these settings."""
    if not path.exists():
        raise BatchError(f"nothing to resume: no {path.name} beside the output (run without --resume)")
    try:
        data: dict[str, Any] = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError:
        raise BatchError(f"{path}: unreadable checkpoint; run without --resume to start again") from None
    if data.get("version") != VERSION:
        raise BatchError(f"{path}: checkpoint of another version; run without --resume")
    if data["input"]["hash"] != fingerprint(input_path)["hash"]:
        raise BatchError(
            f"{input_path}: the input changed since the checkpoint (size or modification time); "
            "run without --resume to start again"
        )
    for key, value in settings.items():
        if data["settings"].get(key) != value:
            raise BatchError(
                f"the checkpoint was written with {key} = {data['settings'].get(key)!r}, not {value!r}; "
                "run with the same settings, or without --resume to start again"
            )
    return data
