"""The analysis page: evaluators only; charts and tables agree with the data."""

import io
import re

import openpyxl
import pytest

from harvest import coding, harvests, outcomes
from tests.conftest import PASSWORD


@pytest.fixture
def setup(session, create_user, create_harvest, create_outcome, create_actor):
    create_user("eva@example.dk", "evaluator")
    create_user("staff@example.dk", "staff")
    harvest = create_harvest()
    scheme = coding.scheme_of(session, harvest)
    made = []
    for title, change_type, when in [
        ("Biblioteket åbner", "practice", "2025-01-10"),
        ("Klubben inviterer", "practice", "2025-01-20"),
        ("Jobcentret henviser", "practice", "2025-03-05"),
        ("Udvalget beslutter", "policy", "2025-03-15"),
    ]:
        outcome = create_outcome(harvest, title=title, when_start=when)
        coding.set_codes(session, outcome.id, scheme, {"type_of_change": [change_type]}, by=None)
        made.append(outcome)
    outcomes.link_outcomes(session, made[0], made[1], by=None)
    outcomes.link_outcomes(session, made[1], made[3], by=None)
    outcomes.set_question(session, made[2], harvests.questions_of(session, harvest)[0].id)
    session.commit()
    return made


def _login(client, email):
    client.post("/login", data={"email": email, "password": PASSWORD})


def _figure(page, chart_id):
    start = page.index(f'<figure class="chart-figure" aria-labelledby="{chart_id}-caption">')
    return page[start : page.index("</figure>", start)]


def test_only_evaluators_and_admins_see_the_analysis(client, setup):
    assert client.get("/harvests/test-harvest/analysis").status_code in (302, 401)
    _login(client, "staff@example.dk")
    assert client.get("/harvests/test-harvest/analysis").status_code == 403


def test_bars_and_table_agree_with_the_codes(client, setup):
    _login(client, "eva@example.dk")
    page = client.get("/harvests/test-harvest/analysis?lang=en").get_data(as_text=True)
    figure = _figure(page, "code-type_of_change")
    counts = [int(n) for n in re.findall(r'data-count="(\d+)"', figure)]
    widths = [
        float(w)
        for w in re.findall(r'<rect class="chart-bar" x="\d+" y="[\d.]+" width="([\d.]+)"', figure)
    ]
    rows = re.findall(
        r'<tr><th scope="row">([^<]+)</th><td class="num">(\d+)</td>'
        r'<td class="num">(\d+) %</td></tr>',
        figure,
    )
    assert ("Practice", "3", "75") in rows and ("Policy or procedure", "1", "25") in rows
    assert ("Resources", "0", "0") in rows
    assert sorted(counts, reverse=True)[:2] == [3, 1]
    # bar lengths are proportional to the counts: the largest gets the full length
    for count, width in zip(counts, widths, strict=True):
        assert width == pytest.approx(330 * count / 3, abs=0.05)
    assert 'role="img"' in figure and '<title id="code-type_of_change-title">' in figure


def test_timeline_has_one_column_per_month(client, setup):
    _login(client, "eva@example.dk")
    page = client.get("/harvests/test-harvest/analysis?lang=en").get_data(as_text=True)
    figure = _figure(page, "timeline")
    months = re.findall(r'data-count="(\d+)" data-month="([\d-]+)"', figure)
    assert months == [("2", "2025-01"), ("0", "2025-02"), ("2", "2025-03")]
    heights = re.findall(r'height="([\d.]+)" fill="#1f5f8b" data-count', figure)
    assert [float(h) for h in heights] == [140.0, 0.0, 140.0]
    assert '<time datetime="2025-02">Feb 2025</time></th><td class="num">0</td>' in figure


def test_chains_and_answers_per_question_are_shown(client, setup):
    _login(client, "eva@example.dk")
    page = client.get("/harvests/test-harvest/analysis?lang=en").get_data(as_text=True)
    chain = page[
        page.index('<ol class="chain"') : page.index("</ol>", page.index('<ol class="chain"'))
    ]
    assert re.findall(r'">([^<]+)</a>', chain) == [
        "Biblioteket åbner",
        "Klubben inviterer",
        "Udvalget beslutter",
    ]
    questions = page[page.index('id="questions-heading"') :]
    assert questions.index("Jobcentret henviser") < questions.index("Outcomes not yet linked")


def test_the_page_says_what_it_counts(client, setup, session):
    _login(client, "eva@example.dk")
    page = client.get("/harvests/test-harvest/analysis?lang=en").get_data(as_text=True)
    assert "This analysis counts 4 outcomes" in page
    assert 'style="' not in page and "<script" not in page


def test_labels_are_escaped_in_the_charts(client, setup, session):
    scheme = coding.ensure_default_scheme(session)
    dimension = coding.active_dimensions(session, scheme)[0][0]
    code = coding.add_code(session, dimension, {"key": "odd", "label": "<b>fed</b> & co"}, by=None)
    coding.set_codes(session, setup[0].id, scheme, {"type_of_change": [code.key]}, by=None)
    session.commit()
    _login(client, "eva@example.dk")
    page = client.get("/harvests/test-harvest/analysis").get_data(as_text=True)
    assert "<b>fed</b>" not in page and "&lt;b&gt;fed&lt;/b&gt; &amp; co" in page


def test_the_spreadsheet_download_has_outcomes_then_a_summary(client, setup):
    _login(client, "eva@example.dk")
    response = client.get("/harvests/test-harvest/analysis.xlsx?lang=en")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["outcomes", "summary"]
    summary = [
        [c for c in row if c is not None] for row in book["summary"].iter_rows(values_only=True)
    ]
    assert ["Practice", 3, 75] in summary
    assert ["Number of outcomes", 4] in summary


def test_the_printable_report_has_charts_and_substantiators_by_role_only(client, setup, session):
    from datetime import UTC, datetime, timedelta

    from harvest.models import Substantiation

    session.add(
        Substantiation(
            outcome_id=setup[0].id,
            name="Hanne Hemmelig",
            email="hanne@example.dk",
            role="Bibliotekar",
            token_hash="report-test",
            expires_at=datetime.now(UTC) + timedelta(days=7),
            status="answered",
            verdict_outcome="fully_agree",
        )
    )
    session.commit()
    _login(client, "eva@example.dk")
    page = client.get("/harvests/test-harvest/report?lang=en").get_data(as_text=True)
    assert page.count('<svg class="chart') >= 10
    assert '<th scope="row">Bibliotekar</th><td class="num">1</td>' in page
    assert "Hemmelig" not in page and "hanne@example.dk" not in page
    assert 'style="' not in page and "<style" not in page
    figure = _figure(page, "report-code-type_of_change")
    assert '<th scope="row">Practice</th><td class="num">3</td><td class="num">75 %</td>' in figure


@pytest.mark.parametrize(
    ("lang", "labels"),
    [
        ("en", ("Waiting for an answer", "Link expired", "Link withdrawn")),
        ("da", ("Venter på svar", "Linket er udløbet", "Linket er trukket tilbage")),
    ],
)
def test_expired_and_revoked_links_count_the_same_on_every_page(
    client, setup, session, lang, labels
):
    from datetime import UTC, datetime, timedelta

    from harvest.models import Substantiation

    soon, past = datetime.now(UTC) + timedelta(days=7), datetime.now(UTC) - timedelta(days=1)
    outcome = setup[0]
    outcome.status = "ready"
    for role, status, expires in [
        ("Venter", "pending", soon),
        ("Udløbet", "pending", past),
        ("Trukket", "revoked", soon),
    ]:
        session.add(
            Substantiation(
                outcome_id=outcome.id,
                name=role,
                role=role,
                token_hash=f"token-{role}",
                expires_at=expires,
                status=status,
            )
        )
    session.commit()
    _login(client, "eva@example.dk")
    waiting, expired, revoked = labels
    for url in ("/harvests/test-harvest/analysis", "/harvests/test-harvest/report"):
        page = client.get(f"{url}?lang={lang}").get_data(as_text=True)
        assert f"<dt>{waiting}</dt><dd>1</dd>" in page, url
        assert f"<dt>{expired}</dt><dd>1</dd>" in page, url
        assert f"<dt>{revoked}</dt><dd>1</dd>" in page, url
    for url in ("/harvests/test-harvest/substantiation", f"/outcomes/{outcome.id}"):
        page = client.get(f"{url}?lang={lang}").get_data(as_text=True)
        assert page.count(expired) >= 1 and page.count(revoked) >= 1, url
