"""In-memory candidate index over every name, alias and identifier of a set of entities.

Keys: each distinct name token (vocabulary), with side tables from phonetic key, consonant
skeleton and single-deletion neighbourhood (typos, transpositions) to vocabulary tokens, plus a
sorted vocabulary for prefixes (truncated names). A query token expands to vocabulary tokens with
an estimated similarity; their postings vote for entities, weighted by token rarity (IDF).
Identifiers (IMO, passport, tax id ...) are exact keys after normalisation.
"""

from __future__ import annotations

import bisect
import math
import re
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from embargo.match.prepare import PreparedName, Token, prepare_name, prepare_token
from embargo.model import Entity

_ID_CLEAN = re.compile(r"[^0-9a-z]+")
MAX_EXPANSIONS = 40
MAX_PREFIX = 25


def normalize_identifier(value: str) -> str:
    """'IMO 9187629' / 'imo9187629' -> '9187629'; passports and ids: alphanumerics, lower case."""
    v = _ID_CLEAN.sub("", value.lower())
    if v.startswith("imo") and v[3:].isdigit():
        v = v[3:]
    return v


def deletions(text: str) -> list[str]:
    return [text[:i] + text[i + 1 :] for i in range(len(text))]


@dataclass(frozen=True)
class IndexStats:
    entities: int
    names: int
    tokens: int
    keys: int


class EntityIndex:
    """Names and identifiers of ``entities``, searchable by approximate tokens."""

    def __init__(self, entities: Iterable[Entity], progress: Callable[[int], None] | None = None) -> None:
        self.entities: list[Entity] = []
        self.names: list[PreparedName] = []
        self.name_entity = array("i")
        self.name_kind: list[str] = []
        self.name_initials = array("q")  # per name: a bit per first letter of its tokens
        self.name_size = array("h")  # per name: how many name tokens it has
        self.entity_names: list[tuple[int, ...]] = []
        self.vocab: dict[str, int] = {}
        self.tokens: list[Token] = []
        postings: list[array[int]] = []
        self.identifiers: dict[str, list[int]] = defaultdict(list)
        for n, entity in enumerate(entities):
            eidx = len(self.entities)
            self.entities.append(entity)
            name_ids = []
            seen_texts: set[str] = set()
            for name in entity.names:
                prepared = prepare_name(name.value, entity.schema)
                if not prepared.name_tokens() or prepared.text in seen_texts:
                    continue
                seen_texts.add(prepared.text)
                nid = len(self.names)
                self.names.append(prepared)
                self.name_entity.append(eidx)
                self.name_kind.append(name.kind)
                name_ids.append(nid)
                mask = 0
                for t in prepared.tokens:
                    mask |= _letter_bit(t.text)
                self.name_initials.append(mask)
                self.name_size.append(len(prepared.name_tokens()))
                for tok in {t.text: t for t in prepared.name_tokens()}.values():
                    tid = self.vocab.get(tok.text)
                    if tid is None:
                        tid = len(self.tokens)
                        self.vocab[tok.text] = tid
                        self.tokens.append(tok)
                        postings.append(array("i"))
                    postings[tid].append(nid)
            self.entity_names.append(tuple(name_ids))
            for ident in entity.identifiers:
                key = normalize_identifier(ident.value)
                if len(key) >= 4:
                    self.identifiers[key].append(eidx)
            if progress and n % 10000 == 0:
                progress(n)
        self.postings = postings
        # the same postings as numpy arrays (name ids and their entities), for vectorised voting
        name_entity_np = (
            np.frombuffer(self.name_entity, dtype=np.int32)
            if len(self.name_entity)
            else np.zeros(0, np.int32)
        )
        self.post_nids: list[npt.NDArray[np.int32]] = [np.frombuffer(p, dtype=np.int32) for p in postings]
        self.post_ents: list[npt.NDArray[np.int32]] = [name_entity_np[a] for a in self.post_nids]
        self.np_initials = (
            np.frombuffer(self.name_initials, dtype=np.int64)
            if len(self.name_initials)
            else np.zeros(0, np.int64)
        )
        self.np_size = (
            np.frombuffer(self.name_size, dtype=np.int16) if len(self.name_size) else np.zeros(0, np.int16)
        )
        # document frequency in entities (a token repeated across one entity's aliases counts once)
        n_entities = max(1, len(self.entities))
        self.idf: list[float] = []
        for post in postings:
            df = (
                len({self.name_entity[nid] for nid in post})
                if len(post) < 64
                else _entity_df(post, self.name_entity)
            )
            self.idf.append(math.log(1 + n_entities / df))
        self.max_idf = math.log(1 + n_entities)
        self.by_phonetic: dict[str, list[int]] = defaultdict(list)
        self.by_skeleton: dict[str, list[int]] = defaultdict(list)
        self.by_deletion: dict[str, list[int]] = defaultdict(list)
        for tid, tok in enumerate(self.tokens):
            if tok.phonetic:
                self.by_phonetic[tok.phonetic].append(tid)
            if len(tok.skeleton) >= 2:
                self.by_skeleton[tok.skeleton].append(tid)
            if len(tok.text) >= 4:
                for d in {tok.text, *deletions(tok.text)}:
                    self.by_deletion[d].append(tid)
            for v in tok.variants:
                self.by_phonetic["~" + v].append(tid)
            self.by_phonetic["#" + tok.ocr].append(tid)
        self.sorted_vocab = sorted(self.vocab)

    def stats(self) -> IndexStats:
        keys = len(self.vocab) + len(self.by_phonetic) + len(self.by_skeleton) + len(self.by_deletion)
        return IndexStats(len(self.entities), len(self.names), len(self.vocab), keys)

    def weight(self, token: str) -> float:
        """Rarity weight in [0.3, 1]: a common token ('mohammad', 'trading') counts less."""
        tid = self.vocab.get(token)
        idf = self.idf[tid] if tid is not None else self.max_idf
        return 0.3 + 0.7 * min(1.0, idf / (0.6 * self.max_idf))

    def expand(self, tok: Token, syllabic: bool = False) -> dict[int, float]:
        """Vocabulary tokens a query token may stand for, with a rough similarity. ``syllabic``: the name
        was written in Han/Hangul/kana, so a short token is a whole syllable and only meets itself."""
        found: dict[int, float] = {}

        def put(tid: int, sim: float) -> None:
            if found.get(tid, 0.0) < sim:
                found[tid] = sim

        tid = self.vocab.get(tok.text)
        if tid is not None:
            put(tid, 1.0)
        if tok.initial or (syllabic and len(tok.text) <= 4):
            return found  # initials only confirm; prefix search on one letter would flood
        for v in tok.variants:
            for t in self.by_phonetic.get("~" + v, ()):
                put(t, 0.95)
        for t in self.by_phonetic.get("#" + tok.ocr, ())[:MAX_EXPANSIONS]:
            put(t, 0.9)
        if tok.phonetic and len(tok.text) >= 3:
            for t in self.by_phonetic.get(tok.phonetic, ())[:MAX_EXPANSIONS]:
                put(t, 0.9)
        if len(tok.text) >= 4:
            for d in {tok.text, *deletions(tok.text)}:
                for t in self.by_deletion.get(d, ())[:MAX_EXPANSIONS]:
                    put(t, 0.88)
        if tok.vowelless and len(tok.skeleton) >= 2:
            for t in self.by_skeleton.get(tok.skeleton, ())[:MAX_EXPANSIONS]:
                put(t, 0.85)
        if len(tok.text) >= 3:
            i = bisect.bisect_left(self.sorted_vocab, tok.text)
            for word in self.sorted_vocab[i : i + MAX_PREFIX]:
                if not word.startswith(tok.text):
                    break
                put(self.vocab[word], 0.8)
        return found

    def candidates(
        self,
        names: Sequence[PreparedName],
        limit: int = 30,
        max_postings: int | None = None,
        keep_ratio: float = 0.0,
    ) -> list[int]:
        """Entity indices most likely to match any of the query names, best first."""
        return [e for e, _ in self.candidate_names(names, limit, max_postings, keep_ratio)]

    def candidate_names(
        self,
        names: Sequence[PreparedName],
        limit: int = 30,
        max_postings: int | None = None,
        keep_ratio: float = 0.0,
    ) -> list[tuple[int, tuple[int, ...]]]:
        """Entity indices most likely to match any of the query names, best first, each with the names
        of that entity that drew votes (only those are worth scoring).

        Name tokens vote through their expansions (weighted by rarity and similarity); the query's
        initials and legal-form words then break ties among names that share a first letter.
        ``keep_ratio``: drop candidates whose vote is below this share of the best one's."""
        # a token on more than 1% of the entities (and 2,000) only votes when nothing rarer did
        postings_cap = max_postings if max_postings is not None else max(2000, len(self.entities) // 100)
        best_ents: npt.NDArray[np.int64] = np.zeros(0, np.int64)
        best_scores: npt.NDArray[np.float64] = np.zeros(0, np.float64)
        token_votes: list[
            tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]
        ] = []  # (entities, names) per token
        for name in names:
            toks = list({t.text: t for t in name.name_tokens()}.values())  # a repeated word votes once
            expansions = sorted(
                ((tok, self.expand(tok, name.syllabic)) for tok in toks), key=lambda te: _min_df(self, te[1])
            )
            per_ents: list[npt.NDArray[np.int32]] = []
            per_ws: list[npt.NDArray[np.float64]] = []
            per_nids: list[npt.NDArray[np.int32]] = []
            for tok, exp in expansions:
                own = self.vocab.get(tok.text)
                cap = self.idf[own] if own is not None else self.max_idf
                e_parts, n_parts, w_parts = [], [], []
                for tid, sim in exp.items():
                    ents = self.post_ents[tid]
                    if len(ents) > postings_cap and per_ents:
                        continue
                    # a rare spelling variant counts no more than the query's own token would
                    w = min(self.idf[tid], cap) * sim
                    e_parts.append(ents)
                    n_parts.append(self.post_nids[tid])
                    w_parts.append(np.full(len(ents), w))
                if not e_parts:
                    continue
                ents = np.concatenate(e_parts)
                nids = np.concatenate(n_parts)
                ws = np.concatenate(w_parts)
                # each entity's best way of meeting this query token
                order = np.lexsort((-ws, ents))
                ents, nids, ws = ents[order], nids[order], ws[order]
                first = np.ones(len(ents), dtype=bool)
                first[1:] = ents[1:] != ents[:-1]
                per_ents.append(ents[first])
                per_ws.append(ws[first])
                per_nids.append(nids[first])
            if not per_ents:
                continue
            token_votes.extend(zip(per_ents, per_nids, strict=True))
            all_e = np.concatenate(per_ents)
            all_w = np.concatenate(per_ws)
            all_n = np.concatenate(per_nids)
            uniq, inverse = np.unique(all_e, return_inverse=True)
            votes: npt.NDArray[np.float64] = np.bincount(inverse, weights=all_w).astype(np.float64)
            # the name that carried each entity's last-counted vote: it decides the tie-breaks below
            name_of = np.empty(len(uniq), dtype=np.int32)
            name_of[inverse] = all_n
            others = [t for t, r in zip(name.tokens, name.roles, strict=True) if r != "name"]
            if others:
                masks = self.np_initials[name_of]
                for t in others:
                    bit = _letter_bit(t.text)
                    votes = votes + 0.5 * ((masks & bit) != 0)
            # between equal votes, prefer names with fewer words the query lacks
            extra = self.np_size[name_of].astype(np.float64) - len(toks)
            votes = votes / (1.0 + 0.1 * np.clip(extra, 0, None))
            if len(best_ents) == 0:
                best_ents, best_scores = uniq.astype(np.int64), votes
            else:
                both = np.concatenate([best_ents, uniq.astype(np.int64)])
                sc = np.concatenate([best_scores, votes])
                u2, inv2 = np.unique(both, return_inverse=True)
                mx = np.full(len(u2), -np.inf)
                np.maximum.at(mx, inv2, sc)
                best_ents, best_scores = u2, mx
        if len(best_ents) == 0:
            return []
        k = min(limit, len(best_ents))
        top = np.argpartition(-best_scores, k - 1)[:k]
        top = top[np.lexsort((best_ents[top], -best_scores[top]))]
        chosen = [(int(best_ents[i]), float(best_scores[i])) for i in top]
        if keep_ratio > 0:
            floor = chosen[0][1] * keep_ratio
            chosen = [c for c in chosen if c[1] >= floor]
        wanted = np.array([e for e, _ in chosen], dtype=np.int32)
        voted: dict[int, set[int]] = defaultdict(set)
        for ents, nids in token_votes:
            hit = np.isin(ents, wanted)
            for e, n in zip(ents[hit].tolist(), nids[hit].tolist(), strict=True):
                voted[e].add(n)
        return [(e, tuple(sorted(voted[e]))) for e, _ in chosen]

    def by_identifier(self, value: str) -> list[int]:
        key = normalize_identifier(value)
        return list(self.identifiers.get(key, ())) if len(key) >= 4 else []

    def prepare_query_token(self, text: str) -> Token:
        return prepare_token(text)


def _min_df(index: EntityIndex, exp: dict[int, float]) -> int:
    return min((len(index.postings[t]) for t in exp), default=1 << 30)


def _letter_bit(text: str) -> int:
    ch = text[:1]
    return 1 << (ord(ch) - 97) if "a" <= ch <= "z" else 1 << 26 if ch else 0


def _entity_df(post: array[int], name_entity: array[int]) -> int:
    return len({name_entity[nid] for nid in post})
