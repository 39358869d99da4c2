"""The web page: server-rendered HTML over the service (search, entity history, list versions and diffs,
the timeline and the change digest, the party page).

``embargo.web.routes.router`` is a FastAPI router mounted at ``/ui``; the HTTP API app includes it. The
timeline and digest pages (:mod:`embargo.web.pages`) and the party page (:mod:`embargo.web.party`)
register themselves on it when the package is imported, so neither module imports the other's importer.
"""

from embargo.web import pages as _pages  # noqa: F401
from embargo.web import party as _party  # noqa: F401
