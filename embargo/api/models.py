"""Request and response shapes of the HTTP API (pydantic lives here, at the edge, and nowhere else).

The /match shapes follow yente's: ``{"queries": {"key": {"schema", "properties"}}}`` in,
``{"responses": {"key": {"status", "results", "total", "query"}}, "limit"}`` out.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

MAX_QUERIES = 50  # per /match request
MAX_VALUE_CHARS = 2000  # any one property value; names are further held to 500 by the query check

PropValues = list[str | int | float] | str

ROGOZIN: dict[str, Any] = {
    "schema": "Person",
    "properties": {"name": ["Dmitry Rogozin"], "birthDate": ["1963-12-21"], "nationality": ["ru"]},
}


class ErrorResponse(BaseModel):
    detail: str = Field(..., examples=["name is 10000 characters long; the limit is 500"])


class EntityExample(BaseModel):
    """One query entity in FollowTheMoney shape."""

    model_config = ConfigDict(populate_by_name=True, json_schema_extra={"examples": [ROGOZIN]})

    id: str | None = Field(None, max_length=200, examples=["my-entity-id"])
    schema_: str = Field(..., alias="schema", max_length=50, examples=["Person"])
    properties: dict[str, PropValues] = Field(
        default_factory=dict, max_length=60, examples=[{"name": ["John Doe"], "birthDate": ["1975-04-21"]}]
    )


class MatchRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "queries": {
                        "q1": ROGOZIN,
                        "q2": {"schema": "Company", "properties": {"name": ["Sovcomflot"]}},
                    }
                }
            ]
        }
    )

    queries: dict[str, EntityExample] = Field(..., min_length=1, max_length=MAX_QUERIES)
    weights: dict[str, float] = Field(
        default_factory=dict, description="Accepted for yente compatibility; ignored."
    )


class ScreenRequest(BaseModel):
    """One query in embargo's own shape."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"name": "Dmitri Rogosin", "type": "person", "birth_dates": ["1963"], "as_of": "2022-03-01"}
            ]
        }
    )

    name: str = Field(..., min_length=1, max_length=MAX_VALUE_CHARS, examples=["Dmitri Rogosin"])
    type: str | None = Field(None, max_length=50, examples=["person"])
    birth_dates: list[str] = Field(default_factory=list, max_length=20)
    countries: list[str] = Field(default_factory=list, max_length=20)
    identifiers: list[str] = Field(default_factory=list, max_length=20)
    gender: str | None = Field(None, max_length=20)
    as_of: str | None = Field(None, max_length=10, examples=["2022-03-01"], description="YYYY-MM-DD")
    sources: list[str] | None = Field(None, max_length=50, examples=[["us_ofac_sdn"]])
    threshold: float | None = Field(None, ge=0.0, le=1.0)
    limit: int = Field(10, ge=1, le=100, description="At most this many parties (or listings)")
    algorithm: str | None = Field(None, max_length=50)
    listings: bool = Field(False, description="One result per listing: no grouping by party")


class Contribution(BaseModel):
    feature: str
    query_value: str | None
    list_value: str | None
    similarity: float
    weight: float
    detail: str


class ScoredEntity(BaseModel):
    id: str
    caption: str
    schema_: str = Field(..., alias="schema")
    properties: dict[str, list[Any]]
    datasets: list[str]
    referents: list[str] = []
    target: bool = True
    score: float
    match: bool
    features: dict[str, float]
    algorithm: str
    explanation: list[Contribution]
    summary: str | None = Field(
        None, description="A party: who lists it, e.g. `listed by US Treasury OFAC ...`"
    )
    listings: list[dict[str, Any]] | None = Field(None, description="A party: each listing's scored result")
    evidence: list[dict[str, Any]] | None = Field(None, description="A party: why its listings are one party")


class TotalSpec(BaseModel):
    value: int
    relation: str = "eq"


class EntityMatches(BaseModel):
    status: int = 200
    results: list[ScoredEntity]
    total: TotalSpec
    query: dict[str, Any]


class MatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    limit: int
    algorithm: str
    versions: list[dict[str, Any]] = Field(..., description="The list versions that answered.")


class SearchResponse(BaseModel):
    results: list[ScoredEntity]
    total: TotalSpec
    limit: int
    offset: int = 0
    versions: list[dict[str, Any]]


class ScreenResponse(BaseModel):
    query: dict[str, Any]
    algorithm: str
    threshold: float
    as_of: str | None
    versions: list[dict[str, Any]]
    matches: list[dict[str, Any]]
    parties: list[dict[str, Any]] | None = Field(
        None, description="One per party (with its listings), best first; null with `listings`"
    )


class AlgorithmModel(BaseModel):
    name: str
    description: str
    threshold: float


class AlgorithmResponse(BaseModel):
    algorithms: list[AlgorithmModel]
    default: str
    best: str


class DatasetModel(BaseModel):
    name: str
    title: str
    authority: str | None = None
    load: bool = True
    version: str
    children: list[str] = []
    versions: list[dict[str, Any]] = []


class CatalogResponse(BaseModel):
    datasets: list[DatasetModel]
    current: list[str]
    outdated: list[str] = []
    index_stale: bool = False


class StatusResponse(BaseModel):
    status: str = "ok"
    built_at: str | None = None
    entities: int | None = None
    detail: str | None = None
