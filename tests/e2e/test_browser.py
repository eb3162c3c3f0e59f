"""In a real browser: pages are accessible (axe-core), keyboard-usable, and fit a phone."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import PASSWORD

PAGES = [
    "/",
    "/login",
    "/findes-ikke",
    "/?lang=en",
    "/login?lang=en",
    "/privatliv",
    "/privatliv?lang=en",
    "/tilgaengelighed",
    "/tilgaengelighed?lang=en",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_no_serious_accessibility_violations(live_server, page, path):
    page.goto(live_server + path)
    violations = Axe().run(page).response["violations"]
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_front_page_shows_the_demo_municipalities(live_server, page):
    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "da"
    table = page.get_by_role("table")
    for name in ("København", "Fredericia", "Helsingør", "Rødovre", "Gladsaxe"):
        assert table.get_by_role("rowheader", name=name).is_visible()


def test_language_switch_to_english_and_back(live_server, page):
    page.goto(live_server + "/")
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Bridge-building")
    page.get_by_role("link", name="Dansk").click()
    assert page.locator("html").get_attribute("lang") == "da"


def test_sign_in_with_the_keyboard_only(live_server, page):
    page.goto(live_server + "/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Gå til indholdet"
    page.get_by_label("E-mail").focus()
    page.keyboard.type("e2e@example.dk")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(live_server + "/")
    assert page.get_by_text("Du er logget ind.").is_visible()
    assert page.get_by_role("link", name="Log ud").is_visible()


def test_wrong_password_is_announced_next_to_the_field(live_server, page):
    page.goto(live_server + "/login")
    page.get_by_label("E-mail").fill("e2e@example.dk")
    page.get_by_label("Adgangskode").fill("forkert-forkert")
    page.get_by_role("button", name="Log ind").click()
    password = page.get_by_label("Adgangskode")
    assert password.get_attribute("aria-invalid") == "true"
    described = password.get_attribute("aria-describedby") or ""
    assert any(
        "Forkert e-mail eller adgangskode." in (page.locator(f"#{i}").text_content() or "")
        for i in described.split()
    )  # next to the field, as well as in the summary at the top
    assert page.locator(".error-summary").get_by_text("Forkert e-mail eller adgangskode.").count()


@pytest.mark.parametrize("path", ["/", "/login"])
def test_pages_fit_a_phone_without_sideways_scrolling(live_server, phone, path):
    phone.goto(live_server + path)
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_no_console_errors_or_csp_violations(live_server, page):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(live_server + "/")
    page.goto(live_server + "/login")
    assert problems == []
