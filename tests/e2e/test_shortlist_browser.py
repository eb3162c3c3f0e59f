"""In a real browser: staff pick places in the directory, keep them while filtering, and
print a one-page short list for a citizen; the list is accessible in Danish and English,
on a desk and on a phone."""

import re

import pytest

from tests.e2e.helpers import serious_violations

HELSINGOR = ("Café Vinkeldammen", "SIND Helsingør", "Gåfællesskabet Kronborg Rundt")
KOBENHAVN = ("Grib København", "Fountain House København", "SIND København")


def _pick(page, names) -> None:
    for name in names:
        box = page.get_by_role("checkbox", name=re.compile(f"^På kortlisten ?: {name}$"))
        box.focus()
        page.keyboard.press("Space")  # a checkbox ticked by keyboard
        assert box.is_checked()


def _pages_in(pdf: bytes) -> int:
    """Return the page count of a PDF that Chromium wrote (its one page tree's /Count)."""
    return max(int(n) for n in re.findall(rb"/Count\s+(\d+)", pdf))


def test_staff_pick_six_places_and_print_them_on_one_a4_page(live_server, page):
    page.goto(live_server + "/aktoerer/?municipality=helsingor")
    _pick(page, HELSINGOR)
    page.get_by_label("Kommune", exact=True).select_option("kobenhavn")
    page.get_by_role("button", name="Vis", exact=True).click()
    page.wait_for_url("**municipality=kobenhavn**")
    kept = page.get_by_role("group", name="Allerede på kortlisten")
    for name in HELSINGOR:  # the picks made before filtering are kept
        assert kept.get_by_label(name, exact=True).is_checked()
    _pick(page, KOBENHAVN)
    page.get_by_role("button", name="Lav en kortliste med de valgte steder").click()
    page.wait_for_url("**/kortliste?**")

    headings = page.locator("article.shortlist-item h2").all_inner_texts()
    assert sorted(headings[:3]) == sorted(HELSINGOR)  # in the order they were picked
    assert sorted(headings[3:]) == sorted(KOBENHAVN)
    assert page.locator("article").get_by_text("Vinkeldammen 1, 3000 Helsingør").is_visible()
    assert page.get_by_role("button", name="Udskriv").is_visible()  # the script shows it
    mail = page.get_by_role("link", name="Skriv en e-mail med listen").get_attribute("href")
    assert mail.startswith("mailto:?subject=") and "Grib%20K%C3%B8benhavn" in mail
    text = page.get_by_label("Listen som ren tekst til at kopiere").input_value()
    assert "Fountain House København" in text and "<" not in text

    page.emulate_media(media="print")
    for hidden in (".site-header", ".site-footer", ".shortlist-send", "nav"):
        assert page.locator(hidden).first.is_hidden(), hidden
    assert page.locator("article.shortlist-item").first.is_visible()
    pdf = page.pdf(format="A4", print_background=False)
    assert _pages_in(pdf) == 1


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("width", [1280, 390])
def test_the_short_list_is_accessible_and_fits_the_screen(live_server, browser, lang, width):
    context = browser.new_context(locale="da-DK", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(live_server + "/aktoerer/?q=sind")
    ids = page.locator("input[name=ids]").evaluate_all("boxes => boxes.map(b => b.value)")
    query = "&".join(f"ids={i}" for i in ids[:4])
    page.goto(f"{live_server}/aktoerer/kortliste?lang={lang}&{query}")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("article.shortlist-item").count() == min(4, len(ids)) >= 3
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.goto(f"{live_server}/aktoerer/?lang={lang}&{query}")
    assert serious_violations(page) == []  # the directory with its pick boxes, too
    context.close()
