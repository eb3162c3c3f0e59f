"""In a real browser: a staff member finds an association by activity and municipality,
opens its page and ties, and reads the knowledge page on social capital."""

import pytest

from tests.e2e.helpers import login, serious_violations

HOURS_WORDS = {
    "da": {"add": "Tilføj en række", "day": "Dag, række 3", "edit": "Rediger aktøren"},
    "en": {"add": "Add a row", "day": "Day, row 3", "edit": "Edit the actor"},
}


def test_staff_finds_a_choir_opens_its_ties_and_reads_about_social_capital(live_server, page):
    login(page, live_server, "medarbejder@brobyg.example.dk")
    page.get_by_role("link", name="Helsingør").first.click()
    page.get_by_label("Søg", exact=True).fill("musik")
    page.get_by_label("Hvornår").select_option("evenings")
    page.get_by_label("nye er velkomne").check()
    page.get_by_role("button", name="Vis").click()
    assert page.get_by_text("1 aktør fundet").is_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Syngeglad Helsingør").click()
    assert page.get_by_role("heading", name="Syngeglad Helsingør", level=1).is_visible()
    assert page.get_by_role("heading", name="Relationer").is_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Om de tre former for social kapital").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Social kapital")


def test_the_directory_filters_work_by_keyboard(live_server, page):
    page.goto(live_server + "/aktoerer/")
    page.get_by_label("Aktivitet", exact=True).select_option("kor")
    page.get_by_label("Søg", exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**activity=kor**")
    assert page.get_by_text("3 aktører fundet").is_visible()


@pytest.mark.parametrize("path", ["/aktoerer/", "/aktoerer/?lang=en&q=kor"])
def test_directory_pages_are_accessible(live_server, page, path):
    page.goto(live_server + path)
    assert serious_violations(page) == []


def test_needs_page_is_accessible(live_server, page):
    login(page, live_server, "medlem.helsingor@brobyg.example.dk")
    page.goto(live_server + "/behov/")
    assert page.get_by_role("heading", name="Hvad hver side spørger om").is_visible()
    assert serious_violations(page) == []


def test_directory_and_actor_page_fit_a_phone(live_server, phone):
    phone.goto(live_server + "/aktoerer/?q=kor")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    phone.get_by_role("link", name="Syngeglad Helsingør").click()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def _edit_menighedsplejen(page, live_server, language="da"):
    page.goto(live_server + "/aktoerer/?q=Menighedsplejen")
    page.get_by_role("link", name="Menighedsplejen ved Sankt Olai").click()
    page.goto(page.url + f"/edit?lang={language}")


@pytest.fixture(params=[("da", 1280), ("en", 1280), ("da", 390), ("en", 390)], ids=str)
def screen(request, browser):
    language, width = request.param
    context = browser.new_context(
        locale="da-DK" if language == "da" else "en-GB",
        viewport={"width": width, "height": 900},
    )
    page = context.new_page()
    yield page, language, width
    context.close()


def test_opening_hours_rows_are_labelled_and_a_row_is_added_by_keyboard(live_server, screen):
    page, language, width = screen
    words = HOURS_WORDS[language]
    page.goto(live_server + "/?lang=da")  # the sign-in helper reads the Danish labels
    login(page, live_server, "medlem.helsingor@brobyg.example.dk")
    _edit_menighedsplejen(page, live_server, language)
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    add = page.get_by_role("button", name=words["add"])
    add.focus()
    page.keyboard.press("Enter")
    new_day = page.get_by_label(words["day"], exact=True)
    assert new_day.evaluate("element => element === document.activeElement")
    assert serious_violations(page) == []


def test_opening_hours_are_saved_and_shown_in_plain_danish(live_server, page):
    login(page, live_server, "medlem.helsingor@brobyg.example.dk")
    _edit_menighedsplejen(page, live_server)
    page.get_by_label("Dag, række 1", exact=True).select_option("tuesday")
    page.get_by_label("Fra, række 1", exact=True).fill("13")
    page.get_by_label("Til, række 1", exact=True).fill("15–16")
    page.get_by_role("button", name="Gem").click()
    assert page.get_by_text("ligner et tidsrum").first.is_visible()
    assert serious_violations(page) == []
    page.get_by_label("Til, række 1", exact=True).fill("15:00")
    page.get_by_role("button", name="Gem").click()
    assert page.get_by_text("tirsdag 13:00–15:00").is_visible()
