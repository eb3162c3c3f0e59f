"""Privacy commands: the retention sweep, the audit log, a person's data as JSON, CPR numbers
already stored, and erasure."""

import json
import sys
from datetime import UTC, datetime

import click
from flask_babel import gettext as _

from app.cli import UserError, _engine, main, user_errors, write_output
from harvest import accounts, audit, db, erasure, retention, scrub, subject_access
from harvest import substantiation as substantiations
from harvest.audit import ACTION_LABELS, AuditAction, AuditQuery

AUDIT_PAGE = 1000


def retention_lines(report: retention.RetentionReport) -> list[str]:
    """Return what a sweep did (or would do) as translated lines, one per kind."""
    counts = report.counts()
    labels = {
        "substantiators": _("substantiators anonymised (name, e-mail, comments)"),
        "uploads": _("unconfirmed uploads deleted"),
        "audit_entries": _("audit log entries deleted"),
    }
    if report.dry_run:
        labels = {
            "substantiators": _("substantiators would be anonymised (name, e-mail, comments)"),
            "uploads": _("unconfirmed uploads would be deleted"),
            "audit_entries": _("audit log entries would be deleted"),
        }
    return [f"{counts[kind]} {label}" for kind, label in labels.items()]


@main.command("retention")
@click.option(
    "--dry-run", is_flag=True, help="Say what would be deleted or anonymised; change nothing."
)
@user_errors
def retention_command(dry_run: bool) -> None:
    """Delete or anonymise the personal data past its retention (run it daily)."""
    settings = retention.RetentionSettings.from_env()
    engine = _engine()
    with db.unit_of_work(engine) as session:
        report = retention.apply_retention(session, settings, dry_run=dry_run)
    if not dry_run:
        scrub.compact(engine)  # the freed pages of the file are overwritten too
    if dry_run:
        click.echo(_("Dry run, nothing changed:"))
    for line in retention_lines(report):
        click.echo(line)


@main.command("audit")
@click.option("--user", "email", default=None, help="Only what this person (e-mail) did.")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Only entries from this day on (YYYY-MM-DD).",
)
@user_errors
def audit_command(email: str | None, since: datetime | None) -> None:
    """List the audit log: who viewed, searched or exported what, and when (oldest first)."""
    with db.unit_of_work(_engine(), write=False) as session:
        user_id = None
        if email is not None:
            user = accounts.user_by_email(session, email)
            if user is None:
                raise UserError(_("No user with the e-mail %(email)s.", email=email))
            user_id = user.id
        names = accounts.user_names(session)
        entries = []
        page = 1
        while True:
            query = AuditQuery(
                user_id=user_id,
                since=since.date() if since else None,
                page=page,
                per_page=AUDIT_PAGE,
            )
            found = audit.list_access(session, query, by=None)
            entries += found.items
            if not found.has_next:
                break
            page += 1
    if not entries:
        click.echo(_("No audit log entries."))
        return
    for entry in reversed(entries):
        who = names.get(entry.user_id, f"#{entry.user_id}") if entry.user_id else "-"
        what = _(ACTION_LABELS.get(AuditAction(entry.action), entry.action))
        record = f"{entry.entity} {entry.entity_id}".strip()
        cells = [entry.at.strftime("%Y-%m-%d %H:%M:%S"), who, entry.channel, what, record]
        if entry.detail:
            cells.append(json.dumps(entry.detail, ensure_ascii=False))
        click.echo("\t".join(cells))


@main.group("privacy")
def privacy_group() -> None:
    """Personal data: what Brobyg holds about a person, CPR numbers stored, erasure."""


@privacy_group.command("export")
@click.argument("email")
@click.option(
    "-o", "--output", default="-", type=click.Path(dir_okay=False), help="File (default stdout)."
)
@user_errors
def privacy_export(email: str, output: str) -> None:
    """Print everything Brobyg holds about one person (by e-mail) as JSON."""
    with db.unit_of_work(_engine()) as session:
        found = subject_access.export_person(session, email)
        found["exported_at"] = datetime.now(UTC).isoformat()
        audit.record_access(
            session, AuditAction.EXPORT_PERSON, by=None, detail=email, channel="cli"
        )
    text = json.dumps(found, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    write_output(output, text.encode("utf-8"))


@privacy_group.command("scan")
@click.option("--redact", is_flag=True, help="Replace every number found by [CPR fjernet].")
@user_errors
def privacy_scan(redact: bool) -> None:
    """Find CPR numbers stored anywhere in the database (table, row, column; never the number).

    Exits with 1 when something is found (so cron can alert), 0 when the database is clean.
    With --redact each number is replaced in place, also in the history and the search
    index; pending uploads holding one are deleted, and the file is compacted.
    """
    engine = _engine()
    with db.unit_of_work(engine, write=redact) as session:
        hits = scrub.redact_cpr(session) if redact else scrub.scan(session)
    for hit in hits:
        click.echo(f"{hit.table}\t{hit.row_id}\t{hit.column}\t{hit.masked}")
    if not hits:
        click.echo(_("No CPR numbers found."))
        return
    if redact:
        scrub.compact(engine)
        click.echo(_("Redacted %(n)s CPR numbers.", n=len(hits)), err=True)
    else:
        click.echo(
            _("Found %(n)s CPR numbers. Run with --redact to remove them.", n=len(hits)), err=True
        )
    sys.exit(1)


@privacy_group.command("erase-substantiator")
@click.argument("record_id", metavar="ID", type=int)
@user_errors
def erase_substantiator(record_id: int) -> None:
    """Erase a substantiator's name, e-mail and comments (verdicts and role stay)."""
    engine = _engine()
    with db.unit_of_work(engine) as session:
        record = substantiations.get_substantiation(session, record_id)
        erasure.erase_substantiator(session, record, by=None)
    scrub.compact(engine)
    click.echo(_("Erased substantiator %(id)s.", id=record_id))


@privacy_group.command("erase-user")
@click.argument("email")
@user_errors
def erase_user(email: str) -> None:
    """Anonymise a user account; the records they wrote stay without their name."""
    engine = _engine()
    with db.unit_of_work(engine) as session:
        user = accounts.user_by_email(session, email)
        if user is None:
            raise UserError(_("There is no user %(email)s.", email=email))
        erasure.erase_user(session, user, by=None)
    scrub.compact(engine)
    click.echo(_("Erased user %(email)s.", email=email))
