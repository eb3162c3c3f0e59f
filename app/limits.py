"""Throttling (Flask-Limiter): wrong sign-ins per account and per address, the
substantiation link page per address, and the API per token.

Counts live in Redis when BROBYG_REDIS_URL is set, so every app process shares them;
otherwise in this app's own memory, which only suits the single-process default. Each
app gets a limiter of its own (a test's app never sees another test's counts). Over a
limit the answer is 429 with `Retry-After`: a translated page on the web, JSON in the API.
"""

import hashlib
import logging
from collections.abc import Callable

from flask import Flask, Response, current_app, request
from flask_limiter import Limiter, RequestLimit

from app import api

log = logging.getLogger("brobyg.limits")
LIMITER = "brobyg.limiter"
WRONG_PASSWORD = 422  # what /login answers to a wrong e-mail or password


def client_address() -> str:
    """Return the caller's address (from X-Forwarded-For only when BROBYG_PROXY_HOPS says)."""
    return request.remote_addr or "unknown"


def _address_key() -> str:
    return f"address:{client_address()}"


def _account_key() -> str:
    return "account:" + request.form.get("email", "").strip().lower()[:254]


def _token_key() -> str:
    """Key API calls by their token's fingerprint (never the token), else by address."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return "token:" + hashlib.sha256(token.strip().encode()).hexdigest()[:32]
    return _address_key()


def _wrong_password(response: Response) -> bool:
    return response.status_code == WRONG_PASSWORD


def _signin_refused(limit: RequestLimit) -> None:
    log.warning(
        "sign-in throttled (%s) for %r from %s",
        limit.limit,
        request.form.get("email", ""),
        client_address(),
    )


def _refused_token(response: Response) -> bool:
    return response.status_code == 401


def _setting(name: str) -> Callable[[], str]:
    """Read the limit `name` from the app's configuration on each request."""
    return lambda: str(current_app.config[name])


def limiter_of(app: Flask) -> Limiter:
    """Return the limiter of `app`."""
    limiter: Limiter = app.extensions[LIMITER]
    return limiter


def init_app(app: Flask) -> None:
    """Give `app` its limiter and put the limits on sign-in, /s/<token> and the API.

    Call after the blueprints are registered: the limits wrap their views."""
    config = app.config
    limiter = Limiter(
        key_func=_address_key,
        app=app,
        storage_uri=config.get("REDIS_URL") or "memory://",
        strategy="moving-window",
        headers_enabled=True,
        key_prefix="brobyg",
        enabled=config.get("RATELIMIT_ENABLED", True),
    )
    app.extensions[LIMITER] = limiter
    login = app.view_functions["auth.login"]
    login = limiter.limit(
        _setting("LIMIT_SIGNIN_ACCOUNT"),
        key_func=_account_key,
        methods=["POST"],
        deduct_when=_wrong_password,
        on_breach=_signin_refused,
    )(login)
    login = limiter.limit(
        _setting("LIMIT_SIGNIN_ADDRESS"),
        key_func=_address_key,
        methods=["POST"],
        deduct_when=_wrong_password,
        on_breach=_signin_refused,
    )(login)
    app.view_functions["auth.login"] = login
    app.view_functions["substantiation.respond"] = limiter.limit(
        _setting("LIMIT_SUBSTANTIATION_LINK"), key_func=_address_key
    )(app.view_functions["substantiation.respond"])
    limiter.limit(_setting("LIMIT_API_TOKEN"), key_func=_token_key)(api.bp)
    limiter.limit(_setting("LIMIT_API_REFUSED"), key_func=_address_key, deduct_when=_refused_token)(
        api.bp
    )
