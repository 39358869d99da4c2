"""The web page: server-rendered HTML over the service (search, entity history, list versions and diffs).

``embargo.web.routes.router`` is a FastAPI router mounted at ``/ui``; the HTTP API app includes it.
"""
