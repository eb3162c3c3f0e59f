"""Evaluator commands: substantiation requests from the command line."""

import click
from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app import mail
from app.cli import UserError, _engine, main, user_errors
from app.links import DEFAULT_BASE_URL
from app.substantiation import STATE_LABELS
from harvest import db, harvests, outcomes
from harvest import substantiation as service


@main.group("substantiation")
def substantiation_group() -> None:
    """Substantiation requests (an evaluator's tool: it shows substantiators' names)."""


def _table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(line.rstrip() for line in lines)


@substantiation_group.command("list")
@click.option("--harvest", "slug", default=None, help="Only requests of this harvest (slug).")
@click.option("--pending", is_flag=True, help="Only requests still waiting, with a working link.")
@user_errors
def substantiation_list(slug: str | None, pending: bool) -> None:
    """List substantiation requests: role, name, outcome, status and expiry.

    Names are shown because this is an evaluator's tool on the server; reports show roles only.
    """
    with db.unit_of_work(_engine(), write=False) as session:
        harvest = harvests.harvest_by_slug(session, slug) if slug else None
        found = service.requests_for_harvest(session, harvest, pending_only=pending)
        rows = [
            (
                record.role,
                record.name,
                outcome.ref or f"#{outcome.id}",
                outcome.title[:50],
                str(STATE_LABELS[service.state_of(record)]),
                record.expires_at.strftime("%Y-%m-%d"),
            )
            for record, outcome in found
        ]
    if not rows:
        click.echo(_("No substantiation requests."))
        return
    header = (_("Role"), _("Name"), _("Outcome"), _("Title"), _("Status"), _("Expires"))
    click.echo(_table([header, *rows]))


def _reminder_link(token: str) -> str:
    base = current_app.config.get("BASE_URL") or DEFAULT_BASE_URL
    with current_app.test_request_context(base_url=base):
        return url_for("substantiation.respond", token=token, _external=True)


@main.command("remind")
@click.option(
    "--days",
    type=int,
    default=None,
    help="Remind after this many days (default: BROBYG_REMINDER_DAYS, else 7).",
)
@click.option("--dry-run", is_flag=True, help="Print who would be reminded; send nothing.")
@user_errors
def remind(days: int | None, dry_run: bool) -> None:
    """E-mail one reminder for each request unanswered after N days (run it daily from cron)."""
    wait = days if days and days > 0 else current_app.config["REMINDER_DAYS"]
    with db.unit_of_work(_engine(), write=False) as session:
        due = [(s.id or 0, s.role, o.title) for s, o in service.reminders_due(session, days=wait)]
    if not due:
        click.echo(_("No reminders are due."))
        return
    if dry_run:
        for request_id, role, title in due:
            click.echo(
                _(
                    "Would remind request %(id)s: %(role)s about “%(title)s”.",
                    id=request_id,
                    role=role,
                    title=title,
                )
            )
        return
    if not mail.enabled():
        raise UserError(_("BROBYG_SMTP_URL is not set, so no reminder can be sent."))
    failed = 0
    for request_id, role, title in due:
        with db.unit_of_work(_engine()) as session:
            record = service.get_substantiation(session, request_id)
            outcome = outcomes.get_outcome(session, record.outcome_id)
            harvest = harvests.get_harvest(session, outcome.harvest_id)
            token, previous = service.remind(session, record)
        letter = mail.Letter(
            record.email,
            "substantiation_reminder",
            record.language,
            {
                "name": record.name,
                "harvest": harvest.title,
                "outcome": outcome.title,
                "expires": record.expires_at.strftime("%Y-%m-%d"),
                "link": _reminder_link(token),
            },
        )
        mail.deliver([letter])  # after the commit; on failure the first link works again
        if letter.state == mail.MailState.SENT:
            click.echo(
                _(
                    "Reminded request %(id)s: %(role)s about “%(title)s”.",
                    id=request_id,
                    role=role,
                    title=title,
                )
            )
            continue
        failed += 1
        with db.unit_of_work(_engine()) as session:
            service.unremind(session, service.get_substantiation(session, request_id), previous)
        click.echo(_("Could not send the reminder for request %(id)s.", id=request_id), err=True)
    if failed:
        raise UserError(
            ngettext(
                "%(num)d reminder could not be sent; it is tried again next time.",
                "%(num)d reminders could not be sent; they are tried again next time.",
                failed,
            )
        )
