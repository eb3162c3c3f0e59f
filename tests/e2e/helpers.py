"""What the browser tests share: signing in as a demo account and axe-core's verdict."""

from axe_playwright_python.sync_playwright import Axe

from harvest.demo import DEMO_PASSWORD  # the documented demo accounts


def login(page, base: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form and wait for the front page."""
    page.goto(base + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(base + "/")


def serious_violations(page) -> list[tuple[str, list[object]]]:
    """Return axe-core's serious and critical violations on the page (id, first targets)."""
    violations = Axe().run(page).response["violations"]
    return [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
