"""In a real browser: the social-capital map of Helsingør, its filters, focus and date,
large maps opened clustered (by click and by keyboard), offline drawing of the standalone
file, and names that must never run as script."""

import os
import re

import pytest

from tests.e2e.helpers import DEMO_PASSWORD, serious_violations
from tests.processes import brobyg, serve, stop

LARGE = "syntetisk-1200"

EVIL = "</script><script>alert(1)</script><img src=x onerror=alert(1)>"


def _no_dialogs(page):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    return dialogs


def _ties(page):
    return page.locator("#tie-table tbody tr").count()


def _drawn(page):
    page.wait_for_selector("#map[data-drawn] canvas")
    return int(page.get_attribute("#map", "data-drawn"))


def test_staff_member_explores_the_map_of_helsingor(live_server, page):
    """The "done when" scenario: legend, bridging filter, focus, back before the harvest."""
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server + "/kort/")
    page.get_by_label("Kommune").select_option(label="Helsingør")
    page.get_by_role("button", name="Vis kort").click()
    page.wait_for_url(re.compile(r"municipality=helsingor"))
    legend = page.locator("#legend-forms")
    for form in ("Samlende", "Brobyggende", "Forbindende"):
        assert legend.get_by_text(form).is_visible()
    assert _drawn(page) > 10
    every = _ties(page)
    page.get_by_label("Relationens form").select_option("bridging")
    page.get_by_role("button", name="Vis kort").click()
    page.wait_for_url(re.compile(r"form=bridging"))
    bridging = _ties(page)
    assert 0 < bridging < every
    page.get_by_label("Fokus på aktør").select_option(label="Café Vinkeldammen")
    page.get_by_role("button", name="Vis kort").click()
    page.wait_for_url(re.compile(r"focus=\d+"))
    focused = _ties(page)
    assert 0 < focused <= bridging
    assert page.get_by_text("Fokus på Café Vinkeldammen").is_visible()
    page.get_by_label("Pr. dato").fill("2024-01-01")
    page.get_by_label("Pr. dato").press("Enter")
    page.wait_for_url(re.compile(r"as_of=2024-01-01"))
    assert _ties(page) < focused
    assert _drawn(page) >= 1
    assert serious_violations(page) == []
    assert not [e for e in errors if "Content Security Policy" in e]


def test_the_map_works_by_keyboard_and_on_a_phone(live_server, phone):
    phone.goto(live_server + "/kort/?municipality=helsingor")
    assert _drawn(phone) > 0
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    phone.get_by_label("Find en aktør").focus()
    phone.keyboard.type("vinkel")
    phone.keyboard.press("Enter")
    phone.get_by_role("link", name="Café Vinkeldammen").first.click()
    assert "focus=" in phone.url


def test_the_timeline_shows_before_and_after(live_server, page):
    page.goto(live_server + "/kort/forandring")
    page.get_by_label("Kommune").select_option(label="Helsingør")
    page.get_by_label("Høstperiode").select_option(index=1)
    page.get_by_role("button", name="Vis ændringer").click()
    assert page.get_by_role("heading", name=re.compile("Nye relationer")).is_visible()
    assert serious_violations(page) == []


def test_a_hostile_actor_name_never_runs_as_script(live_server, page, browser):
    """Record an outcome whose new actor is named like an attack, then open the map of
    every municipality, search for it, and open the standalone file with no network."""
    dialogs = _no_dialogs(page)
    page.goto(live_server + "/login")
    page.get_by_label("E-mail").fill("medlem.helsingor@brobyg.example.dk")
    page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.goto(live_server + "/harvests/helsingor-2024-26/outcomes/new")
    page.get_by_label("Overskrift").fill("En aktør med et mærkeligt navn")
    page.locator("details.inline-actor summary").click()
    page.get_by_label("Eller tilføj en manglende aktør: navn").fill(EVIL)
    page.get_by_label("Hvad ændrede sig").fill("Aktøren begyndte at mødes med caféen i 2025.")
    page.get_by_label("Hvornår (dato)").fill("2025-10-01")
    page.get_by_role("button", name="Gem").click()
    page.goto(live_server + "/kort/?q=onerror")
    assert _drawn(page) > 0
    assert page.locator("#found-h").is_visible()
    assert page.get_by_role("link", name=EVIL).first.is_visible()  # shown as text
    # hover every node so vis-network builds each tooltip
    page.evaluate(
        "() => { const n = window.brobygMap; for (const id of n.body.nodeIndices) {"
        " n.selectNodes([id]); } }"
    )
    html = page.request.get(live_server + "/kort/hent.html").text()
    offline = browser.new_context()
    offline.route("**/*", lambda route: route.abort())
    standalone = offline.new_page()
    offline_dialogs = _no_dialogs(standalone)
    standalone.set_content(html)
    assert _drawn(standalone) > 20
    assert standalone.locator("#map canvas").is_visible()
    offline.close()
    assert dialogs == [] and offline_dialogs == []


@pytest.fixture(scope="module")
def large_server(tmp_path_factory):
    """Serve the demo data plus a synthetic municipality of 1,200 actors."""
    folder = tmp_path_factory.mktemp("e2e-large")
    env = {
        **os.environ,
        "BROBYG_DATABASE_URL": f"sqlite:///{folder / 'brobyg.sqlite3'}",
        "BROBYG_SECRET_KEY": "e2e-secret",
    }
    brobyg(env, "db", "upgrade")
    brobyg(env, "demo", "--scale", "1200")
    server, url = serve(env)
    yield url
    stop(server)


def _clusters(page):
    page.wait_for_selector("#map[data-clusters]", timeout=30_000)
    return int(page.get_attribute("#map", "data-clusters"))


@pytest.mark.parametrize(
    ("locale", "width", "groups", "open_label", "opened"),
    [
        ("da-DK", 1280, "Grupper på kortet", "Åbn gruppe", "Åbnet"),
        ("en-GB", 390, "Groups on the map", "Open group", "Opened"),
    ],
)
def test_a_large_map_opens_clustered_and_a_group_opens_by_keyboard(
    large_server, browser, locale, width, groups, open_label, opened
):
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{large_server}/kort/?municipality={LARGE}")
    _drawn(page)
    before = _clusters(page)
    assert before > 1
    chooser = page.get_by_label(groups)
    first = chooser.locator("option").first.text_content()
    assert re.search(r"\(\d+\)$", first)  # a group's name with its count
    chooser.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == open_label
    page.keyboard.press("Enter")
    assert page.get_by_role("status").filter(has_text=opened).is_visible()
    assert _clusters(page) == before - 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_violations(page) == []
    context.close()


def test_a_group_opens_by_click_and_the_country_map_groups_by_municipality(large_server, page):
    page.goto(f"{large_server}/kort/")
    _drawn(page)
    before = _clusters(page)
    chooser = page.get_by_label("Grupper på kortet")
    names = chooser.locator("option").all_text_contents()
    assert any(name.startswith("Helsingør (") for name in names)
    assert "Syntetisk kommune (1200) (1200)" in names
    page.locator("#map").scroll_into_view_if_needed()
    spot = page.evaluate(
        """() => { const n = window.brobygMap;
        n.focus("cluster:helsingor", {scale: 1, animation: false});
        return n.canvasToDOM(n.getPositions(["cluster:helsingor"])["cluster:helsingor"]); }"""
    )
    box = page.locator("#map canvas").bounding_box()
    page.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])
    page.get_by_role("status").filter(has_text="Åbnet: Helsingør").wait_for()
    assert _clusters(page) == before - 1
    # a municipality too large to show at once opens into its groups
    chooser.select_option(label="Syntetisk kommune (1200) (1200)")
    page.get_by_role("button", name="Åbn gruppe").click()
    names = chooser.locator("option").all_text_contents()
    assert sum(name.startswith("Syntetisk kommune (1200): Gruppe") for name in names) > 1
    assert serious_violations(page) == []


def test_a_focus_view_lays_out_the_neighbourhood_on_its_own(large_server, page):
    page.goto(f"{large_server}/kort/?municipality={LARGE}&q=a")
    link = page.locator("#found-h + ul a").first
    name = link.text_content()
    link.click()
    page.wait_for_url(re.compile(r"focus=\d+"))
    assert _drawn(page) >= 1
    assert page.get_attribute("#map", "data-clusters") is None  # small: no clusters
    assert page.get_by_text(f"Fokus på {name}").is_visible()
    spread = page.evaluate(
        """() => { const p = Object.values(window.brobygMap.getPositions());
        const xs = p.map(q => q.x), ys = p.map(q => q.y);
        return Math.max(...xs) - Math.min(...xs) + Math.max(...ys) - Math.min(...ys); }"""
    )
    assert spread < 5000  # laid out together, not scattered across the whole map
    assert serious_violations(page) == []


def test_a_signed_in_evaluator_gets_the_map_data_too(large_server, page):
    page.goto(large_server + "/login")
    page.get_by_label("E-mail").fill("evaluator@brobyg.example.dk")
    page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.goto(f"{large_server}/kort/?municipality=helsingor")
    assert _drawn(page) > 10
