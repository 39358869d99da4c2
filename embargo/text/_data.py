"""Reference data of the text layer: YAML files under ``embargo/resources``, read by its checked loader."""

from __future__ import annotations

from embargo.resources import load

__all__ = ["load"]
