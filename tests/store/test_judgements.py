"""Reviewers' judgements in the store's database, on every backend: one current judgement per pair, every
one on record, seen at once through another connection; a SQLite file written by the old judgement store
keeps them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from embargo.errors import StoreError
from embargo.store import Store, open_store
from tests.store.helpers import sqlite_file_at_4, together


def test_judgements_live_in_the_store_beside_the_versions(opened: Callable[[], Store]) -> None:
    store = opened()
    js = store.judgements
    first = js.judge("us-ofac-sdn-2", "uk-ofsi-1", "same", user="ana", reason="same passport")
    assert first.pair == ("uk-ofsi-1", "us-ofac-sdn-2")  # stored in one order
    js.judge("uk-ofsi-1", "us-ofac-sdn-2", "not_same", user="bo", reason="different fathers")
    assert store.versions() == []  # the store's own tables are untouched and usable
    store.close()
    reopened = opened().judgements
    current = reopened.judgements()
    assert [(j.verdict, j.user, j.reason) for j in current] == [("not_same", "bo", "different fathers")]
    history = reopened.history("us-ofac-sdn-2", "uk-ofsi-1")
    assert [j.verdict for j in history] == ["same", "not_same"]
    assert reopened.retract("uk-ofsi-1", "us-ofac-sdn-2") is True
    assert reopened.retract("uk-ofsi-1", "us-ofac-sdn-2") is False
    assert reopened.judgements() == [] and len(reopened.history("uk-ofsi-1", "us-ofac-sdn-2")) == 2


def test_a_judgement_through_one_connection_is_read_at_once_through_another(
    opened: Callable[[], Store],
) -> None:
    one, other = opened().judgements, opened().judgements
    assert other.judgements() == []
    one.judge("a-1", "b-2", "same", user="ana", reason="same ship")
    assert [(j.pair, j.verdict) for j in other.judgements()] == [(("a-1", "b-2"), "same")]
    other.judge("a-1", "b-2", "not_same", user="bo", reason="other owner")
    assert [j.verdict for j in one.judgements()] == ["not_same"]


def test_reviewers_judging_one_pair_at_once_leave_one_current_judgement(
    opened: Callable[[], Store],
) -> None:
    stores = [opened().judgements for _ in range(2)]

    def review(n: int) -> None:
        for i in range(15):
            stores[n].judge("a-1", "b-2", ("same", "not_same")[i % 2], user=f"r{n}", reason=str(i))

    together(lambda: review(0), lambda: review(1))
    assert len(stores[0].judgements()) == 1 and len(stores[1].history("a-1", "b-2")) == 30


def test_a_bad_judgement_is_refused_and_nothing_is_written(store: Store) -> None:
    js = store.judgements
    with pytest.raises(StoreError, match="against itself"):
        js.judge("a", "a", "same", user="ana", reason="")
    with pytest.raises(StoreError, match="unknown verdict 'maybe'"):
        js.judge("a", "b", "maybe", user="ana", reason="")  # type: ignore[arg-type]
    with pytest.raises(StoreError, match="who made it"):
        js.judge("a", "b", "same", user=" ", reason="")
    assert js.judgements() == []


OLD_JUDGEMENTS = """
CREATE TABLE party_judgements (
    id INTEGER PRIMARY KEY, left_id TEXT NOT NULL, right_id TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('same', 'not_same')), user TEXT NOT NULL, reason TEXT NOT NULL,
    created_at TEXT NOT NULL, retired_at TEXT, CHECK (left_id < right_id));
CREATE UNIQUE INDEX party_judgements_current ON party_judgements (left_id, right_id) WHERE retired_at IS NULL;
INSERT INTO party_judgements (left_id, right_id, verdict, user, reason, created_at)
    VALUES ('a-1', 'b-2', 'same', 'ana', 'same passport', '2026-01-02T00:00:00+00:00');
"""


def test_judgements_written_by_the_old_sqlite_store_are_kept(tmp_path: Path) -> None:
    db = tmp_path / "embargo.db"
    sqlite_file_at_4(db, OLD_JUDGEMENTS)
    store = open_store(db)
    try:
        [kept] = store.judgements.judgements()
        assert (kept.pair, kept.verdict, kept.user) == (("a-1", "b-2"), "same", "ana")
        store.judgements.judge("a-1", "b-2", "not_same", user="bo", reason="no")
        assert [j.verdict for j in store.judgements.history("a-1", "b-2")] == ["same", "not_same"]
    finally:
        store.close()
