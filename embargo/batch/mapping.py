"""Which input column holds what: flags, a small YAML file, or guesses from the header names.

A mapping names the columns of a customer book that carry a query's name, type, birth date,
country, identifiers, own id and gender; :meth:`Mapping.query` turns one row into a :class:`Query`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from embargo.batch.errors import BatchError
from embargo.match.types import Query
from embargo.service.screening import make_query
from embargo.text.dates import parse_date


def _w(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Header names (lower case, separators folded to "_") and what they carry, most telling first.
GUESSES: dict[str, tuple[str, ...]] = {
    "name": _w(
        "name full_name fullname names entity_name customer_name client_name party_name legal_name "
        "company company_name organisation organization organisation_name organization_name "
        "org_name business_name vessel vessel_name ship_name aircraft counterparty "
        "counterparty_name beneficiary beneficiary_name"
    ),
    "aliases": _w("alias aliases aka other_names alternate_name"),
    "type": _w("type schema entity_type party_type customer_type kind"),
    "birth_date": _w("birth_date birthdate dob date_of_birth born incorporation_date build_date"),
    "country": _w(
        "country nationality citizenship country_code jurisdiction flag country_of_residence "
        "residence_country country_of_incorporation"
    ),
    "id": _w("id query_id customer_id client_id record_id account_id reference ref"),
    "identifiers": _w(
        "identifier identifiers imo imo_number passport passport_number passport_no registration "
        "registration_number reg_no company_number tax_id tax_number vat inn ogrn lei swift bic "
        "swift_bic mmsi id_number national_id"
    ),
    "gender": _w("gender sex"),
}
FLAGS = {
    "name": "--name-col",
    "aliases": "mapping 'aliases'",
    "type": "--type-col",
    "birth_date": "--birth-date-col",
    "country": "--country-col",
    "id": "--id-col",
    "identifiers": "--ident-col",
    "gender": "mapping 'gender'",
}
MULTI = ("aliases", "country", "identifiers")


def fold(header: str) -> str:
    return re.sub(r"[\s\-./]+", "_", header.strip().lower()).strip("_")


@dataclass(frozen=True)
class Mapping:
    """Column names per field; ``None`` / empty means the field is not in the input."""

    name: str | None = None
    aliases: tuple[str, ...] = ()
    type: str | None = None
    birth_date: str | None = None
    country: tuple[str, ...] = ()
    id: str | None = None
    identifiers: tuple[str, ...] = ()
    gender: str | None = None
    # positions of the columns above in the input header, set by ``resolve``
    positions: dict[str, int] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) if k not in MULTI else list(getattr(self, k)) for k in FLAGS}

    @classmethod
    def from_yaml(cls, path: Path) -> Mapping:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise BatchError(f"{path}: cannot read the mapping ({exc})") from None
        if not isinstance(data, dict):
            raise BatchError(f"{path}: a mapping is 'field: column' lines (fields: {', '.join(FLAGS)})")
        unknown = sorted(set(data) - set(FLAGS))
        if unknown:
            raise BatchError(f"{path}: unknown field {unknown[0]!r} (fields: {', '.join(FLAGS)})")
        kw: dict[str, Any] = {}
        for key, value in data.items():
            if key in MULTI:
                kw[key] = tuple(str(v) for v in (value if isinstance(value, list) else [value]))
            elif value is not None:
                kw[key] = str(value)
        return cls(**kw)

    def merged(self, other: Mapping) -> Mapping:
        """``other``'s fields where set, else this mapping's."""
        kw = {k: getattr(other, k) or getattr(self, k) for k in FLAGS}
        return Mapping(**kw)

    def resolve(self, columns: Sequence[str], where: str) -> Mapping:
        """Check the named columns exist, guess the rest from the header; positions filled in."""
        folded = {fold(c): c for c in reversed(columns)}
        guessed: dict[str, Any] = {}
        taken = {c for k in FLAGS for c in self._cols(k)}
        for key, names in GUESSES.items():
            if self._cols(key):
                continue
            hits = [folded[n] for n in names if n in folded and folded[n] not in taken]
            if key in MULTI:
                guessed[key] = tuple(hits)
            elif hits:
                guessed[key] = hits[0]
            taken.update(hits[:1] if key not in MULTI else hits)
        m = replace(self, **guessed)
        positions: dict[str, int] = {}
        index = {c: i for i, c in reversed(list(enumerate(columns)))}
        for key in FLAGS:
            for col in m._cols(key):
                if col not in index:
                    raise BatchError(
                        f"{where}: column {col!r} ({FLAGS[key]}) is not in the input; "
                        f"columns: {', '.join(columns)}"
                    )
                positions[col] = index[col]
        if not m.name and not m.identifiers:
            raise BatchError(
                f"{where}: no name column found (columns: {', '.join(columns)}); "
                "name it with --name-col or --mapping"
            )
        return replace(m, positions=positions)

    def _cols(self, key: str) -> tuple[str, ...]:
        value = getattr(self, key)
        if key in MULTI:
            return tuple(value)
        return (value,) if value else ()

    def query(self, cells: Sequence[str | None], line: int) -> Query:
        """The row's query (QueryError says what is wrong with it)."""
        return self.noted_query(cells, line)[0]

    def noted_query(self, cells: Sequence[str | None], line: int) -> tuple[Query, tuple[str, ...]]:
        """The row's query, and what was left out of it: a birth date that is no date ("1968-13-30") is
        reported and the row screened on the rest (QueryError says what else is wrong with a row)."""

        def get(col: str | None) -> list[str]:
            if not col:
                return []
            v = cells[self.positions[col]] if self.positions[col] < len(cells) else None
            return [v.strip()] if v and v.strip() else []

        def many(cols: tuple[str, ...]) -> list[str]:
            return [v for c in cols for v in get(c)]

        ident = get(self.id)
        dates = get(self.birth_date)
        bad = [d for d in dates if parse_date(d, dayfirst=True) is None]
        notes = tuple(f"birth date {d!r} is not a date: screened without it" for d in bad)
        query = make_query(
            get(self.name) + _split(many(self.aliases)),
            schema=next(iter(get(self.type)), None),
            birth_dates=[d for d in dates if d not in bad],
            countries=many(self.country),
            identifiers=many(self.identifiers),
            gender=next(iter(get(self.gender)), None),
            query_id=ident[0] if ident else str(line),
        )
        return query, notes


def _split(values: list[str]) -> list[str]:
    return [p.strip() for v in values for p in v.split(";") if p.strip()]


@dataclass(frozen=True, slots=True)
class Row:
    """A readable input row: where it was, its query, and its cells as they appear in the output."""

    line: int
    query: Query
    cells: tuple[str | None, ...]
    notes: tuple[str, ...] = ()  # what was left out of the query, and why (reported beside the rejects)


def yente_cells(q: Query) -> tuple[str | None, ...]:
    """The output cells of a yente-shaped query (``reader.YENTE_COLUMNS``)."""
    return tuple(
        "; ".join(v) or None for v in (q.names, (q.schema or "",), q.birth_dates, q.countries, q.identifiers)
    )
