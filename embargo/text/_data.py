"""Reference data of the text layer: YAML files under ``embargo/resources``, checked on load."""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml


def _check(node: Any, where: str) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _check(key, where)
            _check(value, f"{where}/{key}")
    elif isinstance(node, list):
        for item in node:
            _check(item, where)
    elif not isinstance(node, str):
        # YAML reads unquoted no/on/yes/off as booleans and digits as numbers: quote them in the file.
        raise ValueError(f"{where}: {node!r} is not a string; quote it")


def load(name: str) -> Any:
    """The parsed ``embargo/resources/<name>``, every key and value a string (or lists and maps of them)."""
    text = resources.files("embargo.resources").joinpath(name).read_text("utf-8")
    data = yaml.safe_load(text)
    _check(data, name)
    return data
