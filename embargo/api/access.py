"""API keys and web users over HTTP, for admins: list, create, revoke or disable, change a role.

A new key is shown once, in the answer that creates it (only its salted hash is stored).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from pydantic import BaseModel, Field

from embargo.api.context import JSONBytes, context, require_admin
from embargo.errors import StoreError

router = APIRouter(prefix="/admin", dependencies=[Depends(require_admin)], tags=["Access"])
KeyId = Annotated[str, Path(max_length=64, description="The key's id (the part after emb_)")]
UserName = Annotated[str, Path(max_length=64)]


class KeyIn(BaseModel):
    scope: str = Field(description="screen, reviewer or admin")
    label: str | None = Field(default=None, max_length=200)


class UserIn(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1000)
    role: str = Field(default="analyst", description="analyst, reviewer or admin")


class RoleIn(BaseModel):
    role: str = Field(description="analyst, reviewer or admin")


def _store_call(fn: Any, *args: Any, missing: int = 422) -> Any:
    """A key store call; its errors as 404 (an unknown key or user) or ``missing``."""
    try:
        return fn(*args)
    except StoreError as exc:
        raise HTTPException(404 if str(exc).startswith("no ") else missing, str(exc)) from None


@router.get("/keys", summary="API keys (never the keys themselves)")
def keys_list(request: Request) -> JSONBytes:
    return JSONBytes([k.to_dict() for k in context(request).keys.list_keys()])


@router.post("/keys", status_code=201, summary="Create an API key (shown once)")
def keys_create(request: Request, body: KeyIn) -> JSONBytes:
    """A new key of a scope: ``screen`` (screen and read), ``reviewer`` (also decide alerts) or ``admin``."""
    key, secret = _store_call(context(request).keys.create, body.scope, body.label)
    return JSONBytes({**key.to_dict(), "key": secret}, status_code=201)


@router.delete("/keys/{key_id}", summary="Revoke an API key (and the web sessions it opened)")
def keys_revoke(request: Request, key_id: KeyId) -> JSONBytes:
    return JSONBytes(_store_call(context(request).keys.revoke, key_id).to_dict())


@router.get("/users", summary="Web users and their roles")
def users_list(request: Request) -> JSONBytes:
    return JSONBytes([u.to_dict() for u in context(request).keys.list_users()])


@router.post("/users", status_code=201, summary="Create a web user with a role")
def users_create(request: Request, body: UserIn) -> JSONBytes:
    user = _store_call(context(request).keys.create_user, body.name, body.password, body.role)
    return JSONBytes(user.to_dict(), status_code=201)


@router.put("/users/{name}/role", summary="Give a web user another role")
def users_role(request: Request, name: UserName, body: RoleIn) -> JSONBytes:
    return JSONBytes(_store_call(context(request).keys.set_role, name, body.role).to_dict())


@router.delete("/users/{name}", summary="Disable a web user (and end their sessions)")
def users_disable(request: Request, name: UserName) -> JSONBytes:
    return JSONBytes(_store_call(context(request).keys.disable_user, name).to_dict())
