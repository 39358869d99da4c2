"""Weak evidence: pairs that may be one party, proposed to a reviewer with their explanation, never merged.

* ``name_birth_year_country``: two persons whose names the screening matcher scores high, born the same
  year (or on the same day) and sharing a nationality or country;
* ``org_name_country``: two organisations of the same name (legal forms aside) sharing a country.

A country is a nationality, a country of address or of birth, or the country of a list's regime
(Canada's "Russia" regime). Only pairs of entities of different lists in different groups are proposed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping

from embargo.match.algorithm import PreparedQuery, score
from embargo.match.types import Query
from embargo.model import Entity
from embargo.resolve.groups import disagreement, schema_class
from embargo.resolve.keys import RESOLVED_NAMES, full_dates
from embargo.resolve.types import Evidence, Proposal
from embargo.text.countries import country_code
from embargo.text.legal_forms import is_form_word
from embargo.text.names import name_tokens

NAME_THRESHOLD = 0.85  # the matcher's name score from which a pair is worth a reviewer's look
_MIN_TOKEN = 3
_MAX_BLOCK = 200  # a block this large is a common word and a common year: no evidence at all

# weak proposals are scored with the version their precision was measured with (bench/resolution.py)
WEAK_ALGORITHM = "embargo-v2"


def countries(entity: Entity) -> frozenset[str]:
    """Nationalities, countries, birth countries and the countries of the entity's regimes."""
    found = set(entity.nationalities) | set(entity.countries) | set(entity.prop("birthCountry"))
    for sanction in entity.sanctions:
        for program in sanction.programs:
            code = _regime_country(program)
            if code:
                found.add(code)
    return frozenset(found)


def _regime_country(program: str) -> str | None:
    """The country a regime is named after (``Russia``, ``Iran``); programme codes and titles of several
    words (``UKRAINE-EO13661``, ``Counter-Terrorism (International)``) name none."""
    if len(program.split()) > 2 or any(c.isdigit() or c in "-()/" for c in program):
        return None
    return country_code(program)


def resolved_names(entity: Entity, kinds: frozenset[str] = RESOLVED_NAMES) -> tuple[str, ...]:
    return tuple(n.value for n in entity.names if n.kind in kinds)


class NameScorer:
    """The screening matcher's name score of two entities (best pair of names), with its explanation.
    ``kinds``: the kinds of the first entity's names compared (by default, not weak a.k.a.s nor former
    names: they name no one for a merge, though they may confirm one)."""

    def __init__(self, algorithm: str = WEAK_ALGORITHM, kinds: frozenset[str] = RESOLVED_NAMES) -> None:
        self.algorithm = algorithm
        self.kinds = kinds
        self._queries: dict[str, PreparedQuery] = {}

    def __call__(self, a: Entity, b: Entity) -> tuple[float, str]:
        pq = self._queries.get(a.id)
        if pq is None:
            pq = PreparedQuery.of(Query(names=resolved_names(a, self.kinds) or (a.caption,), schema=a.schema))
            self._queries[a.id] = pq
        m = score(pq, b, self.algorithm, explain=True)
        named = [c for c in m.explanation if c.feature == "name"]
        if named:
            c = max(named, key=lambda c: c.similarity)
            return m.score, f"names {c.query_value!r} / {c.list_value!r} score {m.score:.2f}"
        return m.score, f"names score {m.score:.2f}"


def proposals(
    entities: Mapping[str, Entity],
    apart: Callable[[str, str], bool],
    scorer: NameScorer,
    only: frozenset[str] | None = None,
) -> list[Proposal]:
    """Weak pairs, best score first; ``apart(a, b)`` says whether a pair may still be proposed (not one
    group already, not judged not the same); ``only``: just the pairs that name one of these ids."""
    out: dict[tuple[str, str], Proposal] = {}
    for kind, a, b, why in _candidates(entities):
        pair = (a.id, b.id) if a.id < b.id else (b.id, a.id)
        if only is not None and a.id not in only and b.id not in only:
            continue
        if pair in out or not apart(*pair):
            continue
        value, detail = scorer(a, b)
        if value < NAME_THRESHOLD:
            continue
        evidence = Evidence(kind, why, "weak", pair, f"{detail}; {why}")
        out[pair] = Proposal(pair[0], pair[1], evidence, value)
    return sorted(out.values(), key=lambda p: (-p.score, p.left, p.right))


def _candidates(entities: Mapping[str, Entity]) -> Iterator[tuple[str, Entity, Entity, str]]:
    people: dict[tuple[str, str], list[Entity]] = defaultdict(list)
    orgs: dict[str, list[Entity]] = defaultdict(list)
    where = {e.id: countries(e) for e in entities.values()}
    for e in entities.values():
        if e.schema == "Person":
            years = {d[:4] for d in e.birth_dates}
            tokens = {t for n in resolved_names(e) for t in name_tokens(n) if len(t) >= _MIN_TOKEN}
            for y in years:
                for t in tokens:
                    people[(y, t)].append(e)
        elif schema_class(e.schema) == "org":
            for key in {_org_key(n) for n in resolved_names(e)}:
                if key:
                    orgs[key].append(e)
    for (year, _), block in people.items():
        for a, b in _pairs(block):
            why = _person_reason(a, b, year, where[a.id] & where[b.id])
            if why:
                yield "name_birth_year_country", a, b, why
    for key, block in orgs.items():
        for a, b in _pairs(block):
            shared = where[a.id] & where[b.id]
            if shared:
                yield "org_name_country", a, b, f"same name {key!r}, country {', '.join(sorted(shared))}"


def _pairs(block: list[Entity]) -> Iterable[tuple[Entity, Entity]]:
    if len(block) > _MAX_BLOCK:
        return
    for i, a in enumerate(block):
        for b in block[i + 1 :]:
            if a.source != b.source:
                yield a, b


def _person_reason(a: Entity, b: Entity, year: str, shared: frozenset[str]) -> str | None:
    same_day = full_dates(a) & full_dates(b)
    if not same_day and not shared:
        return None
    if disagreement(a, b, "name_birth_date"):
        return None
    if same_day:
        return f"born {min(same_day)}"
    if shared:
        return f"born {year}, country {', '.join(sorted(shared))}"
    return None


def _org_key(name: str) -> str:
    """An organisation's name words without its legal form, sorted."""
    return " ".join(sorted(t for t in name_tokens(name) if not is_form_word(t)))
