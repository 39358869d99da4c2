from collections.abc import Sequence
from typing import Literal, overload

from embargo.match.names import NameParams
from embargo.names._view import View
from embargo.names.prepare import Token

# an explained score: (score, query coverage, listed coverage, ((query token, listed token, similarity, how), ...))
Aligned = tuple[float, float, float, Sequence[tuple[int, int, float, str]]]

class Params:
    """One NameParams read by field name, with the memo of how tokens met (at most ``memo_max`` pairs)."""

    def __init__(self, name_params: NameParams, memo_max: int, /) -> None: ...

@overload
def score(
    params: Params,
    query_view: View,
    listed_view: View,
    query_tokens: tuple[Token, ...] | None,
    listed_tokens: tuple[Token, ...] | None,
    person: bool,
    at_least: float,
    explain: Literal[False],
    may_join: bool,
    /,
) -> float | None: ...
@overload
def score(
    params: Params,
    query_view: View,
    listed_view: View,
    query_tokens: tuple[Token, ...] | None,
    listed_tokens: tuple[Token, ...] | None,
    person: bool,
    at_least: float,
    explain: Literal[True],
    may_join: bool,
    /,
) -> Aligned | None: ...
@overload
def score(
    params: Params,
    query_view: View,
    listed_view: View,
    query_tokens: tuple[Token, ...] | None,
    listed_tokens: tuple[Token, ...] | None,
    person: bool,
    at_least: float,
    explain: bool,
    may_join: bool,
    /,
) -> float | Aligned | None: ...
def best_many(
    params: Params,
    query_views: list[View | None],
    candidates: list[tuple[int, tuple[int, ...]]],
    views: list[View | None],
    kinds: list[str],
    factors: dict[str, float],
    schemas: list[str],
    person: str,
    need: float,
    keep: float,
    own: int = -1,
    read: float = 1.0,
    /,
) -> tuple[list[tuple[int, float, int, int]], list[int]]: ...
def similarity(
    params: Params,
    query_view: View,
    i: int,
    listed_view: View,
    j: int,
    last: bool,
    syllabic: bool,
    abjad: bool,
    /,
) -> tuple[float, str]: ...
