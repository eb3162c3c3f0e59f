"""Counts on pages the public and staff see: small ones are shown as "under 3".

The rule lives in `harvest.privacy.is_small`; the threshold is `BROBYG_SMALL_COUNT` (default 3).
"""

import os

from flask import Flask, current_app
from flask_babel import gettext as _

from harvest.privacy import SMALL_COUNT, is_small


def public_count(count: int) -> str:
    """Return `count` as a public page shows it: "under 3" when it is small, 0 as 0."""
    threshold = current_app.config["SMALL_COUNT"]
    if is_small(count, threshold):
        return _("under %(n)s", n=threshold)
    return str(count)


def init_app(app: Flask) -> None:
    """Read the threshold and offer `public_count` to the templates as a filter."""
    text = os.environ.get("BROBYG_SMALL_COUNT", "").strip()
    threshold = int(text) if text.isascii() and text.isdigit() and int(text) > 0 else SMALL_COUNT
    app.config.setdefault("SMALL_COUNT", threshold)
    app.add_template_filter(public_count, "public_count")
