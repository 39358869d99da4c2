"""In-memory candidate index over every name, alias and identifier of a set of entities.

Keys: each distinct name token (vocabulary), with side tables from phonetic key, consonant
skeleton and single-deletion neighbourhood (typos, transpositions) to vocabulary tokens, plus a
sorted vocabulary for prefixes (truncated names). A query token expands to vocabulary tokens with
an estimated similarity; their postings vote for entities, weighted by token rarity (IDF).
Identifiers (IMO, passport, tax id ...) are exact keys after normalisation.
"""

from __future__ import annotations

import bisect
import importlib
import math
import sys
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

from embargo._gc import no_gc
from embargo._native import reduce_frozen
from embargo.model import Entity
from embargo.names.prepare import (
    PreparedName,
    Token,
    prepare_name,
    prepare_token,
)
from embargo.names.views import table_view
from embargo.text.identifiers import normalize_identifier as normalize_identifier
from embargo.text.legal_forms import is_form_word
from embargo.text.phonetic import token_variants


def _load_compiled(name: str) -> Any:
    """A C module of the compiled core (see ``embargo._native``), or None."""
    try:
        return importlib.import_module(f"embargo.index.{name}")
    except ImportError:
        return None


_compiled_rank: Any = _load_compiled("_rank")  # the candidate ranking; None: numpy's (EntityIndex._rank)
# a query token's expansion and votes (_votes.c); None: Python's (_expansion_fields, _best_per_entity,
# _pair_gains)
_compiled_votes: Any = _load_compiled("_votes")

MAX_EXPANSIONS = 40
MAX_PREFIX = 25
# a query's votes ranked in C up to this many; beyond, numpy's sorts beat C's scattered reads of its
# per-entity arrays once those outgrow the CPU's caches (1M entities, 1,500 queries: C for all 1.62 ms
# a query, C up to 5,000 votes 1.00 ms, numpy for all 0.99-1.11 ms; all lists: 0.21 -> 0.18 ms)
COMPILED_RANK_MAX = 5_000
# ... but every query's, in an index of up to this many entities: its per-entity records (32 bytes each)
# stay in the CPU's caches, and C beats numpy at any number of votes (all lists, 47k entities: a query's
# own names 1.5x sooner, the ten names read off a nickname's 5x: numpy merges its names one by one)
COMPILED_RANK_ENTITIES = 250_000
# the query tokens seen last whose expansions and votes are kept: at most EXPANSION_CACHE tokens (about
# 16 MB), with votes for at most VOTES_CACHE entities in all or VOTES_PER_ENTITY per entity of the index
# if more (16 bytes each: 16 MB; 64 MB for 1M entities); when either is full, the least recently used go
EXPANSION_CACHE = 10_000
# ... and, apart, at most this many words seen lately that meet no vocabulary token (most words run together
# from two: kept as strings alone, they take none of the places of the expansions above)
NOTHING_CACHE = 40_000
# an index of up to this many names makes their views (names.name_view) when built: over all lists, 90k
# names in 0.1 s and ~40 MB; a larger one makes each on first use (1M entities: 1.5M names, memory)
EAGER_VIEWS = 500_000
VOTES_CACHE = 1_000_000
VOTES_PER_ENTITY = 4


# a listed name read by a function of (name, kind, schema) into the names to index, with their kind
Reading = Callable[[str, str, str], list[tuple[str, str]]]
JOINED_MIN = 4  # letters of a word read as two or more listed words written as one
JOINED_MOST = 10  # entities found by such words, per query


def deletions(text: str) -> list[str]:
    return [text[:i] + text[i + 1 :] for i in range(len(text))]


# one query token's votes: entities (ascending, distinct), their weights, the name of each that voted
_Votes = tuple[npt.NDArray[np.int32], npt.NDArray[np.float64], npt.NDArray[np.int32]]
# _Expansion's fields from min_df to tids (what _votes.expansion and _expansion_fields return)
_ExpansionFields = tuple[int, npt.NDArray[np.float64], npt.NDArray[np.int64], int, npt.NDArray[np.int32]]
# per query name: its tokens' votes, the letter bits of its other words, the divisor by listed name size
_Voting = list[tuple[list[_Votes], list[int], npt.NDArray[np.float64]]]


@dataclass(slots=True)
class _Expansion:
    """A query token's vocabulary tokens as they vote, best weight first (ties in ``expand``'s order),
    and, once counted, its votes."""

    min_df: int  # fewest postings of any of them (rarer query tokens vote first); 1 << 30 if none
    # (numpy arrays: a tuple of floats is an object per weight, which the collector visits while young)
    weights: npt.NDArray[np.float64]  # similarity x rarity, capped at the query token's own rarity
    sizes: npt.NDArray[np.int64]  # postings of each: a token on too many only votes when nothing rarer did
    largest: int
    tids: npt.NDArray[np.int32]  # the vocabulary tokens
    votes: _Votes | None = None  # of all of them
    capped: tuple[int, _Votes | None] | None = None  # (cap, votes of those on at most cap names)
    counted: int = 0  # entities in the votes kept
    form_word: int = -1  # is_form_word of the query token: 1 or 0, -1 not asked yet

    def __init__(
        self,
        min_df: int,
        weights: npt.NDArray[np.float64],
        sizes: npt.NDArray[np.int64],
        largest: int,
        tids: npt.NDArray[np.int32],
    ) -> None:  # (a native constructor: see match.types.Contribution)
        self.min_df, self.weights, self.sizes, self.largest = min_df, weights, sizes, largest
        self.tids = tids
        self.votes, self.capped, self.counted = None, None, 0
        self.form_word = -1


# the expansion of a word that meets no vocabulary token (shared: such an expansion is never changed, as it
# has no votes to count)
_NOTHING = _Expansion(1 << 30, np.zeros(0, np.float64), np.zeros(0, np.int64), 0, np.zeros(0, np.int32))


@dataclass(frozen=True)
class IndexStats:
    entities: int
    names: int
    tokens: int
    keys: int

    def __reduce__(self) -> tuple[type[IndexStats], tuple[Any, ...]]:
        return reduce_frozen(self)


class EntityIndex:
    """Names and identifiers of ``entities``, searchable by approximate tokens."""

    def __init__(
        self,
        entities: Iterable[Entity],
        progress: Callable[[int], None] | None = None,
        reading: Reading | None = None,
    ) -> None:
        """``reading``: the names to index for each listed name, with their kind (embargo-v3's
        ``names.readings.listed_names``); None: each name as listed (the versions before embargo-v3). With a
        reading, the index also knows each two adjacent words of a name written as one (``joined_entities``)."""
        self.reading = reading
        self.joined_keys: dict[str, list[int]] = {}
        # per name read off a listed name with others (its parenthesised parts): all of them, which a
        # candidate retrieved by one is scored on (retrieval keeps the first name of an entity a word is in)
        self.read_together: dict[int, tuple[int, ...]] = {}
        with no_gc():  # (millions of objects that live as long as the index)
            self._build(entities, progress)
            # the compiled expansion's view of the tables (made now, not by the first query: ~0.1 s; after
            # the build's own work arrays are gone, whose memory it can take)
            self._tables: Any = self._make_tables() if _compiled_votes is not None else None

    def _build(self, entities: Iterable[Entity], progress: Callable[[int], None] | None) -> None:
        reading = self.reading
        self.entities: list[Entity] = []
        # per entity: its id (a screen ranks by it, without reading the entity)
        self.entity_ids: list[str] = []
        # per entity: its schema (a screen reads an entity it ranks below the floor no further)
        self.entity_schema: list[str] = []
        self.names: list[PreparedName] = []
        self.name_entity = array("i")
        self.name_kind: list[str] = []
        self.name_initials = array("I")  # per name: a bit per first letter of its tokens (27 bits)
        self.name_size = array("h")  # per name: how many name tokens it has
        self.entity_names: list[tuple[int, ...]] = []
        self.vocab: dict[str, int] = {}
        self.tokens: list[Token] = []
        postings: list[array[int]] = []
        last_entity = array("i")  # per token: the entity of its last posting
        repeated: set[int] = set()  # tokens carried by several names of one entity
        self.identifiers: dict[str, list[int]] = defaultdict(list)
        for n, entity in enumerate(entities):
            eidx = len(self.entities)
            self.entities.append(entity)
            self.entity_ids.append(entity.id)
            self.entity_schema.append(sys.intern(entity.schema))
            name_ids = []
            seen_texts: set[str] = set()
            # (value, kind, which listed name it was read off)
            listed = (
                [(name.value, name.kind, 0) for name in entity.names]
                if reading is None
                else [
                    (value, kind, k)
                    for k, name in enumerate(entity.names)
                    for value, kind in reading(name.value, name.kind, entity.schema)
                ]
            )
            read_off: dict[int, list[int]] = {}
            for value, kind, k in listed:
                prepared = prepare_name(value, entity.schema)
                if not prepared.name_tokens() or prepared.text in seen_texts:
                    continue
                seen_texts.add(prepared.text)
                nid = len(self.names)
                if reading is not None:
                    read_off.setdefault(k, []).append(nid)
                self.names.append(prepared)
                self.name_entity.append(eidx)
                self.name_kind.append(kind)
                if reading is not None:
                    self._join_keys(prepared, eidx)
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
                        last_entity.append(-1)
                    if last_entity[tid] == eidx:
                        repeated.add(tid)
                    last_entity[tid] = eidx
                    postings[tid].append(nid)
            self.entity_names.append(tuple(name_ids))
            for group in read_off.values():
                if len(group) > 1:
                    for nid in group:
                        self.read_together[nid] = tuple(group)
            for ident in entity.identifiers:
                key = normalize_identifier(ident.value)
                if len(key) >= 4:
                    self.identifiers[key].append(eidx)
            if progress and n % 10000 == 0:
                progress(n)
        self.postings = postings
        # per name: 1 if it is read together with others (a byte a name: a candidate's names are checked
        # here, in a small table, before the dict of their groups is read)
        self.in_group = bytearray(len(self.names))
        for nid in self.read_together:
            self.in_group[nid] = 1
        self.post_size: list[int] = [len(p) for p in postings]
        # what votes, per token: the entities whose names carry it (ascending), each once, with the
        # first such name (an entity's names are numbered in order, so its postings are adjacent)
        name_entity_np = (
            np.frombuffer(self.name_entity, dtype=np.int32)
            if len(self.name_entity)
            else np.zeros(0, np.int32)
        )
        vote_ents: list[npt.NDArray[np.int32]] = []
        vote_nids: list[npt.NDArray[np.int32]] = []
        for tid, post in enumerate(postings):
            nids = np.frombuffer(post, dtype=np.int32)
            ents = name_entity_np[nids]
            if tid in repeated:
                first = _firsts(ents)
                ents, nids = ents[first], nids[first]
            vote_ents.append(ents)
            vote_nids.append(nids)
        # all in two flat arrays, token t's at vote_start[t]:vote_start[t + 1] (the compiled core reads
        # them there, by token, with no array object per token to read; token_votes(t) gives views of them)
        self.vote_start = np.zeros(len(vote_ents) + 1, np.int64)
        np.cumsum([len(a) for a in vote_ents], out=self.vote_start[1:])
        self.flat_ents = np.concatenate(vote_ents) if vote_ents else np.zeros(0, np.int32)
        self.flat_nids = np.concatenate(vote_nids) if vote_nids else np.zeros(0, np.int32)
        del vote_ents, vote_nids
        self.np_initials = (
            np.frombuffer(self.name_initials, dtype=np.uint32)
            if len(self.name_initials)
            else np.zeros(0, np.uint32)
        )
        self.np_size = (
            np.frombuffer(self.name_size, dtype=np.int16) if len(self.name_size) else np.zeros(0, np.int16)
        )
        # document frequency in entities (a token repeated across one entity's aliases counts once)
        n_entities = max(1, len(self.entities))
        self.idf: list[float] = [math.log(1 + n_entities / n) for n in np.diff(self.vote_start).tolist()]
        self.max_idf = math.log(1 + n_entities)
        # rarity weights, looked up once per vocabulary token (scoring asks for them very often)
        self._weights = {t: self._rarity(self.idf[tid]) for t, tid in self.vocab.items()}
        self._unknown_weight = self._rarity(self.max_idf)
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
        # expansions of the query tokens seen lately (batches repeat given names, surnames, legal words)
        # (by token text; "\x00" + text for a syllabic name's: tokens are lower-case ASCII letters and digits)
        self._expansions: dict[str, _Expansion] = {}
        self._met_nothing: set[str] = set()  # (keys as in _expansions) whose expansion is _NOTHING
        self._cached_votes = 0  # entities in the votes kept with them
        self._votes_budget = max(VOTES_CACHE, VOTES_PER_ENTITY * len(self.entities))
        self._divisors: dict[int, npt.NDArray[np.float64]] = {}
        self._scratch: Any = None  # the compiled ranking's work arrays, made on first use
        # per name: how the compiled scoring reads it (names.name_view); made here up to EAGER_VIEWS names
        self._views: list[Any] = [None] * len(self.names)
        if len(self.names) <= EAGER_VIEWS:
            for nid in range(len(self.names)):
                self.name_view(nid)

    def _join_keys(self, name: PreparedName, eidx: int) -> None:
        """Keys of ``joined_entities``: each two adjacent words of ``name`` run together ("ep ija" ->
        "epija", "yu 8643" -> "yu8643"), and the whole name of up to four words."""
        for key in _run_together([t.text for t in name.tokens], False):
            found = self.joined_keys.setdefault(key, [])
            if not found or found[-1] != eidx:
                found.append(eidx)

    def with_read_together(self, nids: tuple[int, ...]) -> tuple[int, ...]:
        """``nids`` (names of one entity), with the names read off the same listed names as they."""
        together = self.read_together
        if not together:
            return nids
        more: tuple[int, ...] = ()
        in_group = self.in_group
        for n in nids:  # (most names are read together with none)
            if in_group[n]:
                more += together[n]
        return tuple(sorted({*nids, *more})) if more else nids

    def joined_entities(self, names: Sequence[PreparedName], most: int = JOINED_MOST) -> list[int]:
        """Entities (ids) one of whose names, its words run together, writes a word of a query name, or
        two adjacent words of it, or the whole of a short one run together: "EPIJA" / "EP-IJA", "BIMEHIRAN"
        / "BIMEH IRAN", "LADY D" / "LADYD". Such words find their names before any of them could vote. At
        most ``most``, rarest key first; none without a reading (see ``__init__``)."""
        found: list[list[int]] = []
        asked: set[str] = set()  # (names read off one another share most keys: each is looked up once)
        for name in names:
            # in order: keys found as often keep that order below, the same in every process (a set's
            # order follows the process's string hashing)
            for key in sorted(_run_together([t.text for t in name.tokens], True)):
                if key in asked:
                    continue
                asked.add(key)
                ents = self.joined_keys.get(key)
                if ents:
                    found.append(ents)
        if most <= 0:
            return []
        found.sort(key=len)
        out: list[int] = []
        seen: set[int] = set()
        for ents in found:  # (a common key finds a thousand entities: stop at the most asked for)
            for e in ents:
                if e not in seen:
                    seen.add(e)
                    out.append(e)
                    if len(out) >= most:
                        return out
        return out

    def stats(self) -> IndexStats:
        keys = len(self.vocab) + len(self.by_phonetic) + len(self.by_skeleton) + len(self.by_deletion)
        return IndexStats(len(self.entities), len(self.names), len(self.vocab), keys)

    def name_view(self, nid: int) -> Any:
        """Name ``nid`` as the compiled scoring reads it, with the rarity of its words here (None without
        the compiled core)."""
        view = self._views[nid]
        if view is None:
            view = self._views[nid] = table_view(self.names[nid], self._weights, self._unknown_weight)
        return view

    @property
    def views(self) -> list[Any]:
        """``name_view`` of every name, by id, as made so far: None for one not made yet (an index of more
        than EAGER_VIEWS names makes them as they are asked for). Not to be changed."""
        return self._views

    def name_views(self, nids: Sequence[int]) -> list[Any]:
        """``name_view`` of each of ``nids``."""
        views = self._views
        found = [views[n] for n in nids]
        if None in found:  # (an index of more than EAGER_VIEWS names makes them as they are asked for)
            found = [v if v is not None else self.name_view(n) for v, n in zip(found, nids, strict=True)]
        return found

    def query_view(self, name: PreparedName) -> Any:
        """A query name as the compiled scoring reads it, with the rarity of its words here:
        ``names.name_view(name, self.weight)``, made in C."""
        return table_view(name, self._weights, self._unknown_weight)

    def weight(self, token: str) -> float:
        """Rarity weight in [0.3, 1]: a common token ('mohammad', 'trading') counts less."""
        return self._weights.get(token, self._unknown_weight)

    def _rarity(self, idf: float) -> float:
        return 0.3 + 0.7 * min(1.0, idf / (0.6 * self.max_idf))

    def expand(self, tok: Token, syllabic: bool = False) -> dict[int, float]:
        """Vocabulary tokens a query token may stand for, with a rough similarity. ``syllabic``: the name
        was written in Han/Hangul/kana, so a short token is a whole syllable and only meets itself."""
        # each way in puts a token at its similarity unless the token is in at least that already
        found: dict[int, float] = {}
        get = found.get
        text = tok.text
        tid = self.vocab.get(text)
        if tid is not None:
            found[tid] = 1.0
        if tok.initial or (syllabic and len(text) <= 4):
            return found  # initials only confirm; prefix search on one letter would flood
        by_phonetic = self.by_phonetic
        for v in tok.variants:
            for t in by_phonetic.get("~" + v, ()):
                if get(t, 0.0) < 0.95:
                    found[t] = 0.95
        for t in by_phonetic.get("#" + tok.ocr, ())[:MAX_EXPANSIONS]:
            if get(t, 0.0) < 0.9:
                found[t] = 0.9
        if tok.phonetic and len(text) >= 3:
            for t in by_phonetic.get(tok.phonetic, ())[:MAX_EXPANSIONS]:
                if get(t, 0.0) < 0.9:
                    found[t] = 0.9
        if len(text) >= 4:
            by_deletion = self.by_deletion
            # in a fixed order (a set's order changes with the process's hash seed, and it decides
            # between expansions of equal weight)
            for d in dict.fromkeys((text, *deletions(text))):
                for t in by_deletion.get(d, ())[:MAX_EXPANSIONS]:
                    if get(t, 0.0) < 0.88:
                        found[t] = 0.88
        if tok.vowelless and len(tok.skeleton) >= 2:
            for t in self.by_skeleton.get(tok.skeleton, ())[:MAX_EXPANSIONS]:
                if get(t, 0.0) < 0.85:
                    found[t] = 0.85
        if len(text) >= 3:
            vocab, words = self.vocab, self.sorted_vocab
            i = bisect.bisect_left(words, text)
            for word in words[i : i + MAX_PREFIX]:
                if not word.startswith(text):
                    break
                t = vocab[word]
                if get(t, 0.0) < 0.8:
                    found[t] = 0.8
        return found

    def candidates(
        self,
        names: Sequence[PreparedName],
        limit: int = 30,
        max_postings: int | None = None,
        keep_ratio: float = 0.0,
        *,
        joined: bool = False,
        form_words: float = 1.0,
    ) -> list[int]:
        """Entity indices most likely to match any of the query names, best first."""
        found = self.candidate_names(
            names, limit, max_postings, keep_ratio, joined=joined, form_words=form_words
        )
        return [e for e, _ in found]

    def candidate_names(
        self,
        names: Sequence[PreparedName],
        limit: int = 30,
        max_postings: int | None = None,
        keep_ratio: float = 0.0,
        *,
        joined: bool = False,
        form_words: float = 1.0,
    ) -> list[tuple[int, tuple[int, ...]]]:
        """Entity indices most likely to match any of the query names, best first, each with the names
        of that entity that drew votes (only those are worth scoring).

        Name tokens vote through their expansions (weighted by rarity and similarity); the query's
        initials and legal-form words then break ties among names that share a first letter.
        ``keep_ratio``: drop candidates whose vote is below this share of the best one's.
        ``joined`` (off in embargo-v1): each two adjacent name words also vote written as one word
        ("arlni zadh" -> "arlnizadh" ~ "arlanizadeh"); an entity counts the better of that word's vote
        and the two words' own votes together, through one such pair at most (see ``_pair_gain``).
        ``form_words`` (1 in embargo-v1): what the votes of a query word that belongs to a legal form of
        several words count ("obshchestvo", "liability"), where the form was not recognised as one
        (misspelt or reordered): such words name no one."""
        # a token on more than 1% of the entities (and 2,000) only votes when nothing rarer did
        postings_cap = max_postings if max_postings is not None else max(2000, len(self.entities) // 100)
        voting: _Voting = []
        entries = 0
        for name in names:
            toks = list({t.text: t for t in name.name_tokens()}.values())  # a repeated word votes once
            # rarer tokens vote first (a stable sort: ties keep the query's order)
            expansions = sorted(
                ((tok, self._expansion(tok.text, name.syllabic, tok)) for tok in toks),
                key=lambda te: te[1].min_df,
            )
            per_token: list[_Votes] = []
            by_text: dict[str, _Votes] = {}
            for tok, exp in expansions:
                found = self._token_votes(exp, postings_cap, bool(per_token))
                if found is not None and form_words != 1.0:
                    # asked once per token kept: a word that votes has its own expansion
                    if exp.form_word < 0:
                        exp.form_word = int(is_form_word(tok.text))
                    if exp.form_word:  # (the cached votes stay as they are)
                        found = (found[0], found[1] * form_words, found[2])
                if found is not None:
                    per_token.append(found)
                    by_text[tok.text] = found
            if joined:
                gain = self._pair_gain(name, by_text, postings_cap, bool(per_token))
                if gain is not None:
                    per_token.append(gain)
            if per_token:
                entries += sum(len(v[0]) for v in per_token)
                # the query's initials and legal-form words; between equal votes, prefer names with fewer
                # words the query lacks
                bits = [
                    _letter_bit(t.text) for t, r in zip(name.tokens, name.roles, strict=True) if r != "name"
                ]
                voting.append((per_token, bits, self._extra_words_divisor(len(toks))))
        if not voting:
            return []
        if _compiled_rank is not None and (
            entries <= COMPILED_RANK_MAX or len(self.entities) <= COMPILED_RANK_ENTITIES
        ):
            if self._scratch is None:
                self._scratch = _compiled_rank.Scratch(len(self.entities))
            ranked: list[tuple[int, tuple[int, ...]]] = _compiled_rank.rank(
                self._scratch, voting, self.name_initials, self.name_size, limit, keep_ratio
            )
            return ranked
        return self._rank(voting, limit, keep_ratio)

    def _rank(
        self,
        voting: _Voting,
        limit: int,
        keep_ratio: float,
    ) -> list[tuple[int, tuple[int, ...]]]:
        """The candidates from the votes of each query name: per name, an entity's votes add up in voting
        order, then 0.5 for each of the query's initials and legal-form words (``bits``) that a token of
        its last-counted name starts with, and the sum is divided by ``divisor`` (by that name's size).
        An entity's best name counts. The ``limit`` best (ties: the lower entity), less those under
        ``keep_ratio`` of the best, each with its names that voted. The compiled core does the same in
        C (``_rank.c``), one vote at a time; ``tests/index`` checks that both agree.

        Two implementations by design: C ranks a query of up to ``COMPILED_RANK_MAX`` votes, or any query
        of an index of up to ``COMPILED_RANK_ENTITIES`` entities; numpy's sorts one of more in a larger
        index (C's scattered reads lose to them there); without the compiled core, numpy ranks every
        query."""
        best_ents: npt.NDArray[np.int32] | None = None
        best_scores: npt.NDArray[np.float64] = np.zeros(0, np.float64)
        voters: list[tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]] = []  # per name, by entity
        for per_token, bits, divisor in voting:
            uniq, votes, name_of, by_ent, their_names = _tally(per_token)
            voters.append((by_ent, their_names))
            if bits:
                masks = self.np_initials[name_of]
                for bit in bits:
                    votes = votes + 0.5 * ((masks & bit) != 0)
            votes = votes / divisor[self.np_size[name_of]]
            if best_ents is None:
                best_ents, best_scores = uniq, votes
            else:  # an entity's best name counts
                both = np.concatenate([best_ents, uniq])
                sc = np.concatenate([best_scores, votes])
                u2, inv2 = np.unique(both, return_inverse=True)
                mx = np.full(len(u2), -np.inf)
                np.maximum.at(mx, inv2, sc)
                best_ents, best_scores = u2, mx
        assert best_ents is not None
        if len(best_ents) > limit:
            top = _top(best_scores, limit)
            top = top[np.lexsort((best_ents[top], -best_scores[top]))]
        else:  # all of them: the sort alone (entities are distinct, so the order is the same)
            top = np.lexsort((best_ents, -best_scores))
        chosen = list(zip(best_ents[top].tolist(), best_scores[top].tolist(), strict=True))
        if keep_ratio > 0:
            floor = chosen[0][1] * keep_ratio
            chosen = [c for c in chosen if c[1] >= floor]
        if not chosen:
            return []
        voted: dict[int, set[int]] = {e: set() for e, _ in chosen}
        wanted = sorted(voted)
        for by_ent, their_names in voters:  # each wanted entity's run in by_ent
            lo = np.searchsorted(by_ent, wanted, "left").tolist()
            hi = np.searchsorted(by_ent, wanted, "right").tolist()
            for e, i, j in zip(wanted, lo, hi, strict=True):
                if i < j:
                    voted[e].update(their_names[i:j].tolist())
        return [(e, tuple(sorted(voted[e]))) for e, _ in chosen]

    def _expansion(self, text: str, syllabic: bool, tok: Token | None = None) -> _Expansion:
        """``expand(prepare_token(text))`` as it votes; kept for the query tokens seen lately. ``tok``: that
        Token, if the caller has it (a word made of two has none: its keys are made without it)."""
        key = "\x00" + text if syllabic else text
        expansions = self._expansions
        cached = expansions.pop(key, None)
        if cached is not None:
            expansions[key] = cached  # the most recently used last
            return cached
        if key in self._met_nothing:
            return _NOTHING
        exp: _Expansion
        if _compiled_votes is not None:
            if self._tables is None:
                self._tables = self._make_tables()
            if tok is not None:
                fields: _ExpansionFields = _compiled_votes.expansion(
                    self._tables, text, tok.variants, tok.ocr, tok.phonetic, tok.skeleton, tok.vowelless,
                    len(text) == 1, syllabic,
                )  # fmt: skip
                exp = _Expansion(*fields)
            else:  # the keys prepare_token would give the word, made in C; most such words meet nothing
                found: _ExpansionFields | None = _compiled_votes.expansion_of(
                    self._tables, text, token_variants(text), syllabic
                )
                exp = _Expansion(*found) if found is not None else _NOTHING
        else:
            exp = _Expansion(*self._expansion_fields(tok or prepare_token(text), syllabic))
        if exp is _NOTHING:
            if len(self._met_nothing) >= NOTHING_CACHE:
                self._met_nothing.clear()
            self._met_nothing.add(key)
            return exp
        if len(expansions) >= EXPANSION_CACHE:
            self._shrink()
        expansions[key] = exp
        return exp

    def _make_tables(self) -> Any:
        """The compiled core's ``Tables`` of this index (``_votes.c``)."""
        return _compiled_votes.Tables(
            self.vocab,
            self.by_phonetic,
            self.by_deletion,
            self.by_skeleton,
            self.sorted_vocab,
            self.idf,
            self.post_size,
            self.flat_ents,
            self.flat_nids,
            self.vote_start,
            self.max_idf,
            MAX_EXPANSIONS,
            MAX_PREFIX,
        )

    def _expansion_fields(self, tok: Token, syllabic: bool) -> _ExpansionFields:
        """The fields of ``_expansion(tok)``, computed in Python.

        Reference twin of ``_votes.expansion``: the test oracle (``tests/index``) and the interpreted
        fallback; never called when the compiled core is in use."""
        own = self.vocab.get(tok.text)
        idf = self.idf
        cap = idf[own] if own is not None else self.max_idf
        # a rare spelling variant counts no more than the query's own token would (min(idf, cap))
        weighted = [
            ((cap if cap < idf[tid] else idf[tid]) * sim, tid)
            for tid, sim in self.expand(tok, syllabic).items()
        ]
        weighted.sort(key=_first_desc)  # stable: equal weights keep the order of expand
        weights, tids = zip(*weighted, strict=True) if weighted else ((), ())
        sizes = list(map(self.post_size.__getitem__, tids))
        return (
            min(sizes, default=1 << 30),
            np.array(weights, dtype=np.float64),
            np.array(sizes, dtype=np.int64),
            max(sizes, default=0),
            np.array(tids, dtype=np.int32),
        )

    def _token_votes(self, exp: _Expansion, postings_cap: int, rarer_voted: bool) -> _Votes | None:
        """Each entity's best way of meeting the query token ``exp``; its tokens on more than
        ``postings_cap`` names left out when a rarer query token voted. Kept with ``exp``."""
        if not (rarer_voted and exp.largest > postings_cap):
            if exp.votes is None and len(exp.tids):
                exp.votes = self._votes_of(exp.tids, exp.weights)
                self._count(exp, exp.votes)
            return exp.votes
        if exp.capped is not None and exp.capped[0] == postings_cap:
            return exp.capped[1]
        keep = np.flatnonzero(exp.sizes <= postings_cap)
        found = self._votes_of(exp.tids[keep], exp.weights[keep]) if len(keep) else None
        exp.capped = (postings_cap, found)
        self._count(exp, found)
        return found

    def _votes_of(self, tids: npt.NDArray[np.int32], weights: npt.NDArray[np.float64]) -> _Votes:
        """Each entity's best vote through vocabulary tokens ``tids`` (best weight first)."""
        if _compiled_votes is not None and self._tables is not None:
            votes: _Votes = _compiled_votes.best_per_entity(self._tables, tids, weights)
            return votes
        arrays = [self.token_votes(t) for t in tids.tolist()]
        return _best_per_entity([a[0] for a in arrays], [a[1] for a in arrays], weights)

    def token_votes(self, tid: int) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
        """What vocabulary token ``tid`` votes for: its entities (ascending, each once) and the first name of
        each that carries it (views of the flat arrays)."""
        start, end = int(self.vote_start[tid]), int(self.vote_start[tid + 1])
        return self.flat_ents[start:end], self.flat_nids[start:end]

    def _count(self, exp: _Expansion, votes: _Votes | None) -> None:
        if votes is not None:
            exp.counted += len(votes[0])
            self._cached_votes += len(votes[0])
            if self._cached_votes > self._votes_budget:
                self._shrink()

    def _shrink(self) -> None:
        """Forget the least recently used query tokens: a quarter of them at least, and more until their
        votes are under 3/4 of the budget."""
        expansions = self._expansions
        self._cached_votes = sum(exp.counted for exp in list(expansions.values()))  # exact again
        keep = len(expansions) * 3 // 4
        for key in list(expansions):  # least recently used first
            if len(expansions) <= keep and self._cached_votes <= self._votes_budget * 3 // 4:
                break
            exp = expansions.pop(key, None)
            if exp is not None:
                self._cached_votes -= exp.counted
        if not expansions:
            self._cached_votes = 0

    def clear_cache(self) -> None:
        """Forget the query tokens seen (their expansions and votes are kept to answer the next faster)."""
        self._expansions.clear()
        self._met_nothing.clear()
        self._cached_votes = 0

    def _extra_words_divisor(self, query_words: int) -> npt.NDArray[np.float64]:
        """By a listed name's word count: what its vote is divided by, 1 + 0.1 per word the query lacks."""
        table = self._divisors.get(query_words)
        if table is None:
            extra = np.arange(int(self.np_size.max(initial=0)) + 1, dtype=np.float64) - query_words
            table = 1.0 + 0.1 * np.clip(extra, 0, None)
            self._divisors[query_words] = table
        return table

    def _pair_gain(
        self, name: PreparedName, by_text: dict[str, _Votes], postings_cap: int, rarer_voted: bool
    ) -> _Votes | None:
        """Per entity, what reading two adjacent name words of ``name`` as one word adds to its vote:
        the joined word's vote less the two words' own, where that is positive (so the entity counts
        the better of the two readings), through its best pair."""
        pairs: list[tuple[_Votes, _Votes | None, _Votes | None]] = []
        toks, roles = name.tokens, name.roles
        for i in range(len(toks) - 1):
            if roles[i] != "name" or roles[i + 1] != "name":
                continue
            a, b = toks[i].text, toks[i + 1].text
            if a == b:
                continue  # a doubled word ("Ko Ko") is a name of its own, not one word split in two
            exp = self._expansion(a + b, name.syllabic)
            found = self._token_votes(exp, postings_cap, rarer_voted)
            if found is not None:
                pairs.append((found, by_text.get(a), by_text.get(b)))
        return pair_gains(pairs) if pairs else None

    def by_identifier(self, value: str) -> list[int]:
        key = normalize_identifier(value)
        return list(self.identifiers.get(key, ())) if len(key) >= 4 else []


def _run_together(texts: list[str], words: bool) -> set[str]:
    """Each two adjacent ``texts`` run together, and all of them where they are three or four (and, with
    ``words``, each text itself), of ``JOINED_MIN`` letters or more."""
    keys = {a + b for a, b in pairwise(texts)}
    if 2 < len(texts) <= 4:
        keys.add("".join(texts))
    if words:
        keys.update(texts)
    return {k for k in keys if len(k) >= JOINED_MIN}


def _top(scores: npt.NDArray[np.float64], k: int) -> npt.NDArray[np.intp]:
    """Positions of the ``k`` highest ``scores`` (k < len), ties at the cut broken by position: the same
    on every machine. (``argpartition`` leaves the tie to its selection algorithm, which numpy picks by
    CPU: with AVX-512 and without, the 30th candidate of "FU YUAN YU 783" was another vessel.)"""
    kth = np.partition(scores, len(scores) - k)[len(scores) - k]  # the k-th highest value
    above = np.flatnonzero(scores > kth)
    tied = np.flatnonzero(scores == kth)[: k - len(above)]
    return np.concatenate([above, tied])


def _firsts(sorted_values: npt.NDArray[np.int32] | npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """Where each run of equal values in a sorted array starts."""
    first = np.empty(len(sorted_values), dtype=bool)
    first[:1] = True
    np.not_equal(sorted_values[1:], sorted_values[:-1], out=first[1:])
    return first


def _by_entity(
    ents: Sequence[npt.NDArray[np.int32]],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The entries of ``ents`` concatenated, ordered by entity and, within one, as given: (entity,
    position in the concatenation) of each. A sort of unique keys entity << 32 | position: as a stable
    argsort of the entities, several times faster."""
    keys = np.left_shift(np.concatenate(ents), 32, dtype=np.int64)
    keys |= np.arange(len(keys), dtype=np.int64)
    keys.sort()
    return keys >> 32, keys & 0xFFFFFFFF


def _best_per_entity(
    ents: Sequence[npt.NDArray[np.int32]],
    nids: Sequence[npt.NDArray[np.int32]],
    weights: npt.NDArray[np.float64],
) -> _Votes:
    """Votes of vocabulary tokens given best weight first (each token's entities distinct): each
    entity's first entry, which is its best (ties: the earlier token).

    Reference twin of ``_votes.best_per_entity``: the test oracle (``tests/index``) and the interpreted
    fallback; never called when the compiled core is in use."""
    if len(ents) == 1:
        return ents[0], np.full(len(ents[0]), float(weights[0])), nids[0]
    sorted_e, at = _by_entity(ents)
    first = _firsts(sorted_e)
    pick = at[first]
    ws = np.repeat(np.asarray(weights, dtype=np.float64), [len(e) for e in ents])
    return sorted_e[first].astype(np.int32), ws[pick], np.concatenate(nids)[pick]


def _tally(
    per_token: list[_Votes],
) -> tuple[
    npt.NDArray[np.int32],
    npt.NDArray[np.float64],
    npt.NDArray[np.int32],
    npt.NDArray[np.int32],
    npt.NDArray[np.int32],
]:
    """A query name's votes over its tokens' (in voting order): per entity (ascending), the sum of
    its votes, added in voting order, and the name of its last-counted vote; and every (entity, name)
    that voted, by entity."""
    if len(per_token) == 1:
        ents, ws, nids = per_token[0]
        return ents, ws, nids, ents, nids  # 0.0 + the one vote is the vote
    sorted_e64, at = _by_entity([v[0] for v in per_token])  # an entity's votes stay in voting order
    starts = _firsts(sorted_e64)
    group = np.cumsum(starts) - 1
    votes = np.bincount(group, weights=np.concatenate([v[1] for v in per_token])[at])
    sorted_n = np.concatenate([v[2] for v in per_token])[at]
    name_of = np.empty(len(votes), dtype=np.int32)
    name_of[group] = sorted_n  # the last vote's
    sorted_e = sorted_e64.astype(np.int32)
    return sorted_e[starts], votes.astype(np.float64, copy=False), name_of, sorted_e, sorted_n


def _pair_gains(pairs: list[tuple[_Votes, _Votes | None, _Votes | None]]) -> _Votes | None:
    """Per entity, the best of the gains ``joined - first - second`` of ``pairs`` (each: the votes of two
    words read as one, and of each word), where positive: the highest, ties to the earlier pair.

    Reference twin of ``_votes.pair_gains``: the test oracle (``tests/index``) and the interpreted
    fallback; never called when the compiled core is in use."""
    gains: list[_Votes] = []
    for (ents, ws, nids), first, second in pairs:
        gain = ws - _votes_at(first, ents) - _votes_at(second, ents)
        keep = gain > 0
        if keep.any():
            gains.append((ents[keep], gain[keep], nids[keep]))
    if len(gains) <= 1:
        return gains[0] if gains else None
    # each entity's best pair: best gain first, then an entity's first entry
    ents = np.concatenate([g[0] for g in gains])
    ws = np.concatenate([g[1] for g in gains])
    nids = np.concatenate([g[2] for g in gains])
    order = np.lexsort((-ws, ents))
    pick = order[_firsts(ents[order])]
    return ents[pick], ws[pick], nids[pick]


def _votes_at(votes: _Votes | None, ents: npt.NDArray[np.int32]) -> npt.NDArray[np.float64] | float:
    """The vote ``votes`` gives each of ``ents`` (0 where none)."""
    if votes is None:
        return 0.0
    have, ws, _ = votes
    pos = np.searchsorted(have, ents)
    pos[pos == len(have)] = 0
    return np.where(have[pos] == ents, ws[pos], 0.0)


# in C when the compiled core is in use (the same results: tests/index)
pair_gains: Callable[[list[tuple[_Votes, _Votes | None, _Votes | None]]], _Votes | None] = (
    _compiled_votes.pair_gains if _compiled_votes is not None else _pair_gains
)


def _first_desc(pair: tuple[float, int]) -> float:
    return -pair[0]


def _letter_bit(text: str) -> int:
    ch = text[:1]
    return 1 << (ord(ch) - 97) if "a" <= ch <= "z" else 1 << 26 if ch else 0
