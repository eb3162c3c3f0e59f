"""Knowledge pages: every page in content/ loads, exists in both languages and covers its topic."""

import re
from pathlib import Path

import markdown
import pytest

from harvest import pages, privacy
from harvest.pages import Page, load_pages, page_by_key, page_by_slug

CONTENT = Path(__file__).resolve().parents[2] / "content"
LANGS = ("da", "en")
REQUIRED_KEYS = {"writing-outcomes", "outcome-harvesting", "social-capital"}
EXTENSIONS = ["tables", "toc", "fenced_code", "sane_lists"]
RAW_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")

TOPICS: dict[tuple[str, str], list[str]] = {
    ("writing-outcomes", "da"): [
        "specifik",
        "målbar",
        "opnået",
        "relevant",
        "rettidig",
        "betydning",
        "bidrag",
        "spor",
        "anonyme grupper",
        "vi holdt et møde",
    ],
    ("writing-outcomes", "en"): [
        "specific",
        "measurable",
        "achieved",
        "relevant",
        "timely",
        "significance",
        "contribution",
        "lead",
        "anonymous groups",
        "we held a meeting",
    ],
    ("outcome-harvesting", "da"): [
        "design",
        "indsaml",
        "forandringsagent",
        "substantier",
        "analyser",
        "brugen af resultaterne",
        "evaluator",
        "substantiator",
        "medlem af implementeringsgruppe",
        "spor",
        "kladde",
        "gennemgået",
        "klar",
        "substantieret",
        "endelig",
        "trukket tilbage",
    ],
    ("outcome-harvesting", "en"): [
        "design",
        "gather and draft",
        "change agents",
        "substantiate",
        "analyse",
        "support use of findings",
        "evaluator",
        "substantiator",
        "implementation-group member",
        "lead",
        "draft",
        "reviewed",
        "ready",
        "substantiated",
        "final",
        "withdrawn",
    ],
    ("social-capital", "da"): [
        "samlende",
        "brobyggende",
        "forbindende",
        "niveau 3",
        "samme sektor",
        "fra modtager til deltager",
        "recovery",
    ],
    ("social-capital", "en"): [
        "bonding",
        "bridging",
        "linking",
        "tier 3",
        "same sector",
        "from receiver to participant",
        "recovery",
    ],
}


def _all_pages() -> list[Page]:
    return [page for lang in LANGS for page in load_pages(CONTENT, lang)]


def _id(page: Page) -> str:
    return f"{page.lang}/{page.slug}"


ALL_PAGES = _all_pages()


# --- the content -------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_loads_with_key_title_and_summary(lang):
    loaded = load_pages(CONTENT, lang)
    assert len(loaded) == len(list((CONTENT / lang).glob("*.md")))
    for page in loaded:
        assert page.key and page.title and page.summary, page.slug
        assert page.lang == lang


def test_every_key_exists_in_both_languages():
    keys = {lang: {page.key for page in load_pages(CONTENT, lang)} for lang in LANGS}
    assert keys["da"] == keys["en"]
    assert keys["da"] >= REQUIRED_KEYS


@pytest.mark.parametrize("lang", LANGS)
def test_slugs_and_keys_are_unique_per_language(lang):
    loaded = load_pages(CONTENT, lang)
    assert len({page.slug for page in loaded}) == len(loaded)
    assert len({page.key for page in loaded}) == len(loaded)
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9-]*", page.slug) for page in loaded)


@pytest.mark.parametrize("page", ALL_PAGES, ids=_id)
def test_page_bodies_hold_no_raw_html(page):
    assert not RAW_HTML.search(page.body)


@pytest.mark.parametrize("page", ALL_PAGES, ids=_id)
def test_page_renders_as_markdown_with_headings(page):
    html = markdown.markdown(page.body, extensions=EXTENSIONS)
    assert html.count("<h2") >= 3
    assert "<table>" in html
    assert "---" not in page.body.splitlines()[0]


@pytest.mark.parametrize("page", ALL_PAGES, ids=_id)
def test_page_length_is_between_400_and_900_words(page):
    assert 400 <= len(page.body.split()) <= 900


@pytest.mark.parametrize("page", ALL_PAGES, ids=_id)
def test_pages_hold_no_personal_data(page):
    assert not privacy.contains_cpr(page.body)
    assert privacy.contact_warnings(page.body) == []


@pytest.mark.parametrize(("key", "lang"), sorted(TOPICS))
def test_pages_cover_their_required_topics(key, lang):
    page = page_by_key(CONTENT, lang, key)
    assert page is not None
    text = page.body.casefold()
    assert [word for word in TOPICS[key, lang] if word not in text] == []


@pytest.mark.parametrize("lang", LANGS)
def test_pages_are_sorted_by_order_then_title(lang):
    loaded = load_pages(CONTENT, lang)
    assert [p.key for p in loaded[:3]] == [
        "writing-outcomes",
        "outcome-harvesting",
        "social-capital",
    ]


# --- the loader --------------------------------------------------------------


def _write(root: Path, lang: str, slug: str, text: str) -> Path:
    folder = root / lang
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_loader_reads_front_matter_and_body(tmp_path):
    _write(
        tmp_path,
        "da",
        "om-kor",
        "---\nkey: choirs\ntitle: Om kor\nsummary: Kort.\norder: 5\n---\n# Om kor\n\nTekst.\n",
    )
    page = page_by_slug(tmp_path, "da", "om-kor")
    assert page == Page(
        key="choirs",
        slug="om-kor",
        lang="da",
        title="Om kor",
        summary="Kort.",
        order=5,
        body="# Om kor\n\nTekst.\n",
    )
    assert page_by_key(tmp_path, "da", "choirs") == page


def test_loader_sorts_by_order_then_title(tmp_path):
    _write(tmp_path, "en", "b", "---\nkey: b\ntitle: Beta\norder: 2\n---\nB\n")
    _write(tmp_path, "en", "c", "---\nkey: c\ntitle: alpha\norder: 2\n---\nC\n")
    _write(tmp_path, "en", "a", "---\nkey: a\ntitle: Zeta\norder: 1\n---\nA\n")
    _write(tmp_path, "en", "d", "---\nkey: d\ntitle: Delta\n---\nD\n")
    assert [p.key for p in load_pages(tmp_path, "en")] == ["d", "a", "c", "b"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("---\ntitle: Uden nøgle\n---\nTekst\n", "needs key"),
        ("---\nkey: no-title\n---\nTekst\n", "needs title"),
        ("---\nsummary: Intet\n---\nTekst\n", "needs key and title"),
        ("# Ingen front matter\n", "must start with '---'"),
        ("---\nkey: x\ntitle: Y\n", "not closed"),
        ("---\nkey: [x\n---\nTekst\n", "not valid YAML"),
        ("---\n- a\n- b\n---\nTekst\n", "must be a mapping"),
        ("---\nkey: x\ntitle: Y\norder: first\n---\nTekst\n", "'order' must be a whole number"),
    ],
)
def test_loader_refuses_a_broken_page_and_names_the_file(tmp_path, text, problem):
    path = _write(tmp_path, "da", "broken", text)
    with pytest.raises(ValueError, match=re.escape(problem)) as raised:
        load_pages(tmp_path, "da")
    assert str(path) in str(raised.value)


@pytest.mark.parametrize("slug", ["missing", "", "../da/x", ".hidden", "a\\b"])
def test_unknown_or_unsafe_slugs_find_nothing(tmp_path, slug):
    _write(tmp_path, "da", "x", "---\nkey: x\ntitle: X\n---\nX\n")
    assert page_by_slug(tmp_path, "da", slug) is None


def test_unknown_keys_and_languages_find_nothing(tmp_path):
    _write(tmp_path, "da", "x", "---\nkey: x\ntitle: X\n---\nX\n")
    assert page_by_key(tmp_path, "da", "y") is None
    assert load_pages(tmp_path, "fr") == []
    assert load_pages(tmp_path, "..") == []
    assert page_by_slug(tmp_path, "../da", "x") is None


def test_module_keeps_no_cache():
    module_state = {
        name: value
        for name, value in vars(pages).items()
        if not name.startswith("__") and isinstance(value, dict | list | set)
    }
    assert module_state == {}
