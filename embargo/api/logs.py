"""Structured logs for ``embargo serve --log-format json``: one JSON object a line (time, level, logger,
message, and the request's method, path and status for access lines), for a log shipper to read. The
audit trail stays in the store; these are the operator's logs."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import orjson

# fields a LogRecord always has: anything else was passed in ``extra=`` and is kept
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, path, _, status = record.args
            out.update(client=client, method=method, path=_without_query(str(path)), status=status)
            out["message"] = f"{method} {out['path']} {status}"
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in out:
                out[key] = value if isinstance(value, str | int | float | bool | None) else repr(value)
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(out).decode()


def _without_query(path: str) -> str:
    """An access line's path without its query string: a query may carry a screened name."""
    return path.split("?", 1)[0]


def log_config(fmt: str, level: str = "info") -> dict[str, Any]:
    """uvicorn's ``log_config``: every logger (embargo's, uvicorn's, its access log) through one handler on
    stderr, as JSON lines or as plain text."""
    formatter = (
        {"()": "embargo.api.logs.JsonFormatter"}
        if fmt == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    )
    handler = {"class": "logging.StreamHandler", "formatter": "main", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"main": formatter},
        "handlers": {"main": handler},
        "loggers": {
            name: {"handlers": ["main"], "level": level.upper(), "propagate": False}
            for name in ("embargo", "uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }
