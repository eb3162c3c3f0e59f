"""The interpretation page and the report organised by question: who may write it, what a
stale save shows, Markdown rendered (never raw `**`), and a public variant with no drafts."""

import re

import pytest

from app.cli import main
from harvest import harvests, interpretation, outcomes
from harvest.interpretation import AnswerInput, InterpretationInput
from tests.conftest import PASSWORD

PAGE = "/harvests/egen-hoest/interpretation"


@pytest.fixture
def setup(session, create_municipality, create_harvest, create_outcome, create_user):
    from harvest import groups

    create_municipality()
    groups.create_group(
        session, {"slug": "gruppe", "name": "Gruppe", "municipality": "helsingor"}, by=None
    )
    harvest = create_harvest(
        slug="egen-hoest",
        group="gruppe",
        users_and_uses="**Primære brugere**: styregruppen.",
        questions=["Hvem henviser nu?", "Hvad har foreningerne ændret?"],
    )
    final = create_outcome(harvest=harvest, title="Koret tager imod nye", status="final")
    draft = create_outcome(harvest=harvest, title="Hemmeligt udkast", status="draft")
    first = harvests.questions_of(session, harvest)[0]
    outcomes.set_question(session, final, first.id)
    create_user("eva@example.dk", "evaluator")
    create_user("m@example.dk", "member", groups=["gruppe"])
    create_user("staff@example.dk", "staff")
    session.commit()
    return {"harvest": harvest, "final": final, "draft": draft, "question": first.id}


def _login(client, email):
    client.post("/login", data={"email": email, "password": PASSWORD})


def _form(setup, **extra):
    q = setup["question"]
    data = {
        "version": "",
        f"answer_{q}": "Jobcentret **henviser** nu.",
        f"outcomes_{q}": [str(setup["final"].id), str(setup["draft"].id)],
        "overall": "Samlet set *bygger* gruppen [bro](https://example.dk/bro).",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("email", ["m@example.dk", "staff@example.dk"])
def test_members_and_staff_may_not_write_the_interpretation(client, setup, email):
    _login(client, email)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, data=_form(setup)).status_code == 403
    assert client.get("/harvests/egen-hoest/report").status_code == 403


def test_the_page_suggests_the_outcomes_coded_to_each_question(client, setup):
    _login(client, "eva@example.dk")
    page = client.get(PAGE).get_data(as_text=True)
    q, final, draft = setup["question"], setup["final"].id, setup["draft"].id
    assert "Hvem henviser nu?" in page and f'<label for="answer_{q}"' in page
    assert re.search(rf'checked[^>]*value="{final}"|value="{final}"[^>]*checked', page)
    assert not re.search(rf'value="{draft}"[^>]*checked|checked[^>]*value="{draft}"', page)
    assert "<legend>" in page


def test_an_evaluator_saves_and_the_report_renders_it_as_html(client, setup):
    _login(client, "eva@example.dk")
    response = client.post(PAGE, data=_form(setup))
    assert response.status_code == 302
    page = client.get(PAGE).get_data(as_text=True)
    assert "Jobcentret **henviser** nu." in page  # the Markdown, as typed, to edit again
    report = client.get("/harvests/egen-hoest/report").get_data(as_text=True)
    assert "<strong>henviser</strong>" in report and "<em>bygger</em>" in report
    assert "<strong>Primære brugere</strong>" in report
    assert "**" not in report
    assert report.index("<strong>henviser</strong>") < report.index("Hemmeligt udkast")
    assert report.index("Hemmeligt udkast") < report.index("<em>bygger</em>")
    assert 'style="' not in report and "<script" not in report


def test_a_stale_save_shows_the_conflict_page_and_keeps_both(client, setup, session):
    saved = interpretation.save_interpretation(
        session, setup["harvest"], InterpretationInput(overall="Første"), None, by=None
    )
    read = saved.version
    interpretation.save_interpretation(
        session, setup["harvest"], InterpretationInput(overall="Andens"), read, by=None
    )
    session.commit()
    _login(client, "eva@example.dk")
    response = client.post(PAGE, data=_form(setup, version=str(read)))
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Andens" in page and "bygger" in page


def test_the_public_report_has_no_draft_and_shows_answers_only_when_published(
    client, setup, session
):
    q = setup["question"]
    cited = frozenset({setup["final"].id, setup["draft"].id})
    values = InterpretationInput(
        overall="Tolkningen **her**", answers={q: AnswerInput("Svaret **her**", cited)}
    )
    saved = interpretation.save_interpretation(session, setup["harvest"], values, None, by=None)
    session.commit()
    public = client.get("/harvests/egen-hoest/report/public").get_data(as_text=True)
    assert "Koret tager imod nye" in public and "Hemmeligt udkast" not in public
    assert "Tolkningen" not in public and "Svaret" not in public
    published = InterpretationInput(overall=values.overall, publish=True, answers=values.answers)
    interpretation.save_interpretation(session, setup["harvest"], published, saved.version, by=None)
    session.commit()
    public = client.get("/harvests/egen-hoest/report/public").get_data(as_text=True)
    assert "Tolkningen <strong>her</strong>" in public and "Svaret <strong>her</strong>" in public
    assert "Hemmeligt udkast" not in public and "**" not in public


def test_the_cli_writes_markdown_as_markdown_and_html_rendered(runner, setup, session, tmp_path):
    q = setup["question"]
    values = InterpretationInput(
        overall="Samlet **tolkning**",
        answers={q: AnswerInput("Svar **fed**", frozenset({setup["final"].id}))},
    )
    interpretation.save_interpretation(session, setup["harvest"], values, None, by=None)
    session.commit()
    md, html = tmp_path / "r.md", tmp_path / "r.html"
    for fmt, out in (("md", md), ("html", html)):
        args = ["export", "harvest", "egen-hoest", "--format", fmt, "-o", str(out)]
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
    text = md.read_text("utf-8")
    assert "Svar **fed**" in text and "Samlet **tolkning**" in text
    page = html.read_text("utf-8")
    assert "Svar <strong>fed</strong>" in page and "<strong>Primære brugere</strong>" in page
    assert "**" not in page and "@media print" in page


def test_the_cli_public_report_leaves_out_drafts(runner, setup, tmp_path):
    out = tmp_path / "public.md"
    args = ["export", "harvest", "egen-hoest", "--format", "md", "--public", "-o", str(out)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    text = out.read_text("utf-8")
    assert "Koret tager imod nye" in text and "Hemmeligt udkast" not in text
    refused = runner.invoke(main, [*args[:4], "xlsx", "--public", "-o", str(tmp_path / "x")])
    assert refused.exit_code != 0 and "--public" in refused.output
