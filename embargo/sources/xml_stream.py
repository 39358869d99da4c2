"""Streaming XML list files into tracked :class:`Record` s (shared by the UN, EU and SECO formats).

:func:`stream` walks a file with lxml's ``iterparse`` and yields one flattened record per
list entry, then frees it, so memory stays flat whatever the file size. A record's keys
are paths relative to the entry (namespaces dropped)::

    <sanctionEntity logicalId="13">          "@logicalId": ["13"]
      <remark>...</remark>                   "remark": ["..."]
      <nameAlias wholeName="X">              "nameAlias": [Record({"nameAlias@wholeName": ["X"],
        <regulationSummary .../>                 "nameAlias/regulationSummary": [Record(...)]})]
    <NATIONALITY><VALUE>Iraq</VALUE>         "NATIONALITY/VALUE": ["Iraq"]

An element with attributes or element children is a sub-record (its own text, if any, under
its own path); a plain text element is a value. Broken files raise :class:`ListFormatError`
naming the line, the column and, where the raw bytes show it, the likely cause.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from embargo.errors import ListFormatError
from embargo.sources.base import Record, UsageTracker

Flat = dict[str, list[Any]]
_PROLOG = re.compile(
    rb"^(?:\xef\xbb\xbf)?(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)*<([A-Za-z_][\w.:-]*)",
    re.S,
)


def root_tag(head: bytes) -> str | None:
    """The local name of the root element in the first bytes of an XML file, or None."""
    m = _PROLOG.match(head)
    if m is None:
        return None
    return m.group(1).decode("ascii", "replace").rsplit(":", 1)[-1]


def refuse_doctype(path: Path | str, root: Any) -> None:
    """Refuse a file with a DOCTYPE (and so any entity declaration): official lists have none, and a
    document type is how entity expansion and external references get in. Call on the root element."""
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise ListFormatError(
            path,
            "the XML has a DOCTYPE or entity declarations, which no official list has: refused",
            "line 1",
        )


@lru_cache(maxsize=4096)
def local(tag: str) -> str:
    """``{namespace}name`` -> ``name``."""
    return tag.rsplit("}", 1)[-1]


def stream(
    path: Path,
    *,
    root: str,
    depth: int,
    tags: frozenset[str],
    root_attrs: dict[str, str],
    what: str,
    namespace: str | None = None,
) -> Iterator[tuple[str, Record, list[Record]]]:
    """Yield ``(tag, record, sub-records)`` for each element named in ``tags`` at ``depth``
    (the root is depth 1). ``root_attrs`` is filled from the root element's attributes; the
    root must be ``<root>`` (in ``namespace`` when given) or the file is refused."""
    if path.stat().st_size == 0:
        raise ListFormatError(path, "empty file (0 bytes)")
    level = 0
    n = 0
    context = etree.iterparse(str(path), events=("start", "end"), resolve_entities=False, no_network=True)
    try:
        for event, el in context:
            if event == "start":
                level += 1
                if level == 1:
                    refuse_doctype(path, el)
                    qname = etree.QName(el)
                    if qname.localname != root:
                        raise ListFormatError(
                            path, f"not {what}: root element is <{qname.localname}>, expected <{root}>"
                        )
                    if namespace is not None and qname.namespace != namespace:
                        raise ListFormatError(
                            path,
                            f"not {what}: <{root}> is in namespace {qname.namespace!r}, expected {namespace!r}",
                        )
                    root_attrs.update({local(k): v for k, v in el.attrib.items()})
                continue
            level -= 1
            if level == depth - 1 and isinstance(el.tag, str) and (tag := local(el.tag)) in tags:
                n += 1
                subs: list[Record] = []
                rec = Record(flatten(el, "", subs))
                yield tag, rec, subs
                el.clear()
                parent = el.getparent()
                while parent is not None and el.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        raise syntax_error(path, exc, f"after record #{n}") from None


def flatten(el: Any, prefix: str, subs: list[Record]) -> Flat:
    """One element's attributes and children as ``{path: [texts or sub-Records]}``; every
    sub-Record made is also appended to ``subs`` (for :func:`track`)."""
    data: Flat = {}
    own = prefix[:-1]  # "nameAlias/" -> attributes as "nameAlias@wholeName"
    for name, value in el.attrib.items():
        data.setdefault(f"{own}@{local(name)}", []).append(value.strip())
    for child in el:
        if not isinstance(child.tag, str):
            continue  # comments, processing instructions
        key = prefix + local(child.tag)
        kids = [c for c in child if isinstance(c.tag, str)]
        if not kids and not child.attrib:
            values = data.setdefault(key, [])
            if t := (child.text or "").strip():
                values.append(t)
        elif not child.attrib and all(local(c.tag) == "VALUE" and len(c) == 0 for c in kids):
            values = data.setdefault(f"{key}/VALUE", [])
            values.extend(t for c in kids if (t := (c.text or "").strip()))
        else:
            flat = flatten(child, f"{key}/", subs)
            if t := (child.text or "").strip():
                flat[key] = [t]
            sub = Record(flat)
            subs.append(sub)
            data.setdefault(key, []).append(sub)
    return data


def texts(rec: Record, key: str) -> list[str]:
    """Every non-empty text under ``key``."""
    return [v for v in rec.get(key) or () if isinstance(v, str) and v]


def text(rec: Record, key: str) -> str | None:
    """The text under ``key`` (repeated values joined by a space), or None."""
    vals = texts(rec, key)
    return " ".join(vals) if vals else None


def groups(rec: Record, key: str) -> list[Record]:
    """The sub-records under ``key``."""
    return [v for v in rec.get(key) or () if isinstance(v, Record)]


def track(tracker: UsageTracker, rec: Record, subs: list[Record], prefix: str = "") -> None:
    """Count each unread field once per list record (its sub-records included); ``prefix``
    names the record element where a file has several kinds (``target``, ``place``)."""
    unused: set[str] = set(rec.unused())
    for sub in subs:
        unused.update(sub.unused())
    for key in unused:
        name = key if not prefix else f"{prefix}{key}" if key.startswith("@") else f"{prefix}/{key}"
        tracker.unconsumed[name] += 1


def syntax_error(path: Path, exc: etree.XMLSyntaxError, after: str) -> ListFormatError:
    """A clear message for a broken file: what the parser saw, where, and the likely cause."""
    line, col = exc.position if exc.position else (0, 0)
    # one line: lxml quotes the text it stopped at, which may span lines
    reason = " ".join((exc.msg or str(exc)).split(", line ")[0].split())
    hint = _line_hint(path, line)
    if not hint and ("Premature end" in reason or ("Extra content" not in reason and _at_end(path, line))):
        hint = ": the file ends before the list is closed (truncated download?)"
    cause = f"not well-formed XML ({reason}){hint}"
    return ListFormatError(path, cause, where=f"line {line}, column {col}, {after}" if line else after)


def _at_end(path: Path, line: int) -> bool:
    try:
        with path.open("rb") as fh:
            return sum(1 for _ in fh) <= line
    except OSError:
        return False


def _line_hint(path: Path, line: int) -> str:
    """Look at the raw bytes of the failing line to say *why* (re-encoded text, control bytes)."""
    if line <= 0:
        return ""
    raw = b""
    try:
        with path.open("rb") as fh:
            for i, chunk in enumerate(fh, 1):
                if i == line:
                    raw = chunk
                    break
            else:
                return ": the file ends early (truncated download?)"
    except OSError:
        return ""
    bad_ctrl = sorted({b for b in raw if b < 0x20 and b not in (0x09, 0x0A, 0x0D)})
    try:
        raw.decode("utf-8")
        utf8 = True
    except UnicodeDecodeError:
        utf8 = False
    if not bad_ctrl and utf8:
        return ""
    what = []
    if bad_ctrl:
        what.append("control byte(s) " + ", ".join(f"0x{b:02X}" for b in bad_ctrl))
    if not utf8:
        what.append("bytes that are not valid UTF-8")
    return f": line {line} contains {' and '.join(what)}; the file was probably re-encoded (not a byte copy)"
