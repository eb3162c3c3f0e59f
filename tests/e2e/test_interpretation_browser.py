"""In a real browser: an evaluator writes the answers and the interpretation by keyboard,
the report shows them rendered, and printing hides the navigation; the pages are accessible
in Danish and English on a desktop and a phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import login, serious_violations

EVALUATOR = "evaluator@brobyg.example.dk"
HARVEST = "/harvests/helsingor-2024-26"


# tests/e2e/test_pages_everywhere.py checks these pages as the administrator in both languages
# at both widths; here the evaluator's view, in Danish (the longer words) on a phone.
@pytest.mark.parametrize(("lang", "width"), [("da", 390)])
@pytest.mark.parametrize("path", ["/interpretation", "/report", "/report/public"])
def test_the_interpretation_and_the_report_are_accessible(live_server, page, lang, width, path):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server, EVALUATOR)
    page.goto(f"{live_server}{HARVEST}{path}?lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_an_evaluator_answers_a_question_and_prints_the_report(live_server, page):
    login(page, live_server, EVALUATOR)
    page.goto(live_server + HARVEST + "/interpretation")
    answer = page.get_by_label("Svar på spørgsmål 1")
    answer.fill("Foreningerne **henviser** nu selv, se [notatet](https://example.dk/notat).")
    box = page.locator("fieldset.supporting").first.locator("input[type=checkbox]").first
    box.focus()
    if not box.is_checked():
        page.keyboard.press("Space")
    expect(box).to_be_checked()
    page.get_by_role("textbox", name="Samlet fortolkning").fill("Samlet set er der *flere* broer.")
    page.get_by_role("button", name="Gem fortolkningen").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Fortolkningen er gemt.")).to_be_visible()

    page.goto(live_server + HARVEST + "/report")
    first = page.locator(".report-question").first
    expect(first.locator(".report-answer strong")).to_have_text("henviser")
    supporting = first.get_by_role("heading", name="Forandringer, der understøtter svaret")
    expect(supporting).to_be_visible()
    expect(page.locator(".report-interpretation em")).to_have_text("flere")
    assert "**" not in page.content()

    expect(page.locator(".report-nav")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".report-nav")).to_be_hidden()
    link = page.locator(".report-answer a[href='https://example.dk/notat']")
    shown = link.evaluate("a => getComputedStyle(a, '::after').content")
    assert "https://example.dk/notat" in shown
    heading = first.locator("h3")
    assert heading.evaluate("h => getComputedStyle(h).breakAfter") == "avoid"
    outcome = page.locator(".report-outcome").first
    assert outcome.evaluate("o => getComputedStyle(o).breakInside") == "avoid"


def test_the_public_report_keeps_drafts_out(live_server, page):
    page.goto(live_server + HARVEST + "/report/public")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    statuses = page.locator(".report-outcome dd").all_inner_texts()
    for word in ("Udkast", "Klar", "Gennemset", "Spor"):
        assert word not in statuses
    assert re.search("Offentlig|endelige", page.content())
