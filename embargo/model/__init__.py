"""The entity model (FollowTheMoney-compatible)."""

from embargo.model.entity import (
    ID_TYPES,
    NAME_KINDS,
    SCHEMAS,
    SECTORS,
    Address,
    Entity,
    Identifier,
    IdType,
    Name,
    NameKind,
    Sanction,
    Schema,
    canonical_json,
    entity_from_dict,
    entity_to_dict,
    make_entity,
)
from embargo.model.ids import make_id

__all__ = [
    "ID_TYPES",
    "NAME_KINDS",
    "SCHEMAS",
    "SECTORS",
    "Address",
    "Entity",
    "IdType",
    "Identifier",
    "Name",
    "NameKind",
    "Sanction",
    "Schema",
    "canonical_json",
    "entity_from_dict",
    "entity_to_dict",
    "make_entity",
    "make_id",
]
