"""What a timeline or a digest groups entities by: authority, programme, sector, country, schema.

Facets are read from the entity as the list publishes it (its sanction records, countries, schema),
so a group is always something the list says, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from embargo.errors import StoreError
from embargo.model import Entity
from embargo.sources.catalog import SOURCES

BY: tuple[str, ...] = ("authority", "programme", "sector", "country", "schema")
NONE = {"programme": "(no programme)", "sector": "(no sector)", "country": "(no country)"}


@dataclass(frozen=True)
class Facets:
    """An entity's groups, each tuple in the list's order, once."""

    authority: tuple[str, ...]
    programme: tuple[str, ...]
    sector: tuple[str, ...]
    country: tuple[str, ...]
    schema: tuple[str, ...]

    def get(self, by: str) -> tuple[str, ...]:
        values: tuple[str, ...] = getattr(self, by)
        return values or (NONE.get(by, "(none)"),)


def _once(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def source_authority(source: str) -> str:
    info = SOURCES.get(source)
    return info.authority if info else source


def facets(entity: Entity) -> Facets:
    s = entity.sanctions
    return Facets(
        authority=_once([x.authority for x in s]) or (source_authority(entity.source),),
        programme=_once([p for x in s for p in x.programs]),
        sector=_once(sorted({t for x in s for t in x.sectors})),
        country=_once([c.upper() for c in (*entity.countries, *entity.nationalities)]),
        schema=(entity.schema,),
    )


def check_by(by: str) -> str:
    if by not in BY:
        raise StoreError(f"cannot group by {by!r} (use one of: {', '.join(BY)})")
    return by


def check_date(value: str | None, what: str) -> str | None:
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise StoreError(f"{what} {value!r} is not a date (expected YYYY-MM-DD)") from None


@dataclass(frozen=True)
class Filters:
    """Keep only entities with this authority / programme / sector (None: any)."""

    authority: str | None = None
    programme: str | None = None
    sector: str | None = None

    def keep(self, f: Facets) -> bool:
        return (
            (self.authority is None or self.authority in f.authority)
            and (self.programme is None or self.programme in f.programme)
            and (self.sector is None or self.sector in f.sector)
        )

    def to_dict(self) -> dict[str, str | None]:
        return {"authority": self.authority, "programme": self.programme, "sector": self.sector}
