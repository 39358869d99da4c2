"""Prepared names as the compiled scoring reads them: one ``View`` per name, with the rarity of its words.

A view is made once per name and index (``names._view``, C): the name's tokens, roles, rarity and script
flags read from the Python objects into arrays, so that scoring a pair of names (``match._align``) reads
no Python attribute. The index keeps the views of its listed names; a query's are made per query. Without
the compiled core there are no views (None), and ``match.names`` scores in Python.
"""

from __future__ import annotations

from collections.abc import Callable

from embargo.names.prepare import PreparedName

try:
    from embargo.names import _view
except ImportError:  # no compiled core (not built, or EMBARGO_NATIVE=0)
    _view = None  # type: ignore[assignment]

Rarity = Callable[[str], float]


def flat(_token: str) -> float:
    """Every word equally rare: the rarity of a name compared outside an index."""
    return 1.0


def name_view(name: PreparedName, rarity: Rarity | None) -> _view.View | None:
    """``name`` as the compiled scoring reads it, with the ``rarity`` of its name words (every other word
    counts 1.0); None without the compiled core."""
    if _view is None:
        return None
    rare = rarity or flat
    return _view.View(
        name.tokens,
        name.roles,
        tuple([rare(t.text) if r == "name" else 1.0 for t, r in zip(name.tokens, name.roles, strict=True)]),
        name.syllabic,
        name.abjad,
        name.joined,
    )


def table_view(name: PreparedName, rarity: dict[str, float], unknown: float) -> _view.View | None:
    """``name_view(name, lambda w: rarity.get(w, unknown))``, read from ``name`` in C: how an index gives
    its names and a query's their views (None without the compiled core)."""
    return _view.view_of(name, rarity, unknown) if _view is not None else None
