"""Screening results in yente's shape: the listed entity as FollowTheMoney, plus score and explanation."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from embargo.match.types import Match, Query
from embargo.model import Entity
from embargo.model.ftm import to_ftm
from embargo.service.parties import PartyResult
from embargo.service.snapshot import ScreenResult


@lru_cache(maxsize=20_000)
def _ftm(entity: Entity) -> dict[str, Any]:
    # entities are frozen: the same state always exports the same FtM record
    rec = to_ftm(entity)[0]
    return {"id": rec["id"], "schema": rec["schema"], "properties": rec.get("properties", {})}


def ftm_entity(entity: Entity) -> dict[str, Any]:
    """The entity as a yente ``EntityResponse``: FtM id, schema and properties, caption, datasets."""
    return {
        **_ftm(entity),
        "caption": entity.caption,
        "datasets": [entity.source],
        "referents": [],
        "target": True,
    }


def scored_entity(m: Match) -> dict[str, Any]:
    """A yente ``ScoredEntityResponse`` with embargo's explanation (per feature: which values met)."""
    features: dict[str, float] = {}
    for c in m.explanation:
        features[c.feature] = round(features.get(c.feature, 0.0) + c.weight, 4)
    return {
        **ftm_entity(m.entity),
        "score": round(m.score, 4),
        "match": m.match,
        "features": features,
        "algorithm": m.algorithm,
        "explanation": [c.to_dict() for c in m.explanation],
    }


def scored_party(p: PartyResult) -> dict[str, Any]:
    """One party as yente serves a merged entity: its best listing's record under the party's canonical id,
    ``referents`` (every member's id; none for a party of one listing, as yente's unmerged entity) and ``datasets`` (the lists that name it, among those screened), with
    each listing's own scored result under ``listings`` and why the members are one party."""
    listings = [scored_entity(m) for m in p.listings]
    return {
        **listings[0],
        "id": p.id,
        "caption": p.caption,
        "score": round(p.score, 4),
        "match": p.match,
        "referents": list(p.referents),
        "datasets": list(p.datasets),
        "summary": p.summary(),
        "listings": listings,
        "evidence": [e.to_dict() for e in p.evidence],
    }


def scored_results(result: ScreenResult) -> list[dict[str, Any]]:
    """A screening's results: one per party when it was grouped, else one per listing."""
    if result.parties is not None:
        return [scored_party(p) for p in result.parties]
    return [scored_entity(m) for m in result.matches]


def query_dict(q: Query) -> dict[str, Any]:
    """What was screened, as the checks saw it (for responses and the audit log)."""
    return {
        "id": q.id,
        "names": list(q.names),
        "schema": q.schema,
        "birth_dates": list(q.birth_dates),
        "countries": list(q.countries),
        "identifiers": list(q.identifiers),
        "gender": q.gender,
    }
