"""Who is looking at the page: the login, the session cookie and the CSRF token of every POST form.

Once an API key or a user exists (see ``embargo users create``), every ``/ui`` page asks for a login: a user
name and password, or an API key. The session is a random token in an ``HttpOnly``, ``SameSite=Strict``
cookie (``Secure`` over HTTPS); the store keeps only its hash and the CSRF token its forms must carry.
Before any credentials exist the page is open and its forms carry a token that must match a cookie of
its own (the double-submit pattern). Failed logins count against the client like failed API keys.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote

from fastapi import HTTPException, Request
from fastapi.responses import Response

from embargo.api.context import SESSION_COOKIE, client_of
from embargo.api.throttle import Throttle
from embargo.service import permissions
from embargo.service.access import KeyStore, open_access

CSRF_COOKIE = "embargo_csrf"
CSRF_FIELD = "csrf"
MAX_FORM = 64 * 1024


@dataclass(frozen=True)
class Visitor:
    """The person behind a request: ``user`` (None while the page is open to all), the CSRF token their
    forms carry, whether that token still has to be sent as a cookie, and what they may do (``grant``: the
    user's role or their key's scope; None while the page is open to all, who may do anything)."""

    user: str | None
    csrf: str
    new_csrf: bool = False
    grant: str | None = None

    def may(self, action: str) -> bool:
        """Whether the visitor may do ``action`` (see :mod:`embargo.service.permissions`)."""
        return self.grant is None or permissions.allows(self.grant, action)

    def check(self, action: str) -> None:
        """PermissionDenied, saying who they are and what is needed, unless they may do ``action``."""
        if self.grant is not None:
            kind = "scope" if self.user and self.user.startswith("key:") else "role"
            permissions.check(self.grant, action, f"{self.user} ({kind} '{self.grant}')")


@dataclass(frozen=True)
class Gate:
    keys: KeyStore
    throttle: Throttle
    needed: bool  # credentials exist (or are required): a login is needed


def gate(request: Request, db: Path | str) -> Gate:
    """The key store and throttle: the API's, when the page runs inside the API app, else the page's own
    over the store at ``db``."""
    state = request.app.state
    ctx = getattr(state, "embargo", None)
    if ctx is not None:
        from embargo.api.context import auth_needed

        return Gate(ctx.keys, ctx.throttle, auth_needed(ctx))
    own = getattr(state, "web_gate", None)
    if own is None:
        own = state.web_gate = (open_access(db).keys, Throttle())
    return Gate(own[0], own[1], own[0].any_keys())


def anonymous(request: Request) -> Visitor:
    token = request.cookies.get(CSRF_COOKIE, "")
    if len(token) >= 20:
        return Visitor(None, token)
    return Visitor(None, secrets.token_urlsafe(24), new_csrf=True)


def visitor(request: Request, db: Path | str) -> Visitor:
    """The logged-in visitor; a redirect to the login page (303) when a login is needed and there is none."""
    g = gate(request, db)
    token = request.cookies.get(SESSION_COOKIE)
    session = g.keys.session(token) if token else None
    if session is not None:
        request.state.user = session.user
        request.state.key_id = session.key_id
        return Visitor(session.user, session.csrf, grant=session.grant)
    if g.needed:
        target = request.url.path
        raise HTTPException(
            303, "log in first", headers={"Location": f"/login?next={quote(target, safe='/')}"}
        )
    return anonymous(request)


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path on this site only (never another host)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/ui"
    return target


async def read_form(request: Request) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body (the last value of a repeated field)."""
    body = await request.body()
    if len(body) > MAX_FORM:
        raise HTTPException(413, f"the form is larger than {MAX_FORM // 1024} KiB")
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def csrf_ok(visitor: Visitor, form: dict[str, str]) -> bool:
    given = form.get(CSRF_FIELD, "")
    return bool(given) and not visitor.new_csrf and hmac.compare_digest(given, visitor.csrf)


def set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


def finish(request: Request, response: Response, visitor: Visitor) -> Response:
    """Send the CSRF cookie along when the visitor did not have one yet."""
    if visitor.new_csrf:
        set_cookie(request, response, CSRF_COOKIE, visitor.csrf)
    return response


def login(request: Request, db: Path | str, form: dict[str, str]) -> tuple[str, str | None] | str:
    """Check a login form: ``(user, key id)`` on success, else the message to show. Runs in a worker thread
    (a password check is a deliberately slow scrypt)."""
    g = gate(request, db)
    client = client_of(request)
    wait = g.throttle.wait(client)
    if wait:
        return f"too many failed logins from this address; retry in {wait} s"
    presented = form.get("api_key", "").strip()
    if presented:
        key = g.keys.verify(presented)
        if key is not None:
            return f"key:{key.id}", key.id
        g.throttle.failed(client)
        return "the API key is not valid (unknown, malformed or revoked)"
    name = form.get("name", "").strip()
    user = g.keys.check_user(name, form.get("password", "")) if name else None
    if user is not None:
        return user.name, None
    g.throttle.failed(client)
    return "wrong user name or password"


def open_session(request: Request, db: Path | str, user: str, key_id: str | None, target: str) -> Response:
    token, _session = gate(request, db).keys.open_session(user, key_id)
    response = Response(status_code=303, headers={"Location": safe_next(target)})
    set_cookie(request, response, SESSION_COOKIE, token)
    return response


def logout(request: Request, db: Path | str) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        gate(request, db).keys.close_session(token)
    response = Response(status_code=303, headers={"Location": "/login"})
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response
