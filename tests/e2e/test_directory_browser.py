"""In a real browser: a staff member finds an association by activity and municipality,
opens its page and ties, and reads the knowledge page on social capital."""

import pytest
from axe_playwright_python.sync_playwright import Axe

DEMO_PASSWORD = "brobyg-demo"  # noqa: S105 - the documented demo accounts


def _serious(page):
    violations = Axe().run(page).response["violations"]
    return [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def _login(page, base, email):
    page.goto(base + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(base + "/")


def test_staff_finds_a_choir_opens_its_ties_and_reads_about_social_capital(live_server, page):
    _login(page, live_server, "medarbejder@brobyg.example.dk")
    page.get_by_role("link", name="Helsingør").first.click()
    page.get_by_label("Søg", exact=True).fill("musik")
    page.get_by_label("Hvornår").select_option("weekdays")
    page.get_by_label("nye er velkomne").check()
    page.get_by_role("button", name="Vis").click()
    assert page.get_by_text("1 aktør fundet").is_visible()
    assert _serious(page) == []
    page.get_by_role("link", name="Syngeglad Helsingør").click()
    assert page.get_by_role("heading", name="Syngeglad Helsingør", level=1).is_visible()
    assert page.get_by_role("heading", name="Relationer").is_visible()
    assert _serious(page) == []
    page.get_by_role("link", name="Om de tre former for social kapital").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Social kapital")


def test_the_directory_filters_work_by_keyboard(live_server, page):
    page.goto(live_server + "/aktoerer/")
    page.get_by_label("Aktivitet").select_option("kor")
    page.get_by_label("Søg", exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**activity=kor**")
    assert page.get_by_text("3 aktører fundet").is_visible()


@pytest.mark.parametrize("path", ["/aktoerer/", "/aktoerer/?lang=en&q=kor"])
def test_directory_pages_are_accessible(live_server, page, path):
    page.goto(live_server + path)
    assert _serious(page) == []


def test_needs_page_is_accessible(live_server, page):
    _login(page, live_server, "medlem.helsingor@brobyg.example.dk")
    page.goto(live_server + "/behov/")
    assert page.get_by_role("heading", name="Hvad borgerne spørger om").is_visible()
    assert _serious(page) == []


def test_directory_and_actor_page_fit_a_phone(live_server, phone):
    phone.goto(live_server + "/aktoerer/?q=kor")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    phone.get_by_role("link", name="Syngeglad Helsingør").click()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
