"""Deterministic, readable entity ids: ``<source>-<list id>`` (e.g. ``us-ofac-sdn-16649``)."""

from __future__ import annotations

import hashlib
import re

_UNSAFE = re.compile(r"[^A-Za-z0-9.]+")


def make_id(source: str, source_id: str) -> str:
    """The same source and list id always give the same id; ids only use ``[A-Za-z0-9.-]``.

    A list id that does not survive slugging unchanged (spaces, slashes, very long) gets a
    short hash suffix so two different list ids can never collide.
    """
    prefix = source.replace("_", "-")
    slug = _UNSAFE.sub("-", source_id).strip("-")
    if slug == source_id and 0 < len(slug) <= 64:
        return f"{prefix}-{slug}"
    digest = hashlib.sha1(f"{source}:{source_id}".encode()).hexdigest()[:12]
    return f"{prefix}-{slug[:40]}-{digest}" if slug else f"{prefix}-{digest}"
