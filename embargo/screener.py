"""The Python API for screening: ``Screener`` over the lists in force.

>>> screener = Screener.from_store()                      # the lists in force today
>>> screener.screen("Dmitri Rogosin")[0].entity.source_id
'16649'

The class lives in :mod:`embargo.service.screener`; a long-lived program that wants reloads, past
dates and source filters uses :class:`embargo.service.snapshot.ScreeningService`.
"""

from embargo.service.screener import Screener

__all__ = ["Screener"]
