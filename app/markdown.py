"""Markdown to safe HTML: rendered with `markdown`, then sanitised with nh3.

No script, no event handlers, no style, no javascript: links survive.
"""

import markdown as md
import nh3
from flask import Flask
from markupsafe import Markup

EXTENSIONS = ["tables", "sane_lists", "fenced_code", "toc"]
TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "code",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"scope"},
    "h1": {"id"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
}


def render(text: str | None) -> Markup:
    """Render Markdown `text` to sanitised HTML."""
    return _clean(md.markdown(text or "", extensions=EXTENSIONS, output_format="html"))


def render_with_toc(text: str | None) -> tuple[Markup, Markup]:
    """Render Markdown to sanitised HTML and return it with its table of contents."""
    converter = md.Markdown(extensions=EXTENSIONS, output_format="html")
    html = converter.convert(text or "")
    toc = getattr(converter, "toc", "")
    return _clean(html), _clean(toc)


def _clean(html: str) -> Markup:
    clean = nh3.clean(
        html,
        tags=TAGS | {"div", "nav"},
        attributes=ATTRIBUTES | {"div": {"class"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above


def init_app(app: Flask) -> None:
    """Add the `markdown` template filter."""
    app.jinja_env.filters["markdown"] = render
