"""The change policy: a new version that removes or strips (loses names of) more listed parties than
allowed is held back, not in force, until an admin releases it. See ``resources/change_policy.yml``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from embargo.errors import EmbargoError
from embargo.model import Entity
from embargo.store import Store, Version

# dates that earn the monthly allowance: printed in the file or given by the operator
TRUSTED_ORIGINS = frozenset({"file", "folder", "as-of"})
DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True)
class ChangePolicy:
    share: float = 0.02
    count: int = 5
    monthly_share: float = 0.01
    max_months: float = 36.0

    def allowance(self, size: int, months: float) -> int:
        base = max(self.count, self.share * size)
        return int(base + self.monthly_share * size * min(max(months, 0.0), self.max_months))


@dataclass(frozen=True)
class Change:
    """What a new version does to the parties of the version in force before it."""

    size: int  # parties in force
    removed: int
    stripped: int  # parties kept whose names lost at least one value
    names_compared: bool  # False when the two versions are different file sets (names not comparable)
    months: float  # time credit earned (0 for an untrusted date)
    allowance: int

    @property
    def lost(self) -> int:
        return self.removed + self.stripped

    @property
    def exceeds(self) -> bool:
        return self.lost > self.allowance

    def reason(self, source: str, previous: Version) -> str:
        pct = 100 * self.lost / self.size if self.size else 100.0
        strip = f" and strips names from {self.stripped}" if self.stripped else ""
        credit = f", {self.months:.1f} months after it" if self.months else ""
        return (
            f"removes {self.removed}{strip} of the {self.size} parties in force ({pct:.1f}%, version "
            f"{previous.id} of {previous.publish_date}); the change policy of {source} allows {self.allowance}"
            f"{credit}: held, not in force, until released"
        )


@lru_cache(maxsize=8)
def _load(path: str | None) -> dict[str, Any]:
    text = resources.files("embargo.resources").joinpath("change_policy.yml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    if path:
        try:
            extra = yaml.safe_load(Path(path).read_text("utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise EmbargoError(f"{path}: cannot read the change policy ({exc})") from exc
        data = {
            "default": {**data.get("default", {}), **(extra.get("default") or {})},
            "sources": {**(data.get("sources") or {}), **(extra.get("sources") or {})},
        }
    return data


def policy_for(source: str) -> ChangePolicy:
    data = _load(os.environ.get("EMBARGO_CHANGE_POLICY"))
    merged = {**data.get("default", {}), **((data.get("sources") or {}).get(source) or {})}
    try:
        return ChangePolicy(
            share=float(merged["share"]),
            count=int(merged["count"]),
            monthly_share=float(merged["monthly_share"]),
            max_months=float(merged["max_months"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise EmbargoError(f"change policy of {source}: bad or missing setting ({exc})") from exc


def assess(
    store: Store,
    previous: Version,
    members: dict[str, str],
    entities: list[Entity],
    files: tuple[Path, ...],
    publish_date: str,
    origin: str,
) -> Change:
    """Compare a new publication (its members and entities) with ``previous``, the version in force."""
    before = store.members(previous.id)
    removed = len(before.keys() - members.keys())
    comparable = _file_set(previous.files) == _file_set(files)
    stripped = 0
    if comparable:
        changed = [k for k in before.keys() & members.keys() if before[k] != members[k]]
        old = store.states(before[k] for k in changed)
        new = {e.id: e for e in entities}
        for k in changed:
            was = {n.value for n in old[before[k]].names}
            if was - {n.value for n in new[k].names}:
                stripped += 1
    months = 0.0
    if origin in TRUSTED_ORIGINS:
        days = (date.fromisoformat(publish_date) - date.fromisoformat(previous.publish_date)).days
        months = max(days, 0) / DAYS_PER_MONTH
    policy = policy_for(previous.source)
    allowance = policy.allowance(len(before), months)
    return Change(len(before), removed, stripped, comparable, round(months, 1), allowance)


def _file_set(files: tuple[str, ...] | tuple[Path, ...]) -> list[str]:
    return sorted(Path(f).name.lower() for f in files)


__all__ = ["Change", "ChangePolicy", "assess", "policy_for"]
