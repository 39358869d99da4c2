"""Structured logs: with ``EMBARGO_LOG_FORMAT=json`` (``embargo serve --log-format json``) every log record
is one JSON object a line on stderr, and every request gets an ``embargo.access`` record (method, route,
status, duration, client, key id, user), so a log shipper needs no parsing rules."""

from __future__ import annotations

import logging
import os
import sys
from datetime import UTC, datetime
from typing import Any

import orjson

ACCESS = logging.getLogger("embargo.access")
FIELDS = ("method", "route", "status", "duration_ms", "client", "key_id", "user")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        for name in FIELDS:
            if name in record.__dict__:
                out[name] = record.__dict__[name]
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(out, default=str).decode()


def configure() -> None:
    """JSON lines on stderr for embargo's and uvicorn's loggers when ``EMBARGO_LOG_FORMAT=json``."""
    if os.environ.get("EMBARGO_LOG_FORMAT", "").lower() != "json":
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(logging.INFO)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True


def access(**fields: Any) -> None:
    """One request's record (only built when someone listens)."""
    if ACCESS.isEnabledFor(logging.INFO):
        ACCESS.info("%s %s %s", fields.get("method"), fields.get("route"), fields.get("status"), extra=fields)
