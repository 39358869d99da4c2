"""Reviewers' judgements in the store's SQLite file: one current judgement per pair, every one on record."""

from __future__ import annotations

from pathlib import Path

import pytest

from embargo.errors import StoreError
from embargo.store import SQLiteStore
from embargo.store.judgements import SQLiteJudgements


def test_judgements_live_in_the_store_file_beside_the_versions(tmp_path: Path) -> None:
    db = tmp_path / "embargo.db"
    store = SQLiteStore(db)
    js = SQLiteJudgements(db)
    first = js.judge("us-ofac-sdn-2", "uk-ofsi-1", "same", user="ana", reason="same passport")
    assert first.pair == ("uk-ofsi-1", "us-ofac-sdn-2")  # stored in one order
    js.judge("uk-ofsi-1", "us-ofac-sdn-2", "not_same", user="bo", reason="different fathers")
    js.close()
    assert store.versions() == []  # the store's own tables are untouched and usable
    store.close()
    reopened = SQLiteJudgements(db)
    current = reopened.judgements()
    assert [(j.verdict, j.user, j.reason) for j in current] == [("not_same", "bo", "different fathers")]
    history = reopened.history("us-ofac-sdn-2", "uk-ofsi-1")
    assert [j.verdict for j in history] == ["same", "not_same"]
    assert reopened.retract("uk-ofsi-1", "us-ofac-sdn-2") is True
    assert reopened.retract("uk-ofsi-1", "us-ofac-sdn-2") is False
    assert reopened.judgements() == [] and len(reopened.history("uk-ofsi-1", "us-ofac-sdn-2")) == 2
    reopened.close()


def test_a_bad_judgement_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    js = SQLiteJudgements(tmp_path / "j.db")
    with pytest.raises(StoreError, match="against itself"):
        js.judge("a", "a", "same", user="ana", reason="")
    with pytest.raises(StoreError, match="unknown verdict 'maybe'"):
        js.judge("a", "b", "maybe", user="ana", reason="")  # type: ignore[arg-type]
    with pytest.raises(StoreError, match="who made it"):
        js.judge("a", "b", "same", user=" ", reason="")
    assert js.judgements() == []
    js.close()


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("not sqlite at all, just some text " * 100)
    with pytest.raises(StoreError, match=r"notes\.db: cannot keep judgements there"):
        SQLiteJudgements(bad)
