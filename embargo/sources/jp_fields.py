"""Field helpers for Japan's lists (MOF asset freezes, METI End User List): pure text in, values out.

The lists print Japanese and English side by side: a cell holds a Japanese line and an English line,
items are enumerated ``(a)X (b)Y`` or separated by ``、`` ``；`` ``;``, an English alias list may be
wrapped in ``(a.k.a.: ...)``, and dates are written ``2022.3.1``, ``1963年4月11日``, ``1963/4/11``, as
Excel dates or as Excel serial numbers. Full-width letters and digits are folded (NFKC) first.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from embargo.resources import load
from embargo.sources.listfields import country_codes, dates_in
from embargo.sources.values import serial_or_year

_JAPANESE = re.compile("[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_AKA = re.compile(r"\(?\s*(?:\b(?:a\.\s?k\.\s?a|f\.\s?k\.\s?a)\b\.?|別称|別名|旧称)\s*[:、]?\s*", re.I)
_ORIGINAL = re.compile(r"^\(?\s*original script\s*:\s*(.+?)\s*\)?\s*$", re.I)
_PAREN = re.compile(r"\(([^()]*)\)")
_JP_DATE = re.compile(r"(\d{4})\s*[年./\-]\s*(\d{1,2})\s*(?:[月./\-]\s*(\d{1,2})\s*日?)?|(\d{4})\s*年")
_UNKNOWN = frozenset(("不明", "なし", "無し", "-", "－", "―", "unknown", "n/a", "na", "none"))
# bracketed words after a Japanese name that qualify it rather than name it (self-proclaimed, so-called)
_QUALIFIERS = frozenset(("自称", "いわゆる", "通称"))
_DESCRIPTOR = re.compile(r"生年月日|出生地|国籍|DOB|POB|born|\d{4}")


def fold(text: str | None) -> str:
    """NFKC (full-width letters, digits and brackets to ASCII), ideographic spaces to spaces, stripped."""
    if not text:
        return ""
    return unicodedata.normalize("NFKC", text).replace("\u3000", " ").strip()


def is_japanese(text: str) -> bool:
    """Written (partly) in kana or kanji."""
    return _JAPANESE.search(text) is not None


def known(text: str | None) -> str | None:
    """The text, or None for the lists' placeholders (``不明`` unknown, ``なし`` none, ``-``)."""
    s = fold(text).strip(" .;,、")
    return None if not s or s.lower() in _UNKNOWN else s


@lru_cache(maxsize=1)
def jp_countries() -> dict[str, str]:
    """Japanese country names the lists print -> ISO alpha-2 (``jp_mof.yml``)."""
    data: dict[str, str] = load("jp_mof.yml")["countries"]
    return data


def countries_in(text: str | None) -> list[str]:
    """Country codes a nationality or place cell names, in Japanese (``エジプト``) or English."""
    s = known(text)
    if s is None:
        return []
    found: list[str] = []
    for item in re.split(r"[\n;、,/]|\)|\(|又は|及び|\b(?:and|or)\b", s):
        item = re.sub(r"^\s*\(?[a-h]\)\s*", "", item).strip(" .")
        if not item:
            continue
        jp = "".join(ch for ch in item if is_japanese(ch) or ch == "・")
        code = jp_countries().get(jp) if jp else None
        if code is None and jp:  # "ウラン・ウデ(ロシア)": a Japanese place ending with a country's name
            code = next((c for name, c in jp_countries().items() if jp.endswith(name)), None)
        if code is None:
            latin = re.sub(r"[^A-Za-z .'\-]", " ", item).strip()
            code = next(iter(country_codes(latin)[0]), None) if latin else None
        if code:
            found.append(code)
    return list(dict.fromkeys(found))


def jp_dates(text: str | None) -> list[str]:
    """Dates a cell means: ``1963年4月11日`` ``2022.3.1`` ``1963/4/11`` ``1965年`` ISO, an Excel serial
    number, or English (``Born on 10 July 1942``): partial ISO dates, in order, without repeats."""
    s = fold(text)
    if not s:
        return []
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        return [s]
    if re.fullmatch(r"\d{4,5}", s):
        return serial_or_year(int(s))
    out: list[str] = []
    for m in _JP_DATE.finditer(s):
        if m.group(4):
            out.append(m.group(4))
            continue
        year, month, day = int(m.group(1)), int(m.group(2)), m.group(3)
        if not 1 <= month <= 12 or (day and not 1 <= int(day) <= 31):
            continue
        out.append(f"{year:04d}-{month:02d}" + (f"-{int(day):02d}" if day else ""))
    if not out:
        out = dates_in(s)
    return list(dict.fromkeys(out))


def notice_dates(text: str | None) -> tuple[str | None, list[str], bool]:
    """``告示日付``: (the designation's date, the amendments' dates, deleted?).

    ``2001.9.22\\n2008.6.25改訂`` -> (2001-09-22, [2008-06-25], False); ``2011.11.18削除`` -> deleted.
    """
    first: str | None = None
    amended: list[str] = []
    deleted = False
    for line in fold(text).splitlines():
        dates = jp_dates(line)
        if "削除" in line:
            deleted = True
        elif dates and ("改訂" in line or "修正" in line or first is not None):
            amended.extend(dates)
        elif dates:
            first = dates[0]
    return first, amended, deleted


def _unwrap(line: str) -> str:
    """``(a.k.a.: X; Y)`` / ``（X、Y）`` -> ``X; Y``."""
    s = _AKA.sub("", line).strip()
    if s.endswith(")") and s.count(")") > s.count("("):  # "(a.k.a.: X)": its opening bracket went with a.k.a.
        s = s[:-1].strip()
    while s.startswith("(") and s.endswith(")") and _balanced(s[1:-1]):
        s = s[1:-1].strip()
    return s


def _balanced(s: str) -> bool:
    depth = 0
    for ch in s:
        depth += 1 if ch == "(" else -1 if ch == ")" else 0
        if depth < 0:
            return False
    return depth == 0


def split_top(s: str, seps: str) -> list[str]:
    """Split on any of ``seps`` outside brackets."""
    out: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in s:
        depth += 1 if ch == "(" else -1 if ch == ")" and depth else 0
        if ch in seps and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return out


def split_names(cell: str | None) -> list[str]:
    """A name-list cell (aliases, former names) -> the names, Japanese and Latin, in order.

    Items are separated by ``;`` where the list uses it (a comma then stays inside a name: ``Es Sayed,
    Kader``), else by ``(a) (b)`` markers, else by ``、`` (and by ``,`` in English lines); placeholders
    and descriptions (dates of birth, nationality) in brackets are dropped.
    """
    out: list[str] = []
    for raw in fold(cell).splitlines():
        line = _unwrap(raw)
        if not line:
            continue
        if ";" in line:
            items = split_top(line, ";")
        else:
            marked = enumerated(line)
            items = marked if len(marked) > 1 else split_top(line, "、" if is_japanese(line) else "、,")
        for item in items:
            out.extend(_item_names(item))
    return list(dict.fromkeys(out))


_MARKS = re.compile(r"\(\s*([a-z]|\d{1,2})\s*\)")


def enumerated(line: str) -> list[str]:
    """``(a)X (b)Y`` / ``(1)X(2)Y`` -> the items, markers counting up from a or 1 (also when, as in
    Japanese text, no space stands before a marker); else ``[line]``."""
    cuts: list[tuple[int, int]] = []
    expect = None
    for m in _MARKS.finditer(line):
        tok = m.group(1)
        n = int(tok) if tok.isdigit() else ord(tok) - ord("a") + 1
        if (expect is None and n == 1) or n == expect:
            cuts.append((m.start(), m.end()))
            expect = n + 1
    if not cuts:
        return [line]
    items = [line[: cuts[0][0]]] + [
        line[end : cuts[i + 1][0] if i + 1 < len(cuts) else len(line)] for i, (_, end) in enumerate(cuts)
    ]
    return [i for i in (x.strip(" 、,;") for x in items) if i]


def _item_names(item: str) -> list[str]:
    s = _unwrap(re.sub(r"^\s*\(?[a-z]\)\s*", "", item.strip(" 、.・\t")))
    if not s:
        return []
    names: list[str] = []
    for inner in _PAREN.findall(s):  # "フランク・カコレレ(FRANK KAKORERE)": the reading's Latin spelling
        if inner.strip() and not is_japanese(inner) and is_japanese(s) and not _DESCRIPTOR.search(inner):
            names.append(inner.strip())
    if is_japanese(s):
        s = _PAREN.sub(" ", s)
    else:
        s = _PAREN.sub(lambda m: " " if _DESCRIPTOR.search(m.group(1)) else m.group(0), s)
    s = " ".join(s.split()).strip(" 、.,;")
    if known(s) is not None:
        names.insert(0, s)
    return names


def japanese_names(cell: str | None) -> list[str]:
    """A ``日本語表記`` cell -> its names: a bracketed word inside the name is a variant of the word before
    it (``オレクサンドル(アレクサンドル)・ヤヌコーヴィチ`` -> also ``アレクサンドル・ヤヌコーヴィチ``); a
    bracket ending the name is a name of its own (``VEB.RF(ロシア対外経済銀行)`` -> ``ロシア対外経済銀行``)."""
    out: list[str] = []
    for line in fold(cell).splitlines():
        line = line.strip()
        tail = re.search(r"\(([^()]*)\)\s*$", line)
        if tail:
            out.extend(a for a in _alternatives(tail.group(1)) if a not in _QUALIFIERS)
            line = line[: tail.start()]
        out.extend(_with_variants(line))
    return list(dict.fromkeys(n.strip('「」『』"“” ') for n in out if known(n)))


def latin_names(cell: str | None) -> tuple[list[str], list[str]]:
    """An ``英語表記`` cell -> (Latin names, names in their original script).

    ``Sergey(Sergei) AKSYONOV(AKSENOV)`` gives ``Sergey AKSYONOV`` and ``Sergei AKSENOV``; a bracketed
    phrase of several words is a name of its own (``Rosneft Aero(RN AERO)`` -> ``RN AERO``).
    """
    names: list[str] = []
    originals: list[str] = []
    for line in fold(cell).splitlines():
        line = line.strip()
        m = _ORIGINAL.match(line)
        if m:
            originals.append(m.group(1).strip())
        elif line:
            names.extend(_with_variants(line))
    return list(dict.fromkeys(n for n in names if n)), originals


def _alternatives(inner: str) -> list[str]:
    return [" ".join(v.split()) for v in re.split(r"[,/、]", inner) if v.strip()]


def _tidy(name: str) -> str:
    return re.sub(r"\s*・\s*", "・", " ".join(name.split())).strip(" ・")


def _with_variants(line: str) -> list[str]:
    """The name without its bracketed variants, then with the k-th variant of each bracket put in place
    of the word before it (``Sergey(Sergei) AKSYONOV(AKSENOV/AKSENOFF)`` -> ``Sergey AKSYONOV``,
    ``Sergei AKSENOV``, ``Sergei AKSENOFF``); a bracketed phrase of several words is a name of its own."""
    names = [_tidy(_PAREN.sub(" ", line))]
    groups = [_alternatives(m.group(1)) for m in _PAREN.finditer(line)]
    words = [alts for alts in groups if alts and all(" " not in a for a in alts)]
    for k in range(max((len(a) for a in words), default=0)):

        def put(m: re.Match[str], k: int = k) -> str:
            alts = _alternatives(m.group(2))
            if not alts or any(" " in a for a in alts):
                return m.group(1)
            return alts[min(k, len(alts) - 1)]

        names.append(_tidy(_PAREN.sub(" ", re.sub(r"([^\s()・]+)\s*\(([^()]*)\)", put, line))))
    names.extend(a for alts in groups if any(" " in a for a in alts) for a in alts)
    return [n for n in names if n]


def lines(cell: str | None) -> list[str]:
    """A cell's non-placeholder lines (titles, positions, notes)."""
    return [s for line in fold(cell).splitlines() if (s := known(line))]
