"""Resolution over real lists: one party per person or company, each merge explained, any input order."""

from __future__ import annotations

import random

from embargo.resolve import Resolution, resolve
from embargo.resolve.keys import un_ref
from embargo.service import Service
from embargo.store import SQLiteStore

from .conftest import ROGOZIN


def test_rogozin_is_one_party_of_his_five_listings(resolved: Resolution) -> None:
    party = resolved.party_of("us-ofac-sdn-16649")
    assert party is not None
    assert set(party.members) == ROGOZIN
    assert party.id.startswith("embargo-party-") and party.tier == "strong"
    kinds = {e.kind for e in party.evidence}
    # the CSL row mirrors the SDN id; UK, Australia and the US agree on name and date of birth; Canada
    # gives his full name alone
    assert {"ofac_id", "name_birth_date", "full_name"} <= kinds
    assert next(e for e in party.evidence if e.kind == "ofac_id").members == (
        "us-ofac-sdn-16649",
        "us-trade-csl-SDN-16649",
    )
    assert all(resolved.canonical(m) == party.id for m in ROGOZIN)
    assert resolved.canonical("us-ofac-sdn-10000") in (
        "us-ofac-sdn-10000",
        resolved.canonical("us-ofac-sdn-10000"),
    )


def test_every_party_is_explained_and_holds_one_entry_per_list(resolved: Resolution) -> None:
    assert len(resolved.parties) > 5000
    for party in resolved.parties:
        named = set().union(*(e.members for e in party.evidence))
        assert set(party.members) <= named, party.id
        lists = [resolved.entities[m].source for m in party.members if not m.startswith("us-trade-csl-")]
        assert len(lists) == len(set(lists)), party.id
        assert {resolved.entities[m].schema == "Person" for m in party.members} in ({True}, {False})


def test_uk_entries_carrying_a_un_reference_join_the_un_entry(resolved: Resolution) -> None:
    uk = [e for e in resolved.entities.values() if e.source == "uk_ofsi"]
    pairs = [
        (e.id, f"un-sc-{ref}")
        for e in uk
        for i in e.identifiers
        if i.note == "UN Ref" and (ref := un_ref(i.value)) and f"un-sc-{ref}" in resolved.entities
    ]
    joined = [p for p in pairs if resolved.canonical(p[0]) == resolved.canonical(p[1])]
    assert len(pairs) > 800
    # the rest: a reference that two UK entries carry (a DPRK company and its vessels) names no one
    assert len(joined) / len(pairs) > 0.95
    apart = [p for p in pairs if p not in joined]
    for uk_id, _ in apart:
        refs = {i.value for i in resolved.entities[uk_id].identifiers if i.note == "UN Ref"}
        carriers = [e.id for e in uk if refs & {i.value for i in e.identifiers if i.note == "UN Ref"}]
        assert len(carriers) >= 2, uk_id


def test_japan_mof_entries_are_linked_to_other_lists(resolved: Resolution) -> None:
    linked = {p.id for p in resolved.parties if any(m.startswith("jp-mof-") for m in p.members)}
    assert len(linked) > 800
    # TAi.033 on the UN list, and on the UK, Australian and Japanese lists
    party = resolved.party_of("un-sc-TAi.033")
    assert party is not None
    assert {"uk-ofsi-7557", "au-dfat-33", "jp-mof-2-33"} <= set(party.members)


def test_weak_evidence_only_proposes_with_its_explanation(resolved: Resolution) -> None:
    assert len(resolved.proposals) > 1000
    assert {p.evidence.kind for p in resolved.proposals} == {"name_birth_year_country", "org_name_country"}
    for p in resolved.proposals:
        assert resolved.canonical(p.left) != resolved.canonical(p.right)
        assert p.evidence.tier == "weak" and "score" in p.evidence.detail and p.score >= 0.85
        assert resolved.entities[p.left].source != resolved.entities[p.right].source
    scores = [p.score for p in resolved.proposals]
    assert scores == sorted(scores, reverse=True)
    # one name (no full name to merge on), born in 1968 by both lists, Afghan by both: proposed only
    shams = next(p for p in resolved.proposals if (p.left, p.right) == ("au-dfat-103", "jp-mof-2-105"))
    assert shams.evidence.kind == "name_birth_year_country"
    assert "born 1968, country af" in shams.evidence.detail and "SHAMSUDDIN" in shams.evidence.detail


def test_the_same_groups_and_ids_whatever_the_order_of_the_entities(
    service: Service, resolved: Resolution
) -> None:
    entities = list(resolved.entities.values())
    random.Random(3).shuffle(entities)
    again = resolve(entities, weak=False)
    assert [(p.id, p.members) for p in again.parties] == [(p.id, p.members) for p in resolved.parties]
    assert [p.evidence for p in again.parties] == [p.evidence for p in resolved.parties]


def test_judgements_split_and_join_parties(resolved: Resolution) -> None:
    js = SQLiteStore(":memory:").judgements
    apart = js.judge("uk-ofsi-12935", "us-ofac-sdn-16649", "not_same", user="ana", reason="test")
    proposal = resolved.proposals[0]
    joined = js.judge(proposal.left, proposal.right, "same", user="ana", reason="same file number")
    res = resolve(resolved.entities.values(), [apart, joined], weak=False)
    assert res.canonical("uk-ofsi-12935") != res.canonical("us-ofac-sdn-16649")
    assert any(r.reason == "judged not the same" for r in res.refusals)
    party = res.party_of(proposal.left)
    assert party is not None and proposal.right in party.members and party.tier == "judged"
    assert any(e.kind == "judgement" and "ana" in e.detail for e in party.evidence)
