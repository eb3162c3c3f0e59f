"""E-mail in a user's terms: with BROBYG_SMTP_URL set, the substantiation request, the one
reminder and "returned for review" arrive at a real local SMTP server (aiosmtpd) in the
right language with a working link; a server that is down loses nothing; and without the
setting nothing is sent and the link is shown to copy. Substantiators who may not be
independent are flagged before they are asked."""

import re
import socket
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from app.cli import main
from harvest import groups
from harvest.models import Substantiation, utcnow
from tests.conftest import PASSWORD

BASE = "https://brobyg.example.dk"
LINK = re.compile(re.escape(BASE) + r"/s/[A-Za-z0-9_-]+")


class Inbox:
    """Keep every message the SMTP server receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture
def mailing(app, smtp):
    inbox, port = smtp
    app.config.update(SMTP_URL=f"smtp://127.0.0.1:{port}", BASE_URL=BASE)
    return inbox


@pytest.fixture
def setup(session, create_harvest, create_outcome, create_user):
    group = groups.create_group(session, {"slug": "gruppe", "name": "Broen i Helsingør"}, by=None)
    harvest = create_harvest(slug="hel", group=group.slug)
    outcome = create_outcome(harvest=harvest, title="Biblioteket låner lokaler ud")
    outcome.status = "ready"
    create_user(email="evaluator@example.dk", role="evaluator", name="Eva")
    create_user(email="medlem@example.dk", role="member", groups=["gruppe"])
    session.commit()
    return {"harvest": harvest, "outcome": outcome}


def login(client, email="evaluator@example.dk"):
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302


def ask(client, setup, **overrides):
    data = {
        "rule": "",
        "outcome_ids": [str(setup["outcome"].id)],
        "name": "Mette Test",
        "email": "mette@example.dk",
        "role": "Leder af SIND",
        "expires_in_days": "30",
        "language": "da",
    }
    data.update(overrides)
    return client.post("/harvests/hel/substantiation", data=data)


def _requests(session) -> int:
    return len(session.scalars(select(Substantiation)).all())


def _body(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.mark.parametrize(
    ("language", "subject"),
    [("da", "Er du enig i denne forandring?"), ("en", "Do you agree with this outcome?")],
)
def test_the_request_arrives_in_the_substantiators_language_with_a_working_link(
    client, setup, mailing, language, subject
):
    login(client)
    response = ask(client, setup, language=language)
    assert response.status_code == 201
    page = response.get_data(as_text=True)
    assert "mette@example.dk" in page
    assert not LINK.search(page)  # sent, so not shown
    [message] = mailing.messages
    assert message["To"] == "mette@example.dk"
    assert message["Subject"].startswith(subject)
    link = LINK.search(_body(message)).group(0)
    client.get("/logout")
    answer_page = client.get(link.removeprefix(BASE))
    assert answer_page.status_code == 200
    assert "Biblioteket låner lokaler ud" in answer_page.get_data(as_text=True)


def test_nothing_is_sent_without_an_smtp_url(client, setup, smtp):
    inbox, _port = smtp
    login(client)
    response = ask(client, setup)
    assert response.status_code == 201
    assert "/s/" in response.get_data(as_text=True)  # the link to copy, as before
    assert inbox.messages == []


def test_a_server_that_is_down_keeps_the_request_and_shows_the_link(app, client, setup, session):
    app.config.update(SMTP_URL=f"smtp://127.0.0.1:{_free_port()}", BASE_URL=BASE)
    login(client)
    response = ask(client, setup)
    assert response.status_code == 201
    page = response.get_data(as_text=True)
    assert "kunne ikke sendes" in page
    assert LINK.search(page)
    session.expire_all()
    assert _requests(session) == 1


def test_a_refused_request_sends_nothing(client, setup, mailing):
    login(client)
    assert ask(client, setup, role="").status_code == 422
    assert mailing.messages == []


def test_one_reminder_after_the_days_and_none_for_answered_requests(
    app, client, setup, mailing, session
):
    login(client)
    ask(client, setup)
    ask(client, setup, email="svar@example.dk", name="Svar Test", language="en")
    first_link = LINK.search(_body(mailing.messages[0])).group(0)
    answered_link = LINK.search(_body(mailing.messages[1])).group(0)
    client.get("/logout")
    answer = {
        "verdict_outcome": "fully_agree",
        "verdict_significance": "fully_agree",
        "verdict_contribution": "fully_agree",
    }
    assert client.post(answered_link.removeprefix(BASE), data=answer).status_code == 200
    runner = app.test_cli_runner()
    assert "Ingen påmindelser" in runner.invoke(main, ["remind"]).output
    assert len(mailing.messages) == 2
    session.execute(update(Substantiation).values(created_at=utcnow() - timedelta(days=8)))
    session.commit()
    dry = runner.invoke(main, ["remind", "--dry-run"])
    assert dry.exit_code == 0 and "Leder af SIND" in dry.output
    assert len(mailing.messages) == 2
    sent = runner.invoke(main, ["remind"])
    assert sent.exit_code == 0, sent.output
    assert len(mailing.messages) == 3
    reminder = mailing.messages[2]
    assert reminder["To"] == "mette@example.dk"
    assert reminder["Subject"].startswith("Påmindelse")
    new_link = LINK.search(_body(reminder)).group(0)
    assert new_link not in sent.output
    assert client.get(new_link.removeprefix(BASE)).status_code == 200
    assert client.get(first_link.removeprefix(BASE)).status_code == 404  # replaced
    again = runner.invoke(main, ["remind"])
    assert again.exit_code == 0
    assert len(mailing.messages) == 3


def test_an_evaluator_returning_an_outcome_tells_the_group(client, setup, mailing):
    login(client)
    outcome = setup["outcome"]
    response = client.post(
        f"/outcomes/{outcome.id}/status", data={"status": "reviewed", "version": outcome.version}
    )
    assert response.status_code == 302
    [message] = mailing.messages
    assert message["To"] == "medlem@example.dk"
    assert (
        message["Subject"]
        == "Forandring sendt tilbage til gennemgang: Biblioteket låner lokaler ud"
    )
    assert f"{BASE}/outcomes/{outcome.id}" in _body(message)


def test_a_group_member_as_substantiator_is_flagged_until_confirmed(client, setup, session):
    login(client)
    response = ask(client, setup, email="Medlem@example.dk")
    assert response.status_code == 422
    assert "Broen i Helsingør" in response.get_data(as_text=True)
    assert _requests(session) == 0
    confirmed = ask(client, setup, email="Medlem@example.dk", independent="y")
    assert confirmed.status_code == 201


def test_an_invitation_goes_by_e_mail_and_is_not_shown(
    client, setup, mailing, create_user, session
):
    create_user(email="admin@example.dk", role="admin")
    session.commit()
    login(client, "admin@example.dk")
    page = client.post(
        "/admin/brugere/inviter", data={"email": "ny@example.dk", "role": "evaluator"}
    ).get_data(as_text=True)
    assert "one-time-link" not in page
    [message] = mailing.messages
    assert message["To"] == "ny@example.dk"
    assert message["Subject"] == "Du er inviteret til Brobyg"
    link = re.search(re.escape(BASE) + r"/\S+", _body(message)).group(0)
    client.post("/logout")
    assert "ny@example.dk" in client.get(link.removeprefix(BASE)).get_data(as_text=True)
