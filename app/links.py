"""Addresses Brobyg gives out: every link sent or shown to be sent starts at the base URL
(`BROBYG_BASE_URL`), never at the Host header of the request that made it; and the
proxy in front (`BROBYG_PROXY_HOPS`) that Brobyg trusts for the caller's address and scheme.
"""

from urllib.parse import urlsplit

from flask import Flask, current_app, request, url_for
from werkzeug.middleware.proxy_fix import ProxyFix

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
DEFAULT_BASE_URL = "http://127.0.0.1:5000"  # where `make run` serves


def is_local(url: str) -> bool:
    """Tell whether `url` (or no URL at all) addresses this machine only."""
    return not url or (urlsplit(url).hostname or "") in LOCAL_HOSTS


def base_url() -> str:
    """Return the address links start at: the setting, else this machine's own address."""
    configured: str = current_app.config.get("BASE_URL", "")
    if configured:
        return configured.rstrip("/")
    if (request.host.rsplit(":", 1)[0].strip("[]") or "") in LOCAL_HOSTS:
        return request.host_url.rstrip("/")  # the single-machine default: as the browser says
    return DEFAULT_BASE_URL  # a Host header is not ours to trust


def external_url(endpoint: str, **values: object) -> str:
    """Return the absolute address of `endpoint`, built on the base URL."""
    path = url_for(endpoint, **values)
    if current_app.config.get("BASE_URL"):
        path = path.removeprefix(request.script_root)  # the base URL carries any prefix
    return base_url() + path


def init_app(app: Flask) -> None:
    """Trust `PROXY_HOPS` proxies in front for the caller's address, scheme, host and prefix."""
    hops = int(app.config.get("PROXY_HOPS", 0))
    if hops > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops
        )
