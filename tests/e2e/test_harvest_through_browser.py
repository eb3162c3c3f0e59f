"""Issue 13's whole loop in one browser session, as an evaluator runs it: design a harvest,
import an outsider's spreadsheet with near-miss actor names and month dates through
reconciliation, import it again without duplicates, send substantiation requests that
arrive at a real local SMTP server, write the interpretation and print the report by
question; axe finds no serious or critical violation on the pages on the way."""

import os
import re
import shutil
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from tests.app.test_mail import Inbox
from tests.e2e.helpers import login, serious_violations
from tests.e2e.test_import_browser import ROWS as OUTSIDE_ROWS
from tests.harvest.outside_sheet import outside_workbook
from tests.processes import free_port, serve, stop

BASE = "https://brobyg.example.dk"
EVALUATOR = "evaluator@brobyg.example.dk"
SLUG = "gennemloeb-helsingor"
# The import test's outside rows, ready for substantiation, the second question by its text.
ROWS = [
    [f"H-LOOP-0{number}", *row[1:11], "Klar", question]
    for number, (row, question) in enumerate(
        zip(OUTSIDE_ROWS, ("1", "Hvad gør foreningerne anderledes?"), strict=True), start=1
    )
]


@pytest.fixture
def mailing_server(tmp_path, sqlite_demo_template) -> Iterator[tuple[str, Inbox]]:
    """`brobyg serve` on its own copy of the demo database, sending mail to a local server."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    path = tmp_path / "brobyg.sqlite3"
    shutil.copy(sqlite_demo_template, path)
    env = {
        **os.environ,
        "BROBYG_DATABASE_URL": f"sqlite:///{path}",
        "BROBYG_SECRET_KEY": "e2e-loop-secret",
        "BROBYG_SMTP_URL": f"smtp://127.0.0.1:{controller.port}",
        "BROBYG_BASE_URL": BASE,
    }
    server, address = serve(env)
    yield address, inbox
    stop(server)
    controller.stop()


def _clean(page) -> None:
    assert serious_violations(page) == []


def _upload(page, base: str, sheet) -> None:
    page.goto(f"{base}/harvests/{SLUG}/import")
    page.get_by_label("Regnearksfil (XLSX eller CSV)").set_input_files(str(sheet))
    page.get_by_role("button", name="Kontrollér filen").click()


def test_design_import_reimport_substantiate_interpret_and_print(mailing_server, page, tmp_path):
    base, inbox = mailing_server
    login(page, base, EVALUATOR)

    # 1. design
    page.goto(base + "/harvests")
    page.get_by_role("link", name="Ny høst").click()
    _clean(page)
    page.locator("#title").fill("Gennemløb i Helsingør")
    page.locator("#slug").fill(SLUG)
    page.locator("#municipality").select_option(label="Helsingør")
    page.locator("#period_start").fill("2025-01-01")
    page.locator("#period_end").fill("2026-12-31")
    page.locator("#users_and_uses").fill("**Gruppen** bruger høsten til at justere indsatsen.")
    page.locator("#questions").fill(
        "Hvem henviser nu borgere til foreninger?\nHvad gør foreningerne anderledes?"
    )
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(f"{base}/harvests/{SLUG}")
    _clean(page)

    # 2. import with reconciliation, in one pass
    sheet = tmp_path / "forandringer.xlsx"
    sheet.write_bytes(outside_workbook(ROWS))
    _upload(page, base, sheet)
    page.get_by_role("heading", name="Navne der ikke matcher en aktør").wait_for()
    _clean(page)
    page.get_by_label("Aktør for 'Rotary'").select_option(label="Rotary Klub København (København)")
    page.get_by_label("Aktør for 'Deltagere i peer-gruppen Helsingør'").select_option(
        label="Deltagere i peer-gruppen, Helsingør (Helsingør)"
    )
    page.get_by_role("button", name="Bekræft og importér").click()
    page.wait_for_url(f"{base}/harvests/{SLUG}")
    assert "2 oprettet" in page.content()

    # 3. the same file again: the names are remembered, nothing is new
    _upload(page, base, sheet)
    expect(page.get_by_text("0 nye, 0 ændrede, 2 uændrede", exact=False)).to_be_visible()
    _clean(page)

    # 4. substantiation requests arrive by e-mail with a personal link
    page.goto(f"{base}/harvests/{SLUG}/substantiation")
    _clean(page)
    page.get_by_label("Rotary låner mødelokalet ud til peer-gruppen", exact=False).check()
    page.locator("#name").fill("Mette Uafhængig")
    page.locator("#email").fill("mette@example.dk")
    page.locator("#role").fill("Leder af en anden forening")
    page.get_by_role("button", name="Lav personlige links").click()
    expect(page.locator(".mail-sent").first).to_be_visible()
    assert [m["To"] for m in inbox.messages] == ["mette@example.dk"]
    body = inbox.messages[0].get_payload(decode=True).decode()
    link = re.search(re.escape(BASE) + r"/s/[A-Za-z0-9_-]+", body)
    assert link is not None, body
    answer = page.context.new_page()  # the substantiator, who has no account
    answer.context.clear_cookies()
    answer.goto(base + link.group(0).removeprefix(BASE))
    expect(answer.get_by_text("Rotary låner mødelokalet ud til peer-gruppen").first).to_be_visible()
    answer.close()
    login(page, base, EVALUATOR)

    # 5. the interpretation, by question
    page.goto(f"{base}/harvests/{SLUG}/interpretation")
    _clean(page)
    page.get_by_label("Svar på spørgsmål 1").fill("Foreningerne **låner** nu selv lokaler ud.")
    box = page.locator("fieldset.supporting").first.locator("input[type=checkbox]").first
    if not box.is_checked():
        box.check()
    page.get_by_role("textbox", name="Samlet fortolkning").fill("Der er *flere* broer.")
    page.get_by_role("button", name="Gem fortolkningen").click()
    expect(page.get_by_text("Fortolkningen er gemt.")).to_be_visible()

    # 6. the report, organised by question, printed
    page.goto(f"{base}/harvests/{SLUG}/report")
    _clean(page)
    first = page.locator(".report-question").first
    expect(first.locator(".report-answer strong")).to_have_text("låner")
    expect(first).to_contain_text("Rotary låner mødelokalet ud til peer-gruppen")
    assert "**" not in page.locator("main").inner_text()
    page.emulate_media(media="print")
    expect(page.locator(".report-nav")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
