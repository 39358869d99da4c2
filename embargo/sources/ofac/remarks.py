"""OFAC's Remarks field (legacy CSV), read into the same labelled facts as the XML editions.

The CSV packs most of what OFAC knows about a party into one ``;``-separated text, each part led
by a label::

    DOB 21 Dec 1963; POB Moscow, Russia; nationality Russia; Gender Male;
    Passport 123 (Russia) expires 2020; a.k.a. 'ROGOSIN'; Linked To: Y; IMO 9187629; ...

The labels and what they mean are the XML's (``embargo/resources/us_ofac_labels.yml``): this module
only finds where a label ends and its value begins, cleans the value the way the CSV prints it
(a document's country in a trailing parenthesis, issue and expiry dates inline, aliases in quotes)
and hands ``(label, value, country)`` to :meth:`Draft.labelled`, so one publication read from CSV
and from XML gets the same facts. A part no label explains goes to :meth:`Draft.free_text` and its
guessed label is returned, so a new label is noticed instead of silently dropped.
"""

from __future__ import annotations

import re
from functools import lru_cache

from embargo.sources.ofac.facts import Draft, label_names, rule_for
from embargo.sources.values import country_tail

__all__ = ["read_remarks", "split_remarks"]

_TRAILING_DOT = re.compile(r"(?<!\.[A-Za-z])\.+$")  # "Male." -> "Male", but "S.A." and "C.V." stay
_ABBREVIATION = re.compile(r"\b(?:co|ltd|inc|corp)\.$", re.IGNORECASE)  # "CO., LTD." stays
_LEADING_QUALIFIER = re.compile(r"^\([A-Za-z][^()]*\)\s+(?=\S*\d)")
_NUMBER_PREFIX = re.compile(r"^(?:#|No\.?:?)\s*")
_ISSUED_OTHER = re.compile(r"(?:^|\s+)issued\b", re.IGNORECASE)
_WHEN = r"(\d{1,2}\s+[A-Za-z]{3}\s+\d{4}|[A-Za-z]{3}\s+\d{4}|\d{4})\b"
_ISSUED = re.compile(r"(?:^|\s+)issued\s+(?:by\s+[^()]*?\s+)?(?:on\s+)?" + _WHEN)
_EXPIRES = re.compile(r"(?:^|\s+)expires\s+" + _WHEN)
# Labels whose wording varies inside the label itself (the list or directive a date belongs to,
# the currency of a wallet): matched by shape, then read by ``rule_for`` like any other label.
_OPEN_LABELS = (
    r"(?:Listing Date|Effective Date|Purchase/Sales For Divestment Date|Divestment Date)\s*\([^()]*\)",
    r"Digital Currency Address - [A-Za-z0-9]+",
)
# identifiers that always have a digit: a part without one says something else ("Passport issued in X")
_NUMBERED = frozenset(("passport", "national_id", "tax_id", "registration", "imo", "mmsi", "phone"))
# "Label 123..." or "Label: ..." shapes, used only to name an unknown label in the report.
_GUESS_LABEL = re.compile(r"^([A-Za-z][A-Za-z.'/&\- ]{1,60}?)\s*(?::|#|\(|\d)")


def strip_dot(value: str) -> str:
    """A value without the full stop that ends its sentence (an abbreviation keeps its own)."""
    value = value.strip()
    return value if _ABBREVIATION.search(value) else _TRAILING_DOT.sub("", value).strip()


@lru_cache(maxsize=1)
def _label_re() -> re.Pattern[str]:
    names = sorted(label_names(), key=len, reverse=True)
    alternatives = [*_OPEN_LABELS, *(re.escape(k) for k in names)]
    return re.compile(
        r"(?:alt\.\s+)?(" + "|".join(alternatives) + r")(?![A-Za-z])\s*[:\-]?\s*", re.IGNORECASE
    )


def split_remarks(text: str) -> list[str]:
    """Split on ``;`` (OFAC never puts one inside a value) and drop empty parts."""
    return [p.strip() for p in text.split(";") if p.strip()]


def read_remarks(text: str | None, draft: Draft, *, truncated: bool = False) -> list[str]:
    """Read one Remarks text into ``draft``; return the labels of parts no label explained.

    ``truncated``: the field was cut (OFAC's 1000-character limit with no comments file), so its
    last part is kept as a note, not read as a fact. The text's own closing full stop is not part
    of its last value.
    """
    parts = split_remarks(strip_dot(text or ""))
    if truncated and parts:
        draft.prop("notes", parts.pop())
    unknown: list[str] = []
    for part in parts:
        label = _read_part(draft, part)
        if label is not None:
            unknown.append(label)
    return unknown


def _read_part(draft: Draft, part: str) -> str | None:
    m = _label_re().match(part)
    if m is None:
        if draft.free_text(part):
            return None
        g = _GUESS_LABEL.match(part)
        return g.group(1).strip() if g and len(g.group(1).split()) <= 6 else "(free text)"
    label, value = m.group(1), part[m.end() :].strip()
    rule = rule_for(label)
    if rule.kind == "id":
        _identifier(draft, label, value, rule.arg)
    elif rule.kind == "weak_alias":
        draft.labelled(label, _quoted(value))
    else:
        draft.labelled(label, value)
    return None


def _identifier(draft: Draft, label: str, value: str, id_type: str) -> None:
    """A document's number, country and what else the part says ("issued in Amman"). The CSV
    prints issue and expiry dates inline; they become the note the XML gives them."""
    value = _NUMBER_PREFIX.sub("", strip_dot(value))
    issued, expires = _ISSUED.search(value), _EXPIRES.search(value)
    value = _ISSUED.sub("", _EXPIRES.sub("", value))
    number, country = country_tail(strip_dot(value))
    number = _LEADING_QUALIFIER.sub("", number)  # "(NUIT) 300000436" -> "300000436"
    rest = None
    m = _ISSUED_OTHER.search(number)
    if m:  # "4117921 issued under the name X" / "issued in Sarajevo"
        number, rest = number[: m.start()], number[m.start() :].strip()
    number = number.strip(" ,;:-")
    if rest:
        draft.prop("notes", f"{label} {number} {rest}".replace("  ", " "))
    if id_type in _NUMBERED and not any(ch.isdigit() for ch in number):
        if not rest:  # no number to keep: "Passport issued in Sarajevo"
            draft.prop("notes", strip_dot(f"{label} {value}"))
        return
    draft.labelled(label, number, country)
    draft.document_dates(label, number, issued and issued.group(1), expires and expires.group(1))


def _quoted(value: str) -> str | None:
    """The name inside single quotes: ``'ABU ALI'.`` -> ``ABU ALI`` (apostrophes inside are kept)."""
    first, last = value.find("'"), value.rfind("'")
    if first == -1:
        return strip_dot(value) or None
    if last == first:  # unterminated quote (a truncated field)
        return value[first + 1 :].strip() or None
    return value[first + 1 : last].strip() or None
