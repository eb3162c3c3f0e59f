"""In a real browser: the account and user administration pages are accessible (axe-core)."""

import pytest

from tests.e2e.helpers import login, serious_violations

pytestmark = pytest.mark.e2e

PAGES = ["/konto/", "/admin/brugere/", "/admin/brugere/1", "/konto/?lang=en"]


@pytest.mark.parametrize("path", PAGES)
def test_account_pages_have_no_serious_accessibility_violations(live_server, page, path):
    login(page, live_server, "admin@brobyg.example.dk")
    page.goto(live_server + path)
    assert serious_violations(page) == []
