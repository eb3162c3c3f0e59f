"""Configuration read from the environment, with defaults for a single machine."""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app.links import is_local
from harvest.models import utcnow

SESSION_IDLE_HOURS = 8  # a session not used for this long ends
SESSION_MAX_HOURS = 12  # and every session ends this long after signing in


def _hours(name: str, default: int) -> timedelta:
    """Return the whole number of hours in environment variable `name` (else `default`)."""
    text = os.environ.get(name, "").strip()
    hours = int(text) if text.isascii() and text.isdigit() and int(text) > 0 else default
    return timedelta(hours=hours)


# Throttling (app/limits.py), each overridable as BROBYG_<NAME>. Sign-in limits count
# wrong passwords only; once one is reached, even the right password waits.
LIMITS = {
    "LIMIT_SIGNIN_ACCOUNT": "10 per 15 minutes",  # wrong passwords for one e-mail
    "LIMIT_SIGNIN_ADDRESS": "30 per 15 minutes",  # wrong passwords from one address
    "LIMIT_SUBSTANTIATION_LINK": "60 per 15 minutes",  # /s/<token> pages from one address
    "LIMIT_API_TOKEN": "600 per minute",  # API calls with one token
    "LIMIT_API_REFUSED": "30 per 15 minutes",  # API calls with a bad token from one address
}


def _secret_key(instance: Path) -> str:
    """Return BROBYG_SECRET_KEY, else a key kept in the instance folder (made once)."""
    configured = os.environ.get("BROBYG_SECRET_KEY")
    if configured:
        return configured
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _whole_number(name: str, default: int = 0) -> int:
    text = os.environ.get(name, "").strip()
    return int(text) if text.isascii() and text.isdigit() else default


def _sender(base_url: str) -> str:
    """Return the default From address: no-reply at the base URL's host."""
    host = urlsplit(base_url).hostname if base_url else ""
    return f"no-reply@{host}" if host and "." in host else "brobyg@localhost"


def load_config(instance_path: str) -> dict[str, Any]:
    """Return the app configuration from the environment."""
    instance = Path(instance_path)
    default_db = f"sqlite:///{instance / 'brobyg.sqlite3'}"
    base_url = os.environ.get("BROBYG_BASE_URL", "").strip().rstrip("/")
    # Secure cookies and HSTS unless Brobyg is only on this machine, or the operator says
    # it is plain http on purpose (a test lab): BROBYG_INSECURE_LOCAL_HTTP=1.
    insecure = os.environ.get("BROBYG_INSECURE_LOCAL_HTTP", "") == "1"
    secure = not insecure and not is_local(base_url)
    return {
        "SECRET_KEY": _secret_key(instance),
        "DATABASE_URL": os.environ.get("BROBYG_DATABASE_URL", default_db),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "SESSION_IDLE_TIMEOUT": _hours("BROBYG_SESSION_IDLE_HOURS", SESSION_IDLE_HOURS),
        "SESSION_MAX_AGE": _hours("BROBYG_SESSION_MAX_HOURS", SESSION_MAX_HOURS),
        # No signed cookie is accepted past the longest a session may last.
        "PERMANENT_SESSION_LIFETIME": _hours("BROBYG_SESSION_MAX_HOURS", SESSION_MAX_HOURS),
        "CLOCK": utcnow,  # what time it is for sessions; tests move it
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
        "HSTS": secure,
        "BASE_URL": base_url,
        "PROXY_HOPS": _whole_number("BROBYG_PROXY_HOPS"),
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "da",
        "LANGUAGES": ("da", "en"),
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "REDIS_URL": os.environ.get("BROBYG_REDIS_URL", ""),
        # E-mail (app/mail.py) only when an SMTP server is named; else links are shown to copy.
        "SMTP_URL": os.environ.get("BROBYG_SMTP_URL", "").strip(),
        "MAIL_FROM": os.environ.get("BROBYG_MAIL_FROM", "").strip() or _sender(base_url),
        "REMINDER_DAYS": _whole_number("BROBYG_REMINDER_DAYS", 7) or 7,
        # Health and readiness fail when a disk Brobyg writes to has less room (MB).
        "MIN_FREE_MB": _whole_number("BROBYG_MIN_FREE_MB", 100),
        **{key: os.environ.get(f"BROBYG_{key}", value) for key, value in LIMITS.items()},
    }
