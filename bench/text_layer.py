"""The text layer measured: speed of name_tokens / analyze_name, and how often phonetic keys meet.

    .venv/bin/python bench/text_layer.py

Speed: every primary name of the 2024-05-02 SDN list and every dev-set query, timed cold (empty
word caches) and warm. Key rates: for the dev set's ``real`` family (other authorities' own-script
spellings; the listed name is the SDN primary name of the expected entry) and the ``translit``
variation, the share of cases where at least one name token of the query has the phonetic key of a
name token of the listed name (``any``), and where every listed name token is met by key or
variant group (``all``); exact token equality is shown beside as the baseline.
"""

from __future__ import annotations

import csv
import json
import time
from collections import defaultdict
from pathlib import Path

from embargo.text import phonetic, translit
from embargo.text.names import analyze_name, name_tokens
from embargo.text.phonetic import phonetic_key, token_variants

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEV_SET = SHARED / "bench" / "ofac_variants_dev.jsonl"
SDN = SHARED / "data" / "lists" / "us_ofac_sdn" / "2024-05-02" / "sdn.csv"


def sdn_names() -> dict[str, str]:
    with SDN.open(encoding="latin-1", newline="") as fh:
        return {row[0]: row[1] for row in csv.reader(fh) if len(row) > 1}


def speed(names: list[str]) -> None:
    """CPU time (process_time: the machine may be shared), first pass with empty word caches."""
    translit.fold_word.cache_clear()
    phonetic._key.cache_clear()
    non_ascii = [n for n in names if not n.isascii()]
    for label in ("first, building the ICU transliterators", "word cache empty"):
        translit.fold_word.cache_clear()
        t0 = time.process_time()
        for n in non_ascii:
            name_tokens(n)
        rate = len(non_ascii) / (time.process_time() - t0)
        print(f"{len(non_ascii)} non-ASCII names, {label}: {rate:,.0f} names/s")
    translit.fold_word.cache_clear()
    for label in ("cold", "warm"):
        t0 = time.process_time()
        for n in names:
            name_tokens(n)
        t1 = time.process_time()
        for n in names:
            analyze_name(n)
        t2 = time.process_time()
        for n in names:
            for t in name_tokens(n):
                phonetic_key(t)
        t3 = time.process_time()
        print(
            f"{label}: name_tokens {len(names) / (t1 - t0):,.0f} names/s, "
            f"analyze_name {len(names) / (t2 - t1):,.0f} names/s, "
            f"name_tokens+phonetic_key {len(names) / (t3 - t2):,.0f} names/s"
        )


def _keys(tokens: tuple[str, ...]) -> set[str]:
    return {phonetic_key(t) for t in tokens}


def _met(token: str, query: tuple[str, ...], qkeys: set[str]) -> bool:
    if phonetic_key(token) in qkeys:
        return True
    groups = set(token_variants(token))
    return any(groups & set(token_variants(q)) for q in query)


def rates(rows: list[dict[str, str]], listed: dict[str, str]) -> None:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    misses: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        fam = "real" if r["family"] == "real" else r["variation"] if r["variation"] == "translit" else None
        if fam is None:
            continue
        name = r.get("listed_name") or listed.get(str(r["expected_source_id"]))
        if not name:
            continue
        q = analyze_name(r["query"]).tokens
        ln = analyze_name(name).tokens
        qk, lk = _keys(q), _keys(ln)
        for group in (fam, f"{fam}/{r['variation']}") if fam == "real" else (fam,):
            c = counts[group]
            c[0] += 1
            c[1] += bool(set(q) & set(ln))
            c[2] += bool(qk & lk)
            c[3] += all(_met(t, q, qk) for t in ln)
        if not qk & lk:
            misses[fam].append(f"{r['query']} | {name} | {q} {ln}")
    print(f"{'cases':38} {'n':>5} {'exact any':>10} {'key any':>8} {'key all':>8}")
    for group, (n, exact, anykey, allkey) in sorted(counts.items()):
        print(f"{group:38} {n:5d} {exact / n:10.3f} {anykey / n:8.3f} {allkey / n:8.3f}")
    for fam, lines in misses.items():
        print(f"-- {fam}: no key in common ({len(lines)})")
        for line in lines[:15]:
            print("  ", line)


def main() -> None:
    rows = [json.loads(line) for line in DEV_SET.open(encoding="utf-8")]
    listed = sdn_names()
    names = list(listed.values()) + [r["query"] for r in rows]
    speed(names)
    rates(rows, listed)


if __name__ == "__main__":
    main()
