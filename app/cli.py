"""The `brobyg` command line: serve, database, demo data, users and tokens.

A user's mistake prints one translated line on stderr and exits non-zero;
only a bug prints a traceback.
"""

import os
import sys
from collections.abc import Callable, Mapping
from functools import wraps
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app, url_for
from flask.cli import FlaskGroup, ScriptInfo
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError, ProgrammingError

from app import create_app
from app.i18n import catalogues, cli_locale, error_text
from app.imports import note_text
from app.links import DEFAULT_BASE_URL, is_local
from app.method import method_text
from app.reports import report_html
from harvest import (
    accounts,
    actor_reconciliation,
    actors,
    audit,
    db,
    demo,
    harvests,
    method,
    report,
    sheet_export,
    spreadsheet,
)
from harvest.audit import AuditAction
from harvest.errors import BrobygError
from harvest.models import Role
from harvest.schemas import readable

BODY_MARGIN = 1024 * 1024


class UserError(click.ClickException):
    """A user's mistake: printed as one line on stderr, exit code 1."""

    def show(self, file: Any = None) -> None:
        click.echo(self.format_message(), err=True)


def write_output(output: str, content: bytes) -> None:
    """Write `content` to the file `output`, or to stdout for "-"; say why if it cannot."""
    if output == "-":
        click.echo(content, nl=False)
        return
    try:
        Path(output).write_bytes(content)
    except OSError as exc:
        raise UserError(
            _("Could not write %(path)s: %(problem)s", path=output, problem=exc.strerror)
        ) from None


def _engine() -> Any:
    return current_app.extensions["brobyg.engine"]


def user_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn domain and database errors into a one-line message and exit code 1."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with force_locale(cli_locale()):
            try:
                return fn(*args, **kwargs)
            except BrobygError as exc:
                raise UserError(error_text(exc)) from None
            except (OperationalError, ProgrammingError) as exc:
                if not db.is_current(_engine()):
                    raise UserError(
                        _("The database has no schema yet. Run: brobyg db upgrade")
                    ) from None
                raise UserError(
                    _("The database could not do that: %(problem)s", problem=str(exc.orig))
                ) from None

    return wrapper


class BrobygGroup(FlaskGroup):
    """The `brobyg` group: Flask's app loading, without Flask's own commands."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            create_app=create_app,
            add_default_commands=False,
            add_version_option=False,
            load_dotenv=False,
            set_debug_flag=False,
            **kwargs,
        )

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        extra.setdefault(
            "obj",
            ScriptInfo(create_app=create_app, set_debug_flag=False, load_dotenv_defaults=False),
        )
        if not all(readable(arg) for arg in args):  # before click turns them into paths
            with extra["obj"].load_app().app_context(), force_locale(cli_locale()):
                raise UserError(
                    _("An argument contains a NUL byte or characters that are not UTF-8.")
                )
        return super().make_context(info_name, args, parent=parent, **extra)


@click.group(cls=BrobygGroup)
def main() -> None:
    """Brobyg: outcome harvesting and social-capital maps for bridge-building."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="Port."
)
@click.option(
    "--threads",
    default=8,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Threads per process.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Processes: 1 runs waitress; more run gunicorn (not on Windows) and need Redis.",
)
@click.option(
    "--graceful-timeout",
    default=30,
    show_default=True,
    type=click.IntRange(0, 3600),
    help="Seconds that requests in flight get to finish after SIGTERM.",
)
@user_errors
def serve(host: str, port: int, threads: int, workers: int, graceful_timeout: int) -> None:
    """Serve Brobyg with a production WSGI server: waitress, or gunicorn with --workers."""
    from app import operations  # noqa: PLC0415 - only the server needs its logging

    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if not db.is_current(_engine()):
        raise UserError(_("The database has no schema yet. Run: brobyg db upgrade"))
    if not is_local(f"http://{host}") and not app.config.get("BASE_URL"):
        raise UserError(
            _(
                "Set BROBYG_BASE_URL to the address people use (https://…) "
                "before serving beyond this machine."
            )
        )
    if workers > 1 and sys.platform == "win32":
        raise UserError(
            _("Several workers need gunicorn, which does not run on Windows: use --workers 1.")
        )
    if workers > 1 and not app.config.get("REDIS_URL"):
        raise UserError(
            _(
                "Several workers share their sign-in and API limits only through Redis: "
                "set BROBYG_REDIS_URL, or use --workers 1."
            )
        )
    level = os.environ.get("BROBYG_LOG_LEVEL", "INFO").strip().upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise UserError(_("BROBYG_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL."))
    operations.configure_logging(level)
    click.echo(
        _("Brobyg is running at http://%(host)s:%(port)s/ (stop with Ctrl+C)", host=host, port=port)
    )
    if workers > 1:
        from app import gunicorn_server  # noqa: PLC0415 - gunicorn does not import on Windows

        gunicorn_server.run(
            app,
            host=host,
            port=port,
            workers=workers,
            threads=threads,
            graceful_timeout=graceful_timeout,
        )
        return
    from app import waitress_server  # noqa: PLC0415

    waitress_server.run(
        app,
        host=host,
        port=port,
        threads=threads,
        graceful_timeout=graceful_timeout,
        ident="brobyg",
        # Refuse a huge body before reading it; a little above Flask's own limit, so
        # bodies just over it still get Flask's translated 413 page.
        max_request_body_size=app.config["MAX_CONTENT_LENGTH"] + BODY_MARGIN,
    )


@main.group("db")
def db_group() -> None:
    """Manage the database schema."""


@db_group.command("upgrade")
@user_errors
def db_upgrade() -> None:
    """Create the schema, or migrate it to the newest version."""
    db.upgrade(_engine())
    click.echo(_("The database schema is up to date."))


@main.command("demo")
@click.option(
    "--scale",
    type=click.IntRange(min=1),
    default=None,
    help="Also add a synthetic municipality of N actors.",
)
@user_errors
def demo_command(scale: int | None) -> None:
    """Load the demo data set from content/demo (running it again changes nothing)."""
    # The demo first: its look-ups by name scan every actor, so they are quick before the
    # synthetic municipality's thousands arrive.
    with db.unit_of_work(_engine()) as session:
        report = demo.load_demo(session)
    if scale is not None:
        from app.cli_graph import load_synthetic  # noqa: PLC0415 - cli_graph imports this module

        load_synthetic(scale)
    with db.unit_of_work(_engine(), write=False) as session:
        totals = demo.counts(session)
    if report.changed:
        created = _counted(report.created)
        updated = _counted(report.updated)
        click.echo(
            _(
                "Demo data loaded. Created: %(created)s. Updated: %(updated)s.",
                created=created,
                updated=updated,
            )
        )
    else:
        click.echo(_("The demo data was already loaded; nothing changed."))
    click.echo(_counted(totals))


def _counted(counts: Mapping[str, int]) -> str:
    names = {
        "municipality": _("municipalities"),
        "actor": _("actors"),
        "tie": _("ties"),
        "outcome": _("outcomes"),
        "implementationgroup": _("implementation groups"),
        "group": _("implementation groups"),
        "harvest": _("harvests"),
        "user": _("users"),
        "substantiation": _("substantiations"),
        "need": _("information needs"),
        "needs": _("information needs"),
        "group_actor": _("actors' places in implementation groups"),
    }
    return ", ".join(f"{n} {names.get(kind, kind)}" for kind, n in counts.items()) or "0"


@main.group("user")
def user_group() -> None:
    """Manage user accounts."""


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


_ROLE = click.option(
    "--role", required=True, type=click.Choice([r.value for r in Role]), help="The account's role."
)
_GROUPS = click.option(
    "--group",
    "groups",
    multiple=True,
    help="Slug of an implementation group (members; repeatable).",
)


@user_group.command("create")
@click.argument("email")
@_ROLE
@_GROUPS
@click.option("--name", default="", help="The name shown in Brobyg.")
@user_errors
def user_create(email: str, role: str, groups: tuple[str, ...], name: str) -> None:
    """Create a user; the password is read from standard input."""
    password = _read_password()
    with db.unit_of_work(_engine()) as session:
        data = {
            "email": email,
            "role": role,
            "groups": list(groups),
            "name": name,
            "password": password,
        }
        user = accounts.create_user(session, data, by=None)
        click.echo(_("Created %(email)s as %(role)s.", email=user.email, role=user.role))


def _user(session: Any, email: str) -> Any:
    user = accounts.user_by_email(session, email)
    if user is None:
        raise UserError(_("No user with the e-mail %(email)s.", email=email))
    return user


def password_link_url(token: str) -> str:
    """Return the full address of the one-time password link `token`."""
    base = os.environ.get("BROBYG_BASE_URL", "").strip() or "http://127.0.0.1:5000"
    with current_app.test_request_context(base_url=base):
        return url_for("account.set_password", link=token, _external=True)


@user_group.command("invite")
@click.argument("email")
@_ROLE
@_GROUPS
@click.option("--name", default="", help="The name shown in Brobyg.")
@user_errors
def user_invite(email: str, role: str, groups: tuple[str, ...], name: str) -> None:
    """Add a user without a password and print a one-time link to set one."""
    with db.unit_of_work(_engine()) as session:
        data = {"email": email, "role": role, "groups": list(groups), "name": name}
        user, token = accounts.invite_user(session, data, by=None)
        link = password_link_url(token)
    click.echo(_("Invited %(email)s as %(role)s.", email=user.email, role=user.role), err=True)
    click.echo(link)
    click.echo(_("The link works once, for %(hours)s hours.", hours=accounts.LINK_HOURS), err=True)


@user_group.command("reset")
@click.argument("email")
@user_errors
def user_reset(email: str) -> None:
    """Print a one-time link for a user to set a new password."""
    with db.unit_of_work(_engine()) as session:
        token = accounts.issue_password_link(
            session, _user(session, email), accounts.RESET, by=None
        )
        link = password_link_url(token)
    click.echo(link)
    click.echo(_("The link works once, for %(hours)s hours.", hours=accounts.LINK_HOURS), err=True)


@user_group.command("deactivate")
@click.argument("email")
@user_errors
def user_deactivate(email: str) -> None:
    """Deactivate a user: every session ends and they can no longer sign in."""
    with db.unit_of_work(_engine()) as session:
        user = _user(session, email)
        accounts.set_active(session, user, False, None, by=None)
    click.echo(_("Deactivated %(email)s.", email=user.email))


@user_group.command("activate")
@click.argument("email")
@user_errors
def user_activate(email: str) -> None:
    """Re-activate a deactivated user."""
    with db.unit_of_work(_engine()) as session:
        user = _user(session, email)
        accounts.set_active(session, user, True, None, by=None)
    click.echo(_("Activated %(email)s.", email=user.email))


@user_group.command("set-role")
@click.argument("email")
@_ROLE
@_GROUPS
@user_errors
def user_set_role(email: str, role: str, groups: tuple[str, ...]) -> None:
    """Give a user a role and implementation groups (replacing their groups)."""
    with db.unit_of_work(_engine()) as session:
        user = _user(session, email)
        accounts.set_role(session, user, {"role": role, "groups": list(groups)}, None, by=None)
    click.echo(_("%(email)s is now %(role)s.", email=user.email, role=role))


@user_group.command("sign-out")
@click.argument("email")
@user_errors
def user_sign_out(email: str) -> None:
    """End every session of a user, on every device."""
    with db.unit_of_work(_engine()) as session:
        accounts.end_sessions(session, _user(session, email))
    click.echo(_("Every session of %(email)s has ended.", email=email))


@main.group("token")
def token_group() -> None:
    """Manage API tokens."""


@token_group.command("create")
@click.argument("email")
@click.option(
    "--days",
    default=accounts.TOKEN_DAYS,
    show_default=True,
    type=click.IntRange(1, accounts.MAX_TOKEN_DAYS),
    help="Days until the token expires.",
)
@user_errors
def token_create(email: str, days: int) -> None:
    """Create an API token for a user and print it once."""
    with db.unit_of_work(_engine()) as session:
        token = accounts.create_token(session, _user(session, email), days=days)
    click.echo(token)
    click.echo(_("Keep it safe: it is shown only this once."), err=True)


def _when(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else "-"


@token_group.command("list")
@click.argument("email", required=False)
@user_errors
def token_list(email: str | None) -> None:
    """List API tokens (of one user if given): prefix, user, created, last used, expires."""
    states = {"active": _("active"), "revoked": _("revoked"), "expired": _("expired")}
    with db.unit_of_work(_engine()) as session:
        user = _user(session, email) if email else None
        tokens = accounts.list_tokens(session, user)
        names = {u.id: u.email for u in accounts.list_users(session)}
        header = (_("prefix"), _("user"), _("created"), _("last used"), _("expires"), _("state"))
        click.echo("\t".join(header))
        for token in tokens:
            click.echo(
                "\t".join(
                    (
                        token.prefix,
                        names.get(token.user_id, "?"),
                        _when(token.created_at),
                        _when(token.last_used_at),
                        _when(token.expires_at),
                        states[accounts.token_state(token)],
                    )
                )
            )


@token_group.command("revoke")
@click.argument("prefix")
@user_errors
def token_revoke(prefix: str) -> None:
    """Revoke the API token that starts with PREFIX (as `brobyg token list` shows it)."""
    with db.unit_of_work(_engine()) as session:
        token = accounts.token_by_prefix(session, prefix)
        accounts.revoke_token(session, token, by=None)
    click.echo(_("Revoked the token %(prefix)s.", prefix=prefix))


@main.group("import")
def import_group() -> None:
    """Import data from files."""


@import_group.command("outcomes")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--harvest", "slug", required=True, help="Slug of the harvest to import into.")
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@click.option(
    "--actors",
    "mapping",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV with the columns name,actor (an actor id, an exact name, or new) for names "
    "that match no actor exactly.",
)
@user_errors
def import_outcomes(file: Path, slug: str, dry_run: bool, mapping: Path | None) -> None:
    """Import outcomes from an XLSX or CSV outcome spreadsheet: every row, or none.

    A row whose id is a Brobyg id updates that outcome; any other id is kept as the
    outcome's reference, so importing the file again updates instead of duplicating.
    Names that match no actor exactly need a choice in --actors; choices are remembered.
    Any problem imports nothing and lists every problem with its row number.
    """
    content = _import_file(file)
    with db.unit_of_work(_engine()) as session:
        harvest = harvests.harvest_by_slug(session, slug)
        choices = None
        if mapping is not None:
            table = spreadsheet.read_table(_import_file(mapping), mapping.name)
            choices = actor_reconciliation.mapping_choices(session, table)
        plan = spreadsheet.import_outcomes(
            session,
            harvest,
            content,
            file.name,
            by=None,
            dry_run=dry_run,
            choices=choices,
            translations=catalogues(),
        )
    for note in plan.warnings:
        click.echo(_("Warning: %(note)s", note=note_text(note)), err=True)
    if not plan.checked:
        for note in plan.problems:
            click.echo(note_text(note), err=True)
        if plan.unmatched:
            _explain_unmatched(plan)
        raise UserError(
            _(
                "%(n)s problems in %(file)s; nothing was imported.",
                n=len(plan.problems),
                file=file.name,
            )
        )
    if plan.unmatched:
        _explain_unmatched(plan)
        raise UserError(
            _(
                "%(n)s actor names need a choice; nothing was imported.",
                n=len(plan.unmatched),
            )
        )
    counts = {
        "created": plan.count("create"),
        "updated": plan.count("update"),
        "unchanged": plan.count("unchanged"),
    }
    if dry_run:
        click.echo(
            _(
                "Dry run, nothing written: %(created)s would be created, %(updated)s updated, "
                "%(unchanged)s unchanged.",
                **counts,
            )
        )
    else:
        click.echo(
            _(
                "Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.",
                **counts,
            )
        )


def _import_file(file: Path) -> bytes:
    if not file.is_file():
        raise UserError(_("There is no file %(path)s.", path=str(file)))
    if file.stat().st_size > spreadsheet.MAX_BYTES:
        raise UserError(
            _(
                "The file is too large: files up to %(limit)s MB can be imported.",
                limit=spreadsheet.MAX_BYTES // (1024 * 1024),
            )
        )
    return file.read_bytes()


def _explain_unmatched(plan: spreadsheet.ImportPlan) -> None:
    """List each name without an actor, its candidates, and how to write the mapping file."""
    click.echo(_("These names match no actor exactly:"), err=True)
    for name in plan.unmatched:
        rows = ", ".join(str(r) for r in dict.fromkeys(row for row, _c in name.places))
        click.echo(_("  '%(name)s' (rows %(rows)s)", name=name.typed, rows=rows), err=True)
        for candidate in name.candidates:
            where = f" ({candidate.municipality})" if candidate.municipality else ""
            click.echo(f"      {candidate.id}: {candidate.name}{where}", err=True)
        if not name.candidates:
            click.echo("      " + _("no similar actor"), err=True)
    click.echo(
        _(
            "Write a CSV file with the columns name,actor (actor: an id above, an exact "
            "actor name, or new to create the actor; an optional kind column sets a new "
            "actor's kind) and pass it with --actors FILE. For example:"
        ),
        err=True,
    )
    click.echo("name,actor", err=True)
    for name in plan.unmatched:
        best = str(name.candidates[0].id) if name.candidates else "new"
        click.echo(f'"{name.typed}",{best}', err=True)


@main.group("export")
def export_group() -> None:
    """Export data to files."""


EXPORT_FORMATS = ("xlsx", "csv", "json", "md", "html")


@export_group.command("harvest")
@click.argument("slug")
@click.option(
    "--format", "fmt", required=True, type=click.Choice(EXPORT_FORMATS), help="The file format."
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="File to write (- for stdout).",
)
@click.option(
    "--language",
    type=click.Choice(("da", "en")),
    default=None,
    help="Language of the spreadsheet's headers and labels (xlsx, csv): da or en. "
    "Default: the command line's language (BROBYG_LANG or LANG), else Danish. "
    "English headers are the spreadsheet's column keys.",
)
@click.option(
    "--public",
    is_flag=True,
    help="The public report (json, md, html): final outcomes only, the answers and the "
    "interpretation only if the evaluator published them.",
)
@user_errors
def export_harvest(slug: str, fmt: str, output: str, language: str | None, public: bool) -> None:
    """Export a harvest and its outcomes: spreadsheet (xlsx, csv), json, md, or printable html.

    The export holds outcomes in EVERY status, also leads, drafts and withdrawn ones:
    it is an evaluator's working file, not a publication (unless --public). The xlsx and
    csv files are the outcome spreadsheet that `brobyg import outcomes` reads back, in
    --language. The report (json, md, html) is organised by useable question: the
    evaluator's answer, the outcomes that support it, then the overall interpretation.
    """
    if public and fmt in ("xlsx", "csv"):
        raise click.UsageError(_("--public is for the report formats: json, md and html."))
    with db.unit_of_work(_engine()) as session:
        harvest = harvests.harvest_by_slug(session, slug)
        audit.record_access(
            session,
            AuditAction.EXPORT_HARVEST,
            by=None,
            entity="harvest",
            entity_id=harvest.slug,
            detail=f"{fmt} public" if public else fmt,
            channel="cli",
        )
        if fmt in ("xlsx", "csv"):
            language = language or cli_locale()
            with force_locale(language):
                table = sheet_export.export_table(session, harvest, language=language, translate=_)
            count = len(table.rows)
            write = sheet_export.write_xlsx if fmt == "xlsx" else sheet_export.write_csv
            content = write(table)
        else:
            harvest_report = report.build_report(session, harvest, final_only=public)
            count = len(harvest_report.outcomes)
            if fmt == "json":
                text = report.report_json(harvest_report)
            elif fmt == "md":
                text = report.report_markdown(harvest_report, translate=_)
            else:
                text = report_html(harvest_report, standalone=True)
            content = text.encode("utf-8")
    write_output(output, content)
    if output != "-":
        click.echo(_("Wrote %(n)s outcomes to %(path)s.", n=count, path=output))



@export_group.command("method")
@click.option("--municipality", "slug", default=None, help="Only this municipality (slug).")
@click.option(
    "--language",
    type=click.Choice(("da", "en")),
    default=None,
    help="Language of the report: da or en. Default: BROBYG_LANG or LANG, else Danish.",
)
@user_errors
def export_method(slug: str | None, language: str | None) -> None:
    """Print the bridge-building method as Markdown: the initiatives by kind, the outcomes
    they led to, their ties' forms and the evaluation notes.

    It holds what the public may see: published initiatives and final outcomes."""
    base = current_app.config.get("BASE_URL") or DEFAULT_BASE_URL
    with (
        db.unit_of_work(_engine(), write=False) as session,
        force_locale(language or cli_locale()),
        current_app.test_request_context(base_url=base),
    ):
        place = actors.municipality_by_slug(session, slug) if slug else None
        text = method_text(method.method_report(session, place, None))
    click.echo(text, nl=False)

# Commands owned by other modules register themselves on `main` when imported.
from app import cli_backup, cli_evaluation, cli_graph, cli_privacy  # noqa: E402, F401
