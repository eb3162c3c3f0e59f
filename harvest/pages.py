"""The knowledge pages: Markdown files with YAML front matter under content/<lang>/.

Owns reading and finding pages; a page's file name (without `.md`) is its URL slug in
its language, and its `key` names the same page across languages. Returns Markdown
text only: the app layer renders and sanitises it, and may cache the result. Caches
nothing itself. Must not import `app` or Flask.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

FRONT_MATTER = "---"


@dataclass(frozen=True)
class Page:
    """One knowledge page in one language."""

    key: str
    slug: str
    lang: str
    title: str
    summary: str
    order: int
    body: str


def _split_front_matter(path: Path, text: str) -> tuple[dict[str, Any], str]:
    """Return the front matter of `text` as a mapping, and the Markdown after it."""
    lines = text.lstrip("\ufeff").splitlines(keepends=True)
    if not lines or lines[0].strip() != FRONT_MATTER:
        raise ValueError(f"{path}: a page must start with '---' and YAML front matter.")
    for end in range(1, len(lines)):
        if lines[end].strip() == FRONT_MATTER:
            break
    else:
        raise ValueError(f"{path}: the front matter is not closed by a '---' line.")
    try:
        meta = yaml.safe_load("".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: the front matter is not valid YAML: {exc}") from None
    if not isinstance(meta, dict):
        raise ValueError(f"{path}: the front matter must be a mapping of keys to values.")
    return meta, "".join(lines[end + 1 :]).lstrip("\n")


def read_page(path: Path, lang: str) -> Page:
    """Read the page in `path`, refusing one without a key or a title."""
    meta, body = _split_front_matter(path, path.read_text(encoding="utf-8"))
    missing = [name for name in ("key", "title") if not str(meta.get(name) or "").strip()]
    if missing:
        raise ValueError(f"{path}: the front matter needs {' and '.join(missing)}.")
    try:
        order = int(meta.get("order", 0))
    except (TypeError, ValueError):
        raise ValueError(f"{path}: 'order' must be a whole number.") from None
    return Page(
        key=str(meta["key"]).strip(),
        slug=path.stem,
        lang=lang,
        title=str(meta["title"]).strip(),
        summary=str(meta.get("summary") or "").strip(),
        order=order,
        body=body,
    )


def _folder(root: Path, lang: str) -> Path | None:
    """Return the folder of `lang`'s pages, or None for a language name that is not plain."""
    if not (lang.isascii() and lang.isalpha()):
        return None
    return Path(root) / lang


def load_pages(root: Path, lang: str) -> list[Page]:
    """Return every page under `root/lang`, sorted by order then title."""
    folder = _folder(root, lang)
    if folder is None or not folder.is_dir():
        return []
    pages = [read_page(path, lang) for path in sorted(folder.glob("*.md"))]
    return sorted(pages, key=lambda page: (page.order, page.title.casefold()))


def page_by_key(root: Path, lang: str, key: str) -> Page | None:
    """Return the page in `lang` with `key`, or None."""
    return next((page for page in load_pages(root, lang) if page.key == key), None)


def page_by_slug(root: Path, lang: str, slug: str) -> Page | None:
    """Return the page in `lang` whose URL slug is `slug`, or None."""
    folder = _folder(root, lang)
    if folder is None or not slug or "/" in slug or "\\" in slug or slug.startswith("."):
        return None
    path = folder / f"{slug}.md"
    return read_page(path, lang) if path.is_file() else None
