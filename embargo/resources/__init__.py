"""Reference data as YAML (label tables, sector rules, country fixes, stopwords ...), reviewed like code.

:func:`load` is the one way the package reads these files: it refuses a value YAML did not read as a
string (an unquoted ``no`` is a boolean, ``0.02`` a number), naming the file and the key, so a table
never changes meaning through a YAML typing rule.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml

__all__ = ["load"]

# libyaml's parser where PyYAML was built with it (the same documents, several times sooner: the nickname
# table is read on a query's first nickname), else PyYAML's own
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _check(node: Any, where: str) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _check(key, where)
            _check(value, f"{where}/{key}")
    elif isinstance(node, list):
        for item in node:
            _check(item, where)
    elif not isinstance(node, str):
        raise ValueError(f"{where}: {node!r} is not a string; quote it")


def load(name: str) -> Any:
    """The parsed ``embargo/resources/<name>``, every key and value a string (or lists and maps of them)."""
    text = resources.files(__name__).joinpath(name).read_text("utf-8")
    data = yaml.load(text, Loader=_LOADER)
    _check(data, name)
    return data
