"""Evaluator commands: substantiation requests from the command line."""

import click
from flask_babel import gettext as _

from app.cli import _engine, main, user_errors
from app.substantiation import STATE_LABELS
from harvest import db, harvests
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
