"""The party page, ``/ui/party/{ref}``: one party's listings side by side (each authority's names,
aliases, birth dates, identifiers and programmes, values not given alike highlighted), who designated it
first and who followed, who has since delisted it, and why its listings are one party. The view is the
service's party view (:mod:`embargo.service.party_view`), as ``embargo party`` prints it, over the
screening snapshot's parties."""

from __future__ import annotations

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from embargo.api.context import context
from embargo.errors import StoreError
from embargo.web.routes import Seen, error_page, page, router


@router.get("/party/{ref:path}", response_class=HTMLResponse)
async def party(request: Request, visitor: Seen, ref: str) -> Response:
    """``ref``: a party id, an embargo id or ``SOURCE:LIST_ID`` (the party of that listing). The parties
    are the screening snapshot's, resolved once per snapshot with the delisted entries."""
    request.state.audit = {"query": {"party": ref}}
    try:
        view = await run_in_threadpool(context(request).screening.party, ref.strip())
    except StoreError as exc:
        return error_page(request, visitor, str(exc), 404, "No such party")
    return page(request, visitor, "party.html", view=view, timeline=view.timeline())
