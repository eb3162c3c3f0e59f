"""Configuration read from the environment, with defaults for a single machine."""

import os
import secrets
from pathlib import Path
from typing import Any


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


def load_config(instance_path: str) -> dict[str, Any]:
    """Return the app configuration from the environment."""
    instance = Path(instance_path)
    default_db = f"sqlite:///{instance / 'brobyg.sqlite3'}"
    return {
        "SECRET_KEY": _secret_key(instance),
        "DATABASE_URL": os.environ.get("BROBYG_DATABASE_URL", default_db),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("BROBYG_SECURE_COOKIES", "") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "da",
        "LANGUAGES": ("da", "en"),
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
    }
