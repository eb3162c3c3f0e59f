"""E-mail: the messages Brobyg sends when `BROBYG_SMTP_URL` is set, rendered from
`templates/mail/` in the recipient's language and sent with the standard library's
`smtplib` only after the request's changes are committed.

A view `send`s a `Letter`; the unit of work (`app.database`) delivers the letters queued in
a request once it commits and drops them when it rolls back. A letter that cannot be sent
says so (`state`), so the page can show the link to copy instead. Links are never logged.
"""

import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import current_app, g, render_template
from flask_babel import force_locale

from app.database import after_commit

log = logging.getLogger(__name__)

SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
TIMEOUT_SECONDS = 10


class MailState:
    """Where a letter stands: not sent (no SMTP), queued, sent, or failed."""

    OFF = "off"
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


@dataclass
class Letter:
    """One message to one address; `state` tells the page whether it went."""

    to: str
    template: str
    language: str
    values: dict[str, Any] = field(default_factory=dict)
    state: str = MailState.QUEUED


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to hand messages over, read from `BROBYG_SMTP_URL`."""

    host: str
    port: int
    scheme: str
    username: str = ""
    password: str = ""


def parse_smtp_url(url: str) -> SmtpServer:
    """Read `smtp://host:port`, `smtp+starttls://user:pass@host:587` or `smtps://…`."""
    parts = urlsplit(url.strip())
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise ValueError(
            "BROBYG_SMTP_URL must look like smtp://host:port, smtp+starttls://user:pass@host:587"
            " or smtps://user:pass@host:465"
        )
    return SmtpServer(
        host=parts.hostname,
        port=parts.port or SCHEMES[parts.scheme],
        scheme=parts.scheme,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )


def enabled() -> bool:
    """Tell whether Brobyg sends e-mail (`BROBYG_SMTP_URL` is set)."""
    return bool(current_app.config.get("SMTP_URL"))


def send(to: str, template: str, language: str, **values: Any) -> Letter:
    """Queue a message for after the commit; without SMTP or an address its state is `off`."""
    letter = Letter(to=to.strip(), template=template, language=language, values=values)
    if not enabled() or not letter.to:
        letter.state = MailState.OFF
        return letter
    if "mail_outbox" not in g:
        g.mail_outbox = []
        after_commit(deliver_queued)
    g.mail_outbox.append(letter)
    return letter


def deliver_queued() -> None:
    """Send the letters this request queued (the unit of work calls it after the commit)."""
    deliver(g.pop("mail_outbox", []))


def render(letter: Letter) -> EmailMessage:
    """Render `letter` in its language: subject and plain text from `templates/mail/`."""
    language = letter.language if letter.language in ("da", "en") else "da"
    with force_locale(language):
        subject = render_template(f"mail/{letter.template}.subject.txt", **letter.values)
        body = render_template(f"mail/{letter.template}.txt", **letter.values)
    message = EmailMessage()
    message["Subject"] = " ".join(subject.split())
    message["From"] = formataddr(("Brobyg", current_app.config["MAIL_FROM"]))
    message["To"] = letter.to
    message["Message-ID"] = make_msgid(domain=current_app.config["MAIL_FROM"].split("@")[-1])
    message["Content-Language"] = language
    message.set_content(body.strip() + "\n")
    return message


def _connect(server: SmtpServer) -> smtplib.SMTP:
    if server.scheme == "smtps":
        context = ssl.create_default_context()
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            server.host, server.port, timeout=TIMEOUT_SECONDS, context=context
        )
    else:
        client = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
        if server.scheme == "smtp+starttls":
            client.starttls(context=ssl.create_default_context())
    if server.username:
        client.login(server.username, server.password)
    return client


def deliver(letters: list[Letter]) -> None:
    """Send `letters` over one connection; each that cannot be sent is marked `failed`."""
    waiting = [letter for letter in letters if letter.state == MailState.QUEUED]
    if not waiting:
        return
    try:
        server = parse_smtp_url(current_app.config["SMTP_URL"])
        with _connect(server) as client:
            for letter in waiting:
                try:
                    client.send_message(render(letter))
                    letter.state = MailState.SENT
                except smtplib.SMTPException as error:
                    letter.state = MailState.FAILED
                    log.warning("mail %s not sent: %s", letter.template, type(error).__name__)
    except (OSError, smtplib.SMTPException, ValueError) as error:
        # The change is committed; the page shows the link instead. Never log the link.
        for letter in waiting:
            if letter.state == MailState.QUEUED:
                letter.state = MailState.FAILED
        log.warning("mail server unreachable: %s", type(error).__name__)
