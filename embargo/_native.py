"""The screening core compiled to C by mypyc, used when it was built from the sources as they are now.

``scripts/build_native.py`` (run by ``scripts/setup.sh``) compiles the modules in ``MODULES`` into
``.native/`` beside the package, with the C extensions of ``EXTENSIONS`` (hand-written C where numpy's
cost per call outweighed the work), and writes a manifest of the sources' digests. ``install()`` (called
when ``embargo`` is imported) puts a finder in front of the import system that loads those compiled
modules, but only if every source still has the digest it was compiled from: a module edited since
its build runs interpreted, as written, with a warning, never as stale machine code. The compiled
and interpreted modules give the same results (``tests/test_native.py`` checks it). ``EMBARGO_NATIVE=0``
turns them off.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

MODULES: tuple[str, ...] = (
    "embargo.text.normalize",
    "embargo.text.translit",
    "embargo.text.phonetic",
    "embargo.text.names",
    "embargo.text.legal_forms",
    "embargo.text.identifiers",
    "embargo.names.prepare",
    "embargo.names.views",
    "embargo.names.readings",
    "embargo.names.arabic",
    "embargo.match.types",
    "embargo.match.names",
    "embargo.match.features",
    "embargo.match.reading",
    "embargo.match.scoring",
    "embargo.match.embargo_v1",
    "embargo.match.embargo_v2",
    "embargo.match.algorithm",
    "embargo.index.memory",
    "embargo.service.screener",
)
# C extensions built beside them: module -> its C source (see each source for what it does)
EXTENSIONS: dict[str, str] = {
    "embargo.index._rank": "embargo/index/_rank.c",
    "embargo.index._votes": "embargo/index/_votes.c",
    "embargo.match._align": "embargo/match/_align.c",
    "embargo.names._view": "embargo/names/_view.c",
    "embargo.text._phonetic": "embargo/text/_phonetic.c",
}
HEADERS: tuple[str, ...] = (
    "embargo/index/_arrays.h",
    "embargo/_hash.h",
    "embargo/names/_view.h",
)  # C included by those: a change is a rebuild too
GROUP = "embargo_native"  # mypyc's shared library of the group: GROUP + "__mypyc"

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
BUILD = ROOT / ".native"
MANIFEST = BUILD / "manifest.json"


def source(module: str) -> Path:
    return ROOT.joinpath(*module.split(".")).with_suffix(".py")


def digests() -> dict[str, str]:
    """The SHA-256 of each compiled source, with the interpreter's version (an ABI change is a rebuild)."""
    out = {m: hashlib.sha256(source(m).read_bytes()).hexdigest() for m in MODULES}
    for m, c in EXTENSIONS.items():
        out[m] = hashlib.sha256((ROOT / c).read_bytes()).hexdigest()
    for h in HEADERS:
        out[h] = hashlib.sha256((ROOT / h).read_bytes()).hexdigest()
    out["python"] = sys.version
    return out


def changed() -> list[str] | None:
    """What changed since the build (modules, "python"): empty if nothing did, None if there is no build."""
    try:
        built = json.loads(MANIFEST.read_text())
    except (OSError, ValueError):
        return None
    now = digests()
    return sorted(k for k in now.keys() | built.keys() if built.get(k) != now.get(k))


def status() -> str:
    """'compiled' (in use), 'off' (EMBARGO_NATIVE=0), 'absent' (never built) or 'stale: <modules>'."""
    if os.environ.get("EMBARGO_NATIVE", "1") == "0":
        return "off"
    since = changed()
    if since is None:
        return "absent"
    return f"stale: {', '.join(since)}" if since else "compiled"


def _extension(name: str) -> Path | None:
    base = BUILD.joinpath(*name.split("."))
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = base.with_name(base.name + suffix)
        if path.is_file():
            return path
    return None


class _Finder(importlib.abc.MetaPathFinder):
    """Finds the compiled modules (and their group's shared library) in ``.native/``."""

    def __init__(self, names: set[str]) -> None:
        self.names = names

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.names:
            return None
        ext = _extension(fullname)
        if ext is None:
            return None
        loader = importlib.machinery.ExtensionFileLoader(fullname, str(ext))
        return importlib.util.spec_from_file_location(fullname, ext, loader=loader)


_installed = False


def install() -> str:
    """Use the compiled modules if they are current; return ``status()``. Idempotent."""
    global _installed
    state = status()
    if _installed or state != "compiled":
        if state.startswith("stale"):
            warnings.warn(
                f"embargo's compiled core is older than its sources ({state[7:]}); running them interpreted "
                "(slower, same results). Run `make setup` to compile again.",
                RuntimeWarning,
                stacklevel=2,
            )
        return state
    names = {*MODULES, *EXTENSIONS, f"{GROUP}__mypyc"}
    if all(_extension(n) is not None for n in names):
        sys.meta_path.insert(0, _Finder(names))
        _installed = True
        return state
    return "absent"


def active() -> bool:
    """True if the compiled modules are the ones imported."""
    mod = sys.modules.get("embargo.match.names")
    return mod is not None and not (mod.__file__ or "").endswith(".py")


def reduce_frozen(obj: Any) -> tuple[type[Any], tuple[Any, ...]]:
    """``__reduce__`` for a frozen dataclass: rebuilt by its constructor.

    Compiled, a frozen dataclass pickles by setting its attributes one by one, which its frozen
    ``__setattr__`` refuses; through the constructor it pickles the same compiled or not.
    """
    return type(obj), tuple(getattr(obj, f.name) for f in dataclasses.fields(obj) if f.init)
