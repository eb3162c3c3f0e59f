"""Substantiation in the browser's terms: the evaluator asks, the substantiator answers
without an account, the verdict shows on the outcome; refused links get a clear page."""

import re
from datetime import timedelta

import pytest

from app.cli import main
from harvest import substantiation
from harvest.models import utcnow
from tests.conftest import PASSWORD

ANSWER = {
    "verdict_outcome": "fully_agree",
    "verdict_significance": "partially_agree",
    "verdict_contribution": "disagree",
    "comment_contribution": "Kommunen havde allerede besluttet det.",
    "consent_named": "y",
}
LINK = re.compile(r'value="(http://localhost/s/[A-Za-z0-9_-]+)"')


@pytest.fixture
def setup(session, create_harvest, create_outcome, create_user):
    harvest = create_harvest(slug="hel")
    outcome = create_outcome(harvest=harvest, title="Biblioteket låner lokaler ud")
    outcome.status = "ready"
    draft = create_outcome(harvest=harvest, title="Et udkast")
    create_user(email="evaluator@example.dk", role="evaluator", name="Eva")
    create_user(email="staff@example.dk", role="staff")
    session.commit()
    return {"harvest": harvest, "outcome": outcome, "draft": draft}


def login(client, email):
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302


def ask(client, setup, **overrides):
    data = {
        "rule": "",
        "outcome_ids": [str(setup["outcome"].id)],
        "name": "Mette Test",
        "email": "mette@example.dk",
        "role": "Leder af SIND Helsingør",
        "expires_in_days": "30",
    }
    data.update(overrides)
    return client.post("/harvests/hel/substantiation", data=data)


def issued_link(client, setup) -> str:
    login(client, "evaluator@example.dk")
    response = ask(client, setup)
    assert response.status_code == 201
    links = LINK.findall(response.get_data(as_text=True))
    assert len(links) == 1
    client.get("/logout")
    client.post("/logout")
    return links[0].removeprefix("http://localhost")


def test_evaluator_page_lists_only_outcomes_that_can_be_substantiated(client, setup):
    login(client, "evaluator@example.dk")
    page = client.get("/harvests/hel/substantiation").get_data(as_text=True)
    assert "Biblioteket låner lokaler ud" in page
    assert "Et udkast" not in page
    assert client.get("/harvests/hel").get_data(as_text=True).count("/substantiation") >= 1


@pytest.mark.parametrize("email", ["staff@example.dk", None])
def test_only_evaluators_reach_the_substantiation_page(client, setup, email):
    if email:
        login(client, email)
        assert client.get("/harvests/hel/substantiation").status_code == 403
    else:
        assert client.get("/harvests/hel/substantiation").status_code == 302


def test_evaluator_gets_a_link_to_copy_and_sees_the_request_pending(client, setup):
    login(client, "evaluator@example.dk")
    page = ask(client, setup).get_data(as_text=True)
    assert re.search(r'<label for="link-\d+">', page)
    assert "readonly" in page
    listing = client.get("/harvests/hel/substantiation").get_data(as_text=True)
    assert "Mette Test" in listing and "Venter på svar" in listing
    assert not LINK.search(listing)  # shown once only


def test_a_request_without_role_or_outcome_is_refused_with_messages(client, setup):
    login(client, "evaluator@example.dk")
    response = ask(client, setup, role="")
    assert response.status_code == 422
    assert "Feltet skal udfyldes." in response.get_data(as_text=True)
    response = ask(client, setup, outcome_ids=[])
    assert response.status_code == 422
    assert "Vælg mindst én forandring" in response.get_data(as_text=True)


def test_a_rule_picks_the_outcomes(client, setup):
    login(client, "evaluator@example.dk")
    response = ask(client, setup, rule="ready", outcome_ids=[])
    assert response.status_code == 201
    assert len(LINK.findall(response.get_data(as_text=True))) == 1


def test_substantiator_answers_without_an_account_and_the_verdict_shows(client, setup):
    path = issued_link(client, setup)
    page = client.get(path)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Biblioteket låner lokaler ud" in text
    assert "Dit navn offentliggøres ikke" in text
    assert "<legend>" in text and 'type="radio"' in text
    assert page.headers["Cache-Control"] == "no-store"
    assert "Mette Test" not in text  # not even their own name
    done = client.post(path, data=ANSWER)
    assert done.status_code == 200 and "Tak for dit svar" in done.get_data(as_text=True)
    login(client, "evaluator@example.dk")
    outcome = client.get(f"/outcomes/{setup['outcome'].id}").get_data(as_text=True)
    assert "Substantiering" in outcome and "Delvist enig" in outcome
    assert "uenig i en del af forandringen" in outcome  # the disagreement flag
    assert "Mette Test" in outcome  # evaluators see names


def test_the_public_sees_roles_never_names(client, setup, session):
    path = issued_link(client, setup)
    client.post(path, data=ANSWER)
    setup["outcome"].status = "final"
    session.merge(setup["outcome"])
    session.commit()
    page = client.get(f"/outcomes/{setup['outcome'].id}").get_data(as_text=True)
    assert "Leder af SIND Helsingør" in page
    assert "Mette Test" not in page and "mette@example.dk" not in page


def test_a_used_link_is_refused_with_a_clear_page(client, setup):
    path = issued_link(client, setup)
    client.post(path, data=ANSWER)
    again = client.get(path)
    assert again.status_code == 410
    text = again.get_data(as_text=True)
    assert "allerede brugt" in text and "Biblioteket" not in text
    assert client.post(path, data=ANSWER).status_code == 410


def test_a_forged_link_gets_404_and_no_details(client, setup):
    response = client.get("/s/" + "A" * 43)
    assert response.status_code == 404
    assert "ikke gyldigt" in response.get_data(as_text=True)


def test_expired_and_revoked_links_are_refused(client, setup, session):
    path = issued_link(client, setup)
    record = substantiation.find_by_token(session, path.removeprefix("/s/"))
    record.expires_at = utcnow() - timedelta(hours=1)
    session.commit()
    assert client.get(path).status_code == 410
    assert "udløbet" in client.get(path).get_data(as_text=True)
    login(client, "evaluator@example.dk")
    revoked = client.post(f"/substantiation/{record.id}/revoke")
    assert revoked.status_code == 302
    assert "trukket tilbage" in client.get(path).get_data(as_text=True)


def test_reissue_gives_a_new_link_and_the_old_one_dies(client, setup, session):
    old = issued_link(client, setup)
    record = substantiation.find_by_token(session, old.removeprefix("/s/"))
    session.rollback()
    login(client, "evaluator@example.dk")
    response = client.post(f"/substantiation/{record.id}/reissue")
    new = LINK.findall(response.get_data(as_text=True))[0].removeprefix("http://localhost")
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_an_answer_missing_a_verdict_is_shown_again_with_the_error(client, setup):
    path = issued_link(client, setup)
    response = client.post(path, data={**ANSWER, "verdict_outcome": ""})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Feltet skal udfyldes." in text and 'aria-describedby="verdict_outcome-error"' in text
    assert client.get(path).status_code == 200  # the link still works


def test_the_page_speaks_english_on_request(client, setup):
    path = issued_link(client, setup)
    text = client.get(path + "?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in text
    assert "Do you agree with this outcome?" in text
    assert "Your name is not published unless you agree to it below." in text


def test_cli_lists_pending_requests(runner, client, setup, session):
    path = issued_link(client, setup)
    login(client, "evaluator@example.dk")
    ask(client, setup, name="Jonas Test", role="Bibliotekar")
    client.post(path, data=ANSWER)
    everything = runner.invoke(main, ["substantiation", "list", "--harvest", "hel"])
    assert everything.exit_code == 0, everything.output
    assert "Leder af SIND Helsingør" in everything.output and "Bibliotekar" in everything.output
    pending = runner.invoke(main, ["substantiation", "list", "--pending"])
    assert "Bibliotekar" in pending.output and "Jonas Test" in pending.output
    assert "Leder af SIND Helsingør" not in pending.output
    unknown = runner.invoke(main, ["substantiation", "list", "--harvest", "nope"])
    assert unknown.exit_code == 1


def test_cli_help_says_names_are_shown(runner):
    result = runner.invoke(main, ["substantiation", "list", "--help"])
    assert "evaluator's tool" in result.output
