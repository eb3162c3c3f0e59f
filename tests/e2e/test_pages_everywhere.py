"""Every page type, in Danish and English, at desktop and phone width, as an anonymous
visitor and as an administrator: no serious or critical axe-core violation, no skipped
heading level and no sideways scrolling. Plus what every page shares: the error summary of
a form takes the focus, and paper leaves out the screen's navigation and filters.

The pages come from `app.policy.ROUTES` (every endpoint with a GET page), so a new page is
checked without being listed here. Playwright's Chromium asks for en-US unless the context
says otherwise, so each context sets its locale and also picks the language with ?lang=."""

from typing import Any

import pytest
from flask import Flask, url_for
from sqlmodel import col, select

from app import create_app, policy
from harvest import access, accounts, substantiation
from harvest.access import Action
from harvest.db import make_engine, unit_of_work
from harvest.models import (
    Actor,
    CodingScheme,
    GroupActor,
    Harvest,
    InformationNeed,
    Initiative,
    Outcome,
    Tie,
    User,
)
from tests.e2e.conftest import PASSWORD
from tests.e2e.helpers import login, serious_violations

SIZES = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}
LOCALES = {"da": "da-DK", "en": "en-US"}
ADMIN = "admin@brobyg.example.dk"  # the demo role with the most access
# GET endpoints that answer with something other than a page.
NOT_PAGES = {
    "operations.healthz",
    "operations.readyz",
    "maps.data",
    "maps.download",
    "maps.map_script",
    "maps.vis_network",
    "maps.style_sheet",
    "analysis.workbook",
    "initiatives.export",
    "suggestions.actors",
    "suggestions.outcomes",
}
# Public pages differ for the administrator only in the header, except these (edit links,
# internal fields); the others are checked once, as anyone sees them, to keep the run short.
SIGNED_IN_DIFFERS = {"main.index", "directory.index", "directory.actor"}
HEADINGS_IN_ORDER = """() => {
  const levels = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")]
    .filter(h => h.offsetParent !== null || h.getClientRects().length)
    .map(h => [Number(h.tagName[1]), h.textContent.trim().slice(0, 40)]);
  const skips = [];
  levels.forEach(([level, text], i) => {
    const before = i ? levels[i - 1][0] : 0;
    if (level > before + 1) skips.push(`h${before} → h${level} ${text}`);
  });
  return skips;
}"""


def _values(database: str) -> dict[str, Any]:
    """Sample URL values from the live database, and a fresh substantiation and password
    link (the pages behind a personal link)."""
    engine = make_engine(database)
    with unit_of_work(engine) as session:

        def first(model: Any, *where: Any) -> Any:
            return session.exec(select(model).where(*where).order_by(col(model.id))).first()

        harvest = first(Harvest)
        outcome, other = session.exec(  # final: public, so the anonymous visitor sees them
            select(Outcome)
            .where(Outcome.harvest_id == harvest.id, Outcome.status == "final")
            .order_by(col(Outcome.id))
        ).all()[:2]
        ready = first(Outcome, col(Outcome.status).in_(substantiation.SUBSTANTIABLE))
        _request, token = substantiation.request_substantiation(
            session, ready, {"name": "Sidetjek", "role": "Leder"}, by=None
        )
        spare = accounts.create_user(
            session,
            {"email": "sider@example.dk", "role": "staff", "name": "Sider", "password": PASSWORD},
            by=None,
        )
        values = {
            "harvest": harvest.slug,
            "outcome_id": outcome.id,
            "other_id": other.id,
            "actor_id": first(Actor).id,
            "tie_id": first(Tie).id,
            "need_id": first(InformationNeed).id,
            "municipality": "helsingor",
            "group": "helsingor",
            "place_id": first(GroupActor).id,
            "initiative_id": first(Initiative, Initiative.status == "published").id,
            "user_id": first(User, User.email == ADMIN).id,
            "scheme": first(CodingScheme).slug,
            "token": token,
            "link": accounts.issue_password_link(session, spare, accounts.RESET, by=None),
        }
    engine.dispose()
    return values


def _anyone_may_see(endpoint: str) -> bool:
    """Tell whether an anonymous visitor may see the page (final outcomes are public)."""
    rule = policy.ROUTES[endpoint]
    return rule == policy.PUBLIC or (
        rule != policy.SIGNED_IN and bool(access.grants(access.ANONYMOUS, Action(rule)))
    )


def _page_urls(app: Flask, values: dict[str, Any]) -> dict[str, tuple[str, bool]]:
    """Return one URL per GET page of `ROUTES` and whether anonymous visitors may see it."""
    urls = {}
    for rule in app.url_map.iter_rules():
        endpoint = rule.endpoint
        if endpoint not in policy.ROUTES or endpoint in NOT_PAGES or endpoint.startswith("api."):
            continue
        if "GET" not in (rule.methods or ()):
            continue
        arguments = {}
        for name in rule.arguments:
            if name == "slug":
                arguments[name] = (
                    values["scheme"]
                    if endpoint == "coding.scheme"
                    else "find-en-forening"
                    if endpoint == "knowledge.page"
                    else values["harvest"]
                )
            else:
                arguments[name] = values[name]
        with app.test_request_context():
            urls[endpoint] = (url_for(endpoint, **arguments), _anyone_may_see(endpoint))
    return urls


def _checked_as(role: str, endpoint: str, public: bool) -> bool:
    """Tell whether the run as `role` checks the page: anonymous visitors the public pages,
    the administrator the others and the public pages that differ once signed in."""
    if role == "anonymous":
        return public
    return not public or endpoint in SIGNED_IN_DIFFERS


@pytest.fixture(scope="module")
def pages(live_server: str, live_database: str) -> dict[str, tuple[str, bool]]:
    app = create_app({"DATABASE_URL": live_database, "SERVER_NAME": "brobyg.test"})
    return _page_urls(app, _values(live_database))


def test_every_get_page_of_the_routes_is_checked(pages):
    assert {"directory.actor", "outcomes.detail", "coding.scheme", "users.detail"} <= set(pages)
    assert set(NOT_PAGES) <= set(policy.ROUTES)
    assert len(pages) > 35


@pytest.mark.parametrize("role", ["anonymous", "admin"])
@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_every_page_is_accessible_in_both_languages_and_widths(
    live_server, browser, pages, lang, size, role
):
    # No `is_mobile`: Chromium's mobile emulation widens the layout to the content, which
    # would hide the very overflow this measures.
    context = browser.new_context(locale=LOCALES[lang], viewport=SIZES[size])
    page = context.new_page()
    if role == "admin":
        page.goto(live_server + "/?lang=da")
        login(page, live_server, ADMIN)
    page.goto(f"{live_server}/?lang={lang}")
    problems = {}
    for endpoint, (path, public) in sorted(pages.items()):
        if not _checked_as(role, endpoint, public):
            continue
        response = page.goto(live_server + path)
        found = serious_violations(page)
        found += [
            ("heading skipped", skips) for skips in [page.evaluate(HEADINGS_IN_ORDER)] if skips
        ]
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if page.locator("html").get_attribute("lang") != lang:
            found.append(("html lang", [page.locator("html").get_attribute("lang")]))
        if overflow > 0:
            found.append(("sideways scrolling", [overflow]))
        if response is None or response.status >= 400:
            found.append(("status", [response and response.status]))
        if found:
            problems[path] = found
    context.close()
    assert problems == {}


@pytest.mark.parametrize(
    ("lang", "message"), [("da", "Feltet skal udfyldes."), ("en", "This field is required.")]
)
def test_a_form_sent_back_with_errors_puts_the_focus_on_its_summary(
    live_server, browser, lang, message
):
    context = browser.new_context(locale=LOCALES[lang])
    page = context.new_page()
    page.goto(f"{live_server}/login?lang={lang}")
    page.locator("form[method=post] button[type=submit]").click()
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert summary.evaluate("s => s === document.activeElement")
    assert message in summary.inner_text()
    summary.locator("a[href='#email']").click()
    assert page.evaluate("document.activeElement.id") == "email"
    context.close()


@pytest.mark.parametrize("path", ["/aktoerer/?q=kor", "actor"])
def test_paper_leaves_out_the_screen_s_navigation_and_filters(live_server, page, path):
    if path == "actor":
        page.goto(live_server + "/aktoerer/")
        page.locator(".cards h2 a, main h2 a").first.click()
        page.wait_for_load_state()
    else:
        page.goto(live_server + path)
    page.emulate_media(media="print")
    for screen_only in (".skip-link", ".site-header", "nav", ".site-footer", "form[role=search]"):
        for element in page.locator(screen_only).all():
            assert not element.is_visible(), screen_only
    for button in page.locator("main button, main .button").all():
        assert not button.is_visible()
    assert page.locator("main h1").is_visible()
    external = page.locator("main a[href^='http']").first
    if external.count():
        shown = external.evaluate("a => getComputedStyle(a, '::after').content")
        assert external.get_attribute("href") in shown
