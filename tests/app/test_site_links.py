"""Every page reached by links from the front page answers without error, in Danish and
English, and every demo actor and knowledge page can be reached that way."""

from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from sqlmodel import select

from harvest import demo, pages
from harvest.models import Actor
from tests.conftest import BACKENDS

SKIP = ("/logout", "/static/", "/api/")
LIMIT = 3000


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _normal(base: str, href: str) -> str | None:
    """Return the internal path+query of `href`, without ?lang (the crawl fixes the language)."""
    url = urlsplit(urljoin(base, href))
    if url.scheme not in ("http", "") or url.netloc not in ("localhost", ""):
        return None
    if url.path.startswith(SKIP):
        return None
    query = [(k, v) for k, v in parse_qsl(url.query, keep_blank_values=True) if k != "lang"]
    return url.path + ("?" + urlencode(sorted(query)) if query else "")


def _crawl(client, lang: str) -> dict[str, int]:
    client.get(f"/?lang={lang}")
    seen: dict[str, int] = {}
    came_from: dict[str, str] = {}
    queue = ["/"]
    while queue and len(seen) < LIMIT:
        path = queue.pop()
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = response.status_code
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        parser = _Links()
        parser.feed(response.get_data(as_text=True))
        for href in parser.hrefs:
            found = _normal("http://localhost" + path, href)
            if found and found not in seen and not found.startswith("/kort"):
                queue.append(found)
                came_from.setdefault(found, path)
    assert len(seen) < LIMIT, "the crawl did not end"
    return {f"{path} (linked from {came_from.get(path)})": status for path, status in seen.items()}


# The links are the same in both languages and the queries the same in both: Danish on SQLite
# and English on PostgreSQL (both on SQLite without PostgreSQL) cover each once.
@pytest.mark.parametrize(
    ("database_url", "lang"),
    list(zip((BACKENDS * 2)[:2], ["da", "en"], strict=True)),
    indirect=["database_url"],
)
def test_every_linked_page_answers_and_reaches_every_actor_and_knowledge_page(
    client, session, demo_data, lang
):
    seen = _crawl(client, lang)
    errors = {path: status for path, status in seen.items() if status not in (200, 302)}
    assert errors == {}
    actor_ids = session.exec(select(Actor.id)).all()
    assert len(actor_ids) == 83
    reached = {key.split(" ")[0] for key in seen}
    missing = [i for i in actor_ids if f"/aktoerer/{i}" not in reached]
    assert missing == []
    slugs = [p.slug for p in pages.load_pages(demo.content_dir(), lang)]
    assert len(slugs) >= 8
    assert [s for s in slugs if f"/viden/{s}" not in reached] == []
