"""The knowledge pages (content/da and content/en): index with search, and each page."""

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import get_locale

from app.markdown import render_with_toc
from harvest import pages
from harvest.demo import content_dir

bp = Blueprint("knowledge", __name__, url_prefix="/viden")
LANGUAGES = ("da", "en")


def _lang() -> str:
    return str(get_locale() or "da")


def _matches(page: pages.Page, words: list[str]) -> bool:
    text = f"{page.title} {page.summary} {page.body}".casefold()
    return all(word in text for word in words)


@bp.route("/")
def index() -> Any:
    """List the knowledge pages in the reader's language, optionally searched."""
    query = request.args.get("q", "")[:200]
    words = query.casefold().split()
    found = [p for p in pages.load_pages(content_dir(), _lang()) if _matches(p, words)]
    return render_template("knowledge/index.html", pages=found, q=query)


@bp.route("/<slug>")
def page(slug: str) -> Any:
    """Show a knowledge page; a slug of the other language leads to this language's page."""
    lang = _lang()
    found = pages.page_by_slug(content_dir(), lang, slug)
    if found is None:
        for other in LANGUAGES:
            twin = pages.page_by_slug(content_dir(), other, slug)
            if twin is not None and other != lang:
                here = pages.page_by_key(content_dir(), lang, twin.key)
                if here is not None:
                    return redirect(url_for("knowledge.page", slug=here.slug))
        abort(404)
    body, toc = render_with_toc(found.body)
    siblings = pages.load_pages(content_dir(), lang)
    return render_template("knowledge/page.html", page=found, body=body, toc=toc, siblings=siblings)


@bp.app_context_processor
def _help() -> dict[str, Any]:
    return {"help_slug": help_slug}


def help_slug(key: str) -> str | None:
    """Return the slug of the page with `key` in the reader's language, for links."""
    found = pages.page_by_key(content_dir(), _lang(), key)
    return found.slug if found else None
