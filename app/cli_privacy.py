"""Privacy commands: find and redact CPR numbers already stored, erase a person."""

import sys

import click
from flask_babel import gettext as _

from app.cli import UserError, _engine, main, user_errors
from harvest import accounts, db, erasure, scrub
from harvest import substantiation as substantiations


@main.group("privacy")
def privacy_group() -> None:
    """Privacy: CPR numbers already stored, erasure of a person (admins' tools)."""


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
