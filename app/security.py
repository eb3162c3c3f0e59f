"""Security headers on every response: a strict Content-Security-Policy and friends,
HSTS when Brobyg is served beyond this machine, and `no-store` on everything private.

No inline script or style is allowed anywhere, so templates load static files only.
"""

from flask import Flask, Response, request
from flask_login import current_user

HSTS = "max-age=31536000"  # a year; no includeSubDomains: the municipality owns those


def _private() -> bool:
    """Tell whether this response belongs to a signed-in user or an API caller."""
    if request.endpoint == "static":
        return False
    return "Authorization" in request.headers or bool(current_user.is_authenticated)


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def init_app(app: Flask) -> None:
    """Add the security headers to every response."""

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if app.config.get("HSTS"):
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if _private():  # drafts and names must not stay in a shared or back-button cache
            response.headers["Cache-Control"] = "no-store"
        return response
