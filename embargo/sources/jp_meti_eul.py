"""Japan METI End User List (外国ユーザーリスト, Foreign User List), XLSX (``<YYYYMMDD>_<n>.xlsx``).

One sheet (``ユーザーリスト``), one row per company or organisation: ``No.`` (a formula, ``=ROW()-1``),
country or region (Japanese and English in one cell, one per line), the name, its other names (one
per line, bulleted ``・``), the type of concern (``生物、化学、ミサイル、核`` over ``B,C,M,N``) and
conventional weapons (``通常兵器`` over ``CW``). The concerns become the export-control reasons. The
row number is the list's only number and moves when rows are inserted, so an entity's id is its
country and name. The file's date is in its name.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from embargo.errors import ListFormatError
from embargo.model import Entity, Name
from embargo.sources.base import ParsedList, Reading, Record
from embargo.sources.catalog import source_info
from embargo.sources.jp_fields import countries_in, fold, is_japanese, lines
from embargo.sources.listfields import EntityBuilder, xlsx_header_rows, xlsx_peek

NAME = "jp_meti_eul_xlsx"
SOURCE = "jp_meti_eul"
LIST_NAME = "End User List"
MEASURE = "export licence required (catch-all control: end user of concern)"
COLUMNS = {
    "No.": "number",
    "国名、地域名 Country or Region": "country",
    "企業名､組織名 Company or Organization": "name",
    "企業名、組織名 Company or Organization": "name",
    "別名 Also Known As": "aliases",
    "懸念区分 Type of WMD": "concern",
    "通常兵器 Conventional Weapons": "conventional",
}
CONCERNS = {
    "B": "biological weapons",
    "C": "chemical weapons",
    "M": "missiles",
    "N": "nuclear weapons",
    "CW": "conventional weapons",
}
_JA_CONCERNS = {"生物": "B", "化学": "C", "ミサイル": "M", "核": "N", "通常兵器": "CW"}
_FILE_NAME = re.compile(r"^(\d{4})(\d{2})(\d{2})_\d+\.xlsx$", re.I)
_MARKS = (">Country or Region<", ">Type of WMD<")


def sniff(path: Path, head: bytes) -> str | None:
    if not head.startswith(b"PK\x03\x04"):
        return None
    text = xlsx_peek(path)
    return SOURCE if text and all(m in text.replace("\n", " ") or m[1:-1] in text for m in _MARKS) else None


def companions(path: Path) -> list[Path]:
    return []


def parse(path: Path, source: str) -> ParsedList:
    cells, rows = xlsx_header_rows(path)
    header = [" ".join((h or "").split()) for h in cells]
    roles = {h: COLUMNS[h] for h in header if h in COLUMNS}
    missing = {"name", "country", "concern"} - set(roles.values())
    if missing:
        raise ListFormatError(
            path, f"not the End User List header: no {', '.join(sorted(missing))} column", "row 1"
        )
    r = Reading(path, source, NAME)
    tracker, warnings = r.tracker, r.warnings
    entities: dict[str, Entity] = {}
    unknown: Counter[str] = Counter()
    for where, cells in rows:
        data = {h: v for h, v in zip(header, cells, strict=False) if h and v}
        if not data:
            continue
        rec = Record(data)
        by_role = {role: rec.text(h) for h, role in roles.items()}
        name = by_role.get("name")
        if not name:
            warnings.append(f"{where}: a row without a name skipped")
            rec.consume(*rec.keys())
            continue
        entity = _entity(by_role, name, source, unknown)
        if entity.source_id in entities:
            raise ListFormatError(path, f"{name!r} is listed twice for one country", where)
        entities[entity.source_id] = entity
        tracker.check(rec)
    if not entities:
        raise ListFormatError(path, "no rows after the header: empty or truncated list", "row 2")
    if unknown:
        warnings.append(
            "unknown concern types: " + ", ".join(f"{k!r} ({n})" for k, n in unknown.most_common(5))
        )
    r.entities = list(entities.values())
    return r.finish(list_date=_list_date(path))


def concern_codes(*cells: str | None) -> tuple[list[str], list[str]]:
    """``生物、化学、ミサイル、核\\nB,C,M,N`` / ``通常兵器\\nCW`` -> (codes in CONCERNS order, unknown tokens)."""
    found: set[str] = set()
    unknown: list[str] = []
    for cell in cells:
        for token in re.split(r"[\s,、/]+", fold(cell)):
            if not token:
                continue
            code = token.upper() if token.upper() in CONCERNS else _JA_CONCERNS.get(token)
            if code is None and re.fullmatch(r"[A-Za-z]+", token) is None and token.endswith(tuple("BCMN")):
                code = _JA_CONCERNS.get(token[:-1].rstrip()) or token[-1]  # "ミサイルM": no line break
            if code:
                found.add(code)
            else:
                unknown.append(token)
    return [c for c in CONCERNS if c in found], unknown


def _entity(by_role: dict[str, str | None], name: str, source: str, unknown: Counter[str]) -> Entity:
    b = EntityBuilder()
    b.names.append(Name(fold(name), "primary", "jpn" if is_japanese(name) else None))
    for line in lines(by_role.get("aliases")):
        alias = line.lstrip("・･·- ").strip()
        if alias:
            b.names.append(Name(alias, "alias", "jpn" if is_japanese(alias) else None))
    country_lines = lines(by_role.get("country"))
    codes = countries_in(by_role.get("country"))
    b.countries.extend(codes)
    b.prop("country", *country_lines)
    codes_found, bad = concern_codes(by_role.get("concern"), by_role.get("conventional"))
    unknown.update(bad)
    info = source_info(SOURCE)
    b.add_sanction(
        authority=info.authority,
        list_name=LIST_NAME,
        programs=[CONCERNS[c] for c in codes_found],
        listing_date=None,
        reason="Type of concern: " + ", ".join(f"{c} ({CONCERNS[c]})" for c in codes_found)
        if codes_found
        else None,
        measures=(MEASURE,),
        country=info.country,
    )
    where = country_lines[-1] if country_lines else "-"
    return b.build(source=source, source_id=f"{where}: {' '.join(fold(name).split())}", schema="Organization")


def _list_date(path: Path) -> str | None:
    m = _FILE_NAME.match(path.name)
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}" if m else None
