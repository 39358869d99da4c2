"""Who may do what: the one permission table every shell enforces (API routes, web pages, their forms).

A web user has a role (analyst, reviewer, admin); an API key has a scope (screen, reviewer, admin), and a
'screen' key may do what an analyst may. Roles are ranked: each may do everything the one below it may.
Each action names the least role that may do it; the README's permission table is this one.
"""

from __future__ import annotations

from dataclasses import dataclass

from embargo.errors import EmbargoError

RANKS = {"analyst": 0, "reviewer": 1, "admin": 2}
SCOPE_ROLES = {"screen": "analyst", "reviewer": "reviewer", "admin": "admin"}


class PermissionDenied(EmbargoError):
    """The credentials are valid but their role or scope may not do this."""


@dataclass(frozen=True)
class Permission:
    action: str
    least: str  # the least role that may do it
    what: str  # what it covers, for the README and the error messages


PERMISSIONS = {
    p.action: p
    for p in (
        Permission("screen", "analyst", "screen names (/match, /screen, /search, the web search)"),
        Permission(
            "read",
            "analyst",
            "read lists, diffs, entities and their history, digests, timelines, the portfolio, alerts",
        ),
        Permission("decide", "reviewer", "decide alerts (four-eyes confirmations too) and comment on them"),
        Permission(
            "admin",
            "admin",
            "manage API keys and users, change the portfolio, run monitoring, export the audit trail, "
            "reload the index",
        ),
    )
}


def allows(grant: str, action: str) -> bool:
    """Whether a role or key scope may do ``action`` (a key of :data:`PERMISSIONS`)."""
    return RANKS.get(SCOPE_ROLES.get(grant, grant), -1) >= RANKS[PERMISSIONS[action].least]


def check(grant: str, action: str, who: str) -> None:
    """PermissionDenied unless ``grant`` allows ``action``; ``who`` names the credentials, e.g.
    "key 1a2b3c4d (scope 'screen')", and the message says what is needed instead."""
    if allows(grant, action):
        return
    need = RANKS[PERMISSIONS[action].least]
    better = " or ".join(r for r, rank in RANKS.items() if rank >= need)
    raise PermissionDenied(f"{who} may not {PERMISSIONS[action].what}; that needs the role or scope {better}")
