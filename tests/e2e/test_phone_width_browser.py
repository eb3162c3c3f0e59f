"""At a phone's 390 px, in Danish and English, the substantiation page, the outcome form and
the outcome's history fit the screen (no sideways scrolling) and axe finds nothing serious."""

import re

import pytest

from tests.e2e.conftest import PASSWORD
from tests.e2e.helpers import login, serious_violations

PHONE = {"width": 390, "height": 844}
OUTCOME = "Distriktspsykiatrien giver invitationen til peer-gruppen med ved afslutning"


def _fits(page) -> int:
    """Return how many pixels the page scrolls sideways (0 when it fits).

    Without `is_mobile`: Chromium's mobile emulation widens the layout viewport to the
    content, which would hide the very overflow this measures."""
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


@pytest.fixture(scope="module")
def places(live_server, browser) -> dict[str, str]:
    """A fresh personal substantiation link and an outcome with history, made once."""
    context = browser.new_context(locale="da-DK")  # type: ignore[attr-defined]
    page = context.new_page()
    login(page, live_server, "e2e@example.dk", PASSWORD)
    page.goto(live_server + "/harvests/helsingor-2024-26")
    page.get_by_role("link", name="Substantiering").click()
    page.get_by_label(re.compile(OUTCOME)).check()
    page.get_by_label("Navn på den person, du spørger").fill("Telefonprøve")
    page.get_by_label("Personens rolle").fill("Leder af et frivilligcenter med et langt navn")
    page.get_by_role("button", name="Lav personlige links").click()
    link = page.get_by_label(re.compile("Link til Telefonprøve")).input_value()
    page.goto(live_server + "/harvests/helsingor-2024-26")
    page.get_by_role("link", name=OUTCOME).first.click()
    outcome = page.url.removeprefix(live_server)
    page.get_by_role("link", name="Redigér").first.click()
    page.get_by_label("Hvor", exact=True).fill("Helsingør, i caféen i Kulturværftet hver fredag")
    page.get_by_role("button", name="Gem").click()
    page.wait_for_url(live_server + outcome)
    context.close()
    return {"respond": link.removeprefix(live_server), "outcome": outcome}


@pytest.mark.parametrize("lang", ["da", "en"])
def test_phone_pages_fit_390_px_and_are_accessible(live_server, browser, places, lang):
    locale = {"da": "da-DK", "en": "en-US"}[
        lang
    ]  # a long actor name: "Distriktspsykiatrien Helsingør"
    context = browser.new_context(  # type: ignore[attr-defined]
        locale=locale, viewport=PHONE, has_touch=True
    )
    phone = context.new_page()
    problems: dict[str, object] = {}
    phone.goto(f"{live_server}{places['respond']}?lang={lang}")
    assert phone.get_by_role("heading", name=OUTCOME).is_visible()
    problems["respond"] = (_fits(phone), serious_violations(phone))

    phone.goto(live_server + "/login?lang=da")  # the sign-in helper speaks Danish
    login(phone, live_server, "e2e@example.dk", PASSWORD)
    for name, path in (
        ("history", places["outcome"]),
        ("form", places["outcome"] + "/edit"),
    ):
        phone.goto(f"{live_server}{path}?lang={lang}")
        assert phone.locator("html").get_attribute("lang") == lang
        problems[name] = (_fits(phone), serious_violations(phone))
    phone.goto(f"{live_server}{places['outcome']}?lang={lang}")
    assert phone.locator("#history table.diff").count() > 0  # the history has a table to fit
    context.close()
    assert problems == {name: (0, []) for name in problems}
