"""An outsider's spreadsheet imported in the browser: near-miss actor names reconciled on
the review page with the keyboard, in one pass; the page is axe-clean on desktop and phone."""

from tests.e2e.conftest import PASSWORD
from tests.e2e.helpers import login, serious_violations
from tests.harvest.outside_sheet import HEADER, outside_workbook

ROWS = [
    [
        "H-E2E-01",
        "Rotary låner mødelokalet ud til peer-gruppen",
        "Rotary",
        "Klubben låner sit mødelokale ud hver anden tirsdag",
        "2025-03",
        "Helsingør",
        "Gruppen har et fast sted at mødes",
        "Implementeringsgruppen spurgte klubben",
        "",
        "Praksis",
        "Ja",
        "Kladde",
        "1",
    ],
    [
        "H-E2E-02",
        "Peer-gruppen tager nye deltagere med",
        "Deltagere i peer-gruppen Helsingør",
        "Deltagerne tager selv nye med til møderne",
        "2025-03\u00a0\u2013\u00a02025-05",
        "Helsingør",
        "Flere får et netværk",
        "Bibliotekets introduktionsmøde",
        "",
        "relationship",
        "nej",
        "",
        "3",
    ],
]
assert len(HEADER) == len(ROWS[0])


def _review(page, live_server, tmp_path):
    sheet = tmp_path / "forandringer.xlsx"
    sheet.write_bytes(outside_workbook(ROWS))
    login(page, live_server, "e2e@example.dk", PASSWORD)
    page.goto(live_server + "/harvests/helsingor-2024-26/import")
    page.get_by_label("Regnearksfil (XLSX eller CSV)").set_input_files(str(sheet))
    page.get_by_role("button", name="Kontrollér filen").click()
    page.get_by_role("heading", name="Navne der ikke matcher en aktør").wait_for()


def test_reconcile_an_outside_sheet_with_the_keyboard(page, live_server, tmp_path):
    _review(page, live_server, tmp_path)
    assert serious_violations(page) == []
    rotary = page.get_by_label("Aktør for 'Rotary'")
    rotary.focus()
    rotary.select_option(label="Rotary Klub København (København)")
    peers = page.get_by_label("Aktør for 'Deltagere i peer-gruppen Helsingør'")
    peers.select_option(label="Deltagere i peer-gruppen, Helsingør (Helsingør)")
    page.keyboard.press("Tab")
    page.get_by_role("button", name="Bekræft og importér").press("Enter")
    page.wait_for_url(live_server + "/harvests/helsingor-2024-26")
    assert "2 oprettet" in page.content()


def test_the_review_page_fits_a_phone(phone, live_server, tmp_path):
    rows = [[f"{ROWS[0][0]}-M", ROWS[0][1], "Rotary Klubben", *ROWS[0][3:]]]  # not remembered
    sheet = tmp_path / "telefon.xlsx"
    sheet.write_bytes(outside_workbook(rows))
    login(phone, live_server, "e2e@example.dk", PASSWORD)
    phone.goto(live_server + "/harvests/helsingor-2024-26/import?lang=en")
    phone.get_by_label("Spreadsheet file (XLSX or CSV)").set_input_files(str(sheet))
    phone.get_by_role("button", name="Check the file").click()
    phone.get_by_role("heading", name="Names that match no actor").wait_for()
    assert serious_violations(phone) == []
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= phone.viewport_size["width"] + 1
