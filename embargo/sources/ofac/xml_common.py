"""What OFAC's two XML formats (``sdnList`` and ENHANCED_XML) share: reading elements by local
name, tracking the fields each element path leaves unread, the party types, addresses and id order.
The meaning of OFAC's labels, shared with the CSV, is in :mod:`embargo.sources.ofac.facts`."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from lxml import etree

from embargo.model.entity import Address, Schema
from embargo.sources.base import Record, UsageTracker
from embargo.text.countries import country_code

SCHEMAS: dict[str, Schema] = {
    "individual": "Person",
    "entity": "Organization",
    "vessel": "Vessel",
    "aircraft": "Airplane",
}


def merge_key(source_id: str) -> tuple[int, int, str]:
    """Sort list ids numerically where they are numbers."""
    return (0, int(source_id), "") if source_id.isdigit() else (1, 0, source_id)


def localname(el: Any) -> str:
    return str(etree.QName(el).localname)


def fields(el: Any, *, elements: bool = False) -> dict[str, Any]:
    """An element's children by local name: leaf text (stripped), or the element itself
    (always with ``elements``, to read attributes); a name that repeats maps to a list."""
    out: dict[str, Any] = {}
    for child in el:
        if not isinstance(child.tag, str):
            continue  # comments, processing instructions
        key = localname(child)
        value: Any = child if elements or len(child) else (child.text or "").strip()
        if key in out:
            prev = out[key]
            out[key] = [*prev, value] if isinstance(prev, list) else [prev, value]
        else:
            out[key] = value
    return out


def items(value: Any) -> Iterator[Any]:
    """The elements of a field that may be missing, one element or a list of them."""
    if value is None or isinstance(value, str):
        return
    if isinstance(value, list):
        for v in value:
            if not isinstance(v, str):
                yield v
    else:
        yield value


def texts(value: Any) -> list[str]:
    """The text values of a repeated leaf field."""
    vals = value if isinstance(value, list) else [value]
    return [v for v in vals if isinstance(v, str) and v]


class Usage:
    """One :class:`UsageTracker` per element path; reports ``path/field -> records``."""

    def __init__(self) -> None:
        self.trackers: dict[str, UsageTracker] = {}
        self.extra: Counter[str] = Counter()

    def done(self, path: str, rec: Record) -> None:
        self.trackers.setdefault(path, UsageTracker()).check(rec)

    def unknown(self, path: str, labels: Iterable[str]) -> None:
        for label in labels:
            self.extra[f"{path}[{label}]"] += 1

    def unconsumed(self) -> dict[str, int]:
        out: dict[str, int] = dict(self.extra)
        for path, tracker in self.trackers.items():
            for key, n in tracker.unconsumed.items():
                out[f"{path}/{key}"] = n
        return dict(sorted(out.items()))


_PROLOG = re.compile(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", re.DOTALL)
_FIRST_TAG = re.compile(rb"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")


def root_name(head: bytes) -> str | None:
    """Local name of an XML document's root element, from its first bytes (None if not XML)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text.startswith(b"<"):
        return None
    m = _FIRST_TAG.search(_PROLOG.sub(b"", text))
    return m.group(2).decode("ascii") if m else None


def make_address(
    street: Iterable[str | None],
    city: str | None,
    region: str | None,
    postal_code: str | None,
    country_name: str | None,
    country: str | None,
) -> Address | None:
    """One address; a country printed as ``Region: Gaza`` is a region."""
    regions = [region]
    if country_name and country_name.lower().startswith("region:"):
        regions.append(country_name.split(":", 1)[1].strip())
        country = country or country_code(regions[-1])
        country_name = None
    lines = [s for s in street if s]
    region_text = ", ".join(r for r in regions if r) or None
    parts = [*lines, city, region_text, postal_code, country_name]
    full = ", ".join(p for p in parts if p)
    if not full:
        return None
    return Address(full, ", ".join(lines) or None, city, region_text, postal_code, country)
