"""In a real browser: an evaluator compares two outcomes that look alike and merges them, in
Danish and English, on a desktop and on a phone, with no serious accessibility problem."""

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import col, select

from harvest import outcomes
from harvest.db import make_engine, unit_of_work
from harvest.models import Harvest, Outcome
from tests.e2e.helpers import DEMO_PASSWORD, serious_violations
from tests.processes import serve, stop

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LOCALES = {"da": "da-DK", "en": "en-US"}
# One pair of look-alikes per test, each pair unlike the others.
PAIRS = [
    ("Genbrugsbutikken tager imod praktikanter", "To praktikanter ad gangen fra jobcentret."),
    ("Kirkens café åbner om søndagen", "Caféen holder åbent efter gudstjenesten for alle."),
    ("Biblioteket lærer borgere at bruge MitID", "Bibliotekarer viser digital post hver onsdag."),
    ("Idrætsforeningen tilbyder gåture", "Foreningen går ture i skoven med nye medlemmer."),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, sqlite_demo_template: Path) -> Iterator[str]:
    """A server of this module's own, with one pair of look-alike outcomes per test."""
    path = tmp_path_factory.mktemp("duplicates") / "brobyg.sqlite3"
    shutil.copy(sqlite_demo_template, path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        some = session.scalars(
            select(Outcome).where(col(Outcome.changed_actor_id).is_not(None)).limit(1)
        ).one()
        harvest = session.get_one(Harvest, some.harvest_id)
        for title, change in PAIRS:
            for pasted in ("", " \u2013 igen"):  # an en dash and a no-break space from Word
                data = {
                    "title": f"{title}{pasted}",
                    "changed_actor_id": some.changed_actor_id,
                    "change": change.replace(" ", "\u00a0", 1 if pasted else 0),
                    "status": "draft",
                }
                outcomes.record_outcome(session, harvest, data, by=None)
    engine.dispose()
    env = {**os.environ, "BROBYG_DATABASE_URL": url, "BROBYG_SECRET_KEY": "e2e-secret"}
    process, address = serve(env)
    yield address
    stop(process)


CASES = [(lang, size) for lang in sorted(LOCALES) for size in sorted(SIZES)]


@pytest.mark.parametrize(("lang", "size"), CASES)
def test_an_evaluator_compares_and_merges_two_look_alike_outcomes(server, browser, lang, size):
    title, _change = PAIRS[CASES.index((lang, size))]
    context = browser.new_context(  # type: ignore[attr-defined]
        locale=LOCALES[lang], viewport=SIZES[size], is_mobile=size == "phone"
    )
    page = context.new_page()
    page.goto(server + "/login")
    page.locator("#email").fill("evaluator@brobyg.example.dk")
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(server + "/")
    page.goto(server + f"/outcomes?q={title.split()[0]}&lang={lang}")
    page.get_by_role("link", name=f"{title} – igen").click()
    words = {"da": "Muligvis en dublet af", "en": "Possibly a duplicate of"}[lang]
    assert words in page.locator("main").inner_text()
    page.locator("main a[href*='/duplicates/']").first.click()
    assert re.search(r"/outcomes/\d+/duplicates/\d+$", page.url)
    assert page.locator("html").get_attribute("lang") == lang
    text = page.locator("main table").inner_text()
    assert {"da": "Forskellig", "en": "Differs"}[lang] in text  # the headlines differ, in words
    assert serious_violations(page) == []
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.get_by_role("button", name={"da": "Læg sammen", "en": "Merge"}[lang]).click()
    page.wait_for_url(re.compile(r"/outcomes/\d+$"))
    flash = {"da": "er trukket tilbage", "en": "is withdrawn"}[lang]
    assert flash in page.locator("main, .flashes").first.inner_text() or flash in page.content()
    context.close()
