"""In a real browser: an evaluator reads the analysis, codes outcomes by keyboard, and
edits the coding scheme; the pages are accessible and fit a phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import login, serious_violations

EVALUATOR = "evaluator@brobyg.example.dk"


@pytest.mark.parametrize(
    "path",
    [
        "/harvests/helsingor-2024-26/analysis",
        "/harvests/helsingor-2024-26/coding",
        "/coding/schemes",
        "/coding/schemes/standard",
        "/harvests/helsingor-2024-26/report",
    ],
)
def test_analysis_and_coding_pages_are_accessible(live_server, page, path):
    login(page, live_server, EVALUATOR)
    page.goto(live_server + path)
    assert serious_violations(page) == []


def test_the_charts_show_the_same_numbers_as_their_tables(live_server, page):
    login(page, live_server, EVALUATOR)
    page.goto(live_server + "/harvests/helsingor-2024-26/analysis")
    figure = page.locator('figure[aria-labelledby="code-type_of_change-caption"]')
    bars = figure.locator("svg rect.chart-bar")
    counts = [int(bars.nth(i).get_attribute("data-count")) for i in range(bars.count())]
    cells = figure.locator("table tbody tr td:nth-child(2)")
    assert counts == [int(cells.nth(i).inner_text()) for i in range(cells.count())]
    assert sum(counts) >= 1
    widths = [float(bars.nth(i).get_attribute("width")) for i in range(bars.count())]
    largest = max(counts)
    assert widths == [round(330 * c / largest, 1) for c in counts]
    assert page.locator("ol.chain").count() >= 1


def test_an_evaluator_codes_an_outcome_by_keyboard(live_server, page):
    login(page, live_server, EVALUATOR)
    page.goto(live_server + "/harvests/helsingor-2024-26/coding")
    first = page.locator("table.coding-table tbody tr").first
    select = first.locator("select").nth(3)  # significance rating
    wanted = "low" if select.input_value() == "high" else "high"
    select.focus()
    select.select_option(wanted)
    page.get_by_role("button", name="Gem kodningen").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile(r"Kodningen af 1 forandring er gemt"))).to_be_visible()
    row = page.locator("table.coding-table tbody tr").first
    assert row.locator("select").nth(3).input_value() == wanted


def test_the_analysis_fits_a_phone(live_server, phone):
    login(phone, live_server, EVALUATOR)
    phone.goto(live_server + "/harvests/helsingor-2024-26/analysis")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 362
