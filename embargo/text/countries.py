"""Country names and codes as lists print them, to ISO 3166-1 alpha-2 (lower case, FtM style).

Uses FollowTheMoney's country type (backed by rigour's territory data), the field's reference.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=8192)
def country_code(text: str | None) -> str | None:
    """'Russia' / 'Russian Federation' / 'RU' / 'Iran (Islamic Republic of)' -> 'ru' / 'ir'."""
    if text is None:
        return None
    s = " ".join(text.split()).strip(" .,;")
    if not s:
        return None
    from followthemoney.types import registry

    code = registry.country.clean(s)
    if code is None and "," in s:
        # "Korea, North" style is handled by FtM; "Moscow, Russia" is not: take the last part.
        code = registry.country.clean(s.rsplit(",", 1)[-1].strip())
    return str(code) if code else None
