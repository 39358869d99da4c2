"""embargo's HTTP API (FastAPI): yente-compatible matching plus embargo's history routes.

A thin shell over :mod:`embargo.service` and :class:`~embargo.screener.Screener`; pydantic models
live in :mod:`embargo.api.models` and nowhere else in the package.
"""

from __future__ import annotations

from embargo.api.app import create_app

__all__ = ["create_app"]
