"""Backup commands: a consistent copy of the SQLite database, and putting one back."""

from pathlib import Path

import click
from flask_babel import gettext as _

from app.cli import UserError, _engine, main, user_errors
from harvest import backup


@main.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@user_errors
def backup_command(file: Path) -> None:
    """Copy the SQLite database to FILE, consistent while Brobyg keeps running."""
    backup.backup(_engine(), file)
    click.echo(_("Backup written to %(path)s.", path=str(file)))


@main.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@user_errors
def restore_command(file: Path, force: bool) -> None:
    """Replace the SQLite database by the backup FILE (stop `brobyg serve` first)."""
    if backup.holds_data(_engine()) and not force:
        raise UserError(
            _("The database holds data; add --force to replace it with %(path)s.", path=str(file))
        )
    revision = backup.restore(_engine(), file)
    click.echo(_("Restored %(path)s (schema %(revision)s).", path=str(file), revision=revision))
    click.echo(_("Run 'brobyg db upgrade' if the backup is older than this version."))
