"""One module per official file format. Each module defines ``NAME``, ``sniff``,
``companions`` and ``parse`` (see :class:`embargo.sources.base.Format`)."""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import cast

from embargo.sources.base import Format

FORMAT_MODULES: tuple[str, ...] = (
    "embargo.sources.ofac.csv_format",
    "embargo.sources.ofac.xml_format",
    "embargo.sources.ofac.enhanced",
    "embargo.sources.un_sc",
    "embargo.sources.ch_seco",
    "embargo.sources.eu_fsf",
    "embargo.sources.uk_ofsi",
    "embargo.sources.uk_fcdo",
    "embargo.sources.jp_mof",
    "embargo.sources.jp_mof_csv",
    "embargo.sources.jp_meti_eul",
    "embargo.sources.au_dfat",
    "embargo.sources.us_csl",
    "embargo.sources.us_bis_dpl",
    "embargo.sources.ca_sema",
)


@lru_cache(maxsize=1)
def formats() -> tuple[Format, ...]:
    """Every format module that is installed, in sniffing order."""
    found = []
    for name in FORMAT_MODULES:
        try:
            found.append(cast(Format, importlib.import_module(name)))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return tuple(found)
