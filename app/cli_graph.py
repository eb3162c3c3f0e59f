"""`brobyg export graph`, `brobyg map`, `brobyg import graph`, `brobyg recompute`, `brobyg
worker` and the synthetic municipality of `brobyg demo --scale N`: the social-capital
graph from the command line."""

from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from app.cli import (
    UserError,
    _engine,
    export_group,
    import_group,
    main,
    user_errors,
    write_output,
)
from app.i18n import translate
from harvest import audit, db
from harvest.actors import list_municipalities
from harvest.audit import AuditAction
from network import exports, jobs, kumu_import, scale
from network.graph import parse_filters
from network.maps import MapView, prepare_map, whole_map


def _view(session: Any, municipality: str | None, as_of: date | None, fmt: str) -> MapView:
    filters = parse_filters(session, {"municipality": municipality, "as_of": as_of})
    audit.record_access(
        session,
        AuditAction.DOWNLOAD_MAP,
        by=None,
        entity="municipality" if municipality else "",
        entity_id=municipality or "",
        detail=f"{fmt} as_of={as_of.isoformat()}" if as_of else fmt,
        channel="cli",
    )
    return prepare_map(session, filters)


AS_OF = click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Show the ties that exist on this date (YYYY-MM-DD).",
)
MUNICIPALITY = click.option("--municipality", default=None, help="Slug of a municipality.")
OUTPUT = click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="File to write (- for stdout).",
)


@export_group.command("graph")
@MUNICIPALITY
@AS_OF
@click.option(
    "--format", "fmt", required=True, type=click.Choice(exports.FORMATS), help="The file format."
)
@OUTPUT
@user_errors
def export_graph(municipality: str | None, as_of: Any, fmt: str, output: str) -> None:
    """Export the social-capital graph: GraphML, GEXF (Gephi), JSON or Kumu's XLSX layout."""
    with db.unit_of_work(_engine()) as session:
        view = _view(session, municipality, as_of.date() if as_of else None, fmt)
        content = exports.export_graph(view, fmt)
    write_output(output, content)
    if output != "-":
        click.echo(
            _(
                "Wrote %(actors)s actors and %(ties)s ties to %(path)s.",
                actors=view.shown.number_of_nodes(),
                ties=view.shown.number_of_edges(),
                path=output,
            )
        )


@main.command("map")
@MUNICIPALITY
@AS_OF
@OUTPUT
@user_errors
def map_command(municipality: str | None, as_of: Any, output: str) -> None:
    """Write the interactive map as one self-contained HTML file that works offline."""
    from app.maps import actor_pages, labels
    from network.render import standalone_html

    with db.unit_of_work(_engine()) as session:
        view = _view(session, municipality, as_of.date() if as_of else None, "html")
        if municipality:
            from harvest.actors import municipality_by_slug

            title = _("Map of %(name)s", name=municipality_by_slug(session, municipality).name)
        else:
            title = _("Map of every municipality")
        html = standalone_html(view, labels(), title=title, actor_url=actor_pages())
    write_output(output, html.encode("utf-8"))
    if output != "-":
        click.echo(
            _(
                "Wrote the map of %(actors)s actors and %(ties)s ties to %(path)s.",
                actors=view.shown.number_of_nodes(),
                ties=view.shown.number_of_edges(),
                path=output,
            )
        )


@import_group.command("graph")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@user_errors
def import_graph(file: Path) -> None:
    """Import actors and ties from Kumu's spreadsheet layout: every row, or none."""
    if not file.is_file():
        raise UserError(_("There is no file %(path)s.", path=str(file)))
    if file.stat().st_size > kumu_import.MAX_BYTES:
        raise UserError(
            _("The file is too large: files up to %(limit)s MB can be imported.", limit=10)
        )
    with db.unit_of_work(_engine()) as session:
        result = kumu_import.import_kumu(session, file.read_bytes(), by=None)
    if not result.ok:
        for sheet, row, column, message, params in result.problems:
            problem = translate(message, params)
            where = (
                _("%(sheet)s row %(row)s, %(column)s", sheet=sheet, row=row, column=column)
                if row
                else file.name
            )
            click.echo(f"{where}: {problem}", err=True)
        raise UserError(
            ngettext(
                "%(num)d problem in %(file)s; nothing was imported.",
                "%(num)d problems in %(file)s; nothing was imported.",
                len(result.problems),
                file=file.name,
            )
        )
    click.echo(
        _(
            "Imported: %(actors)s actors and %(ties)s ties created; %(known_actors)s actors and "
            "%(known_ties)s ties were already there unchanged.",
            actors=result.actors_created,
            ties=result.ties_created,
            known_actors=result.actors_unchanged,
            known_ties=result.ties_unchanged,
        )
    )
    for difference in result.differences:
        click.echo(
            _(
                "%(sheet)s row %(row)s, %(column)s: Brobyg keeps '%(kept)s'; the file says "
                "'%(given)s'.",
                **asdict(difference),
            )
        )
    if result.differences:
        click.echo(
            _(
                "%(actors)s actors and %(ties)s ties already there differ from the file; "
                "Brobyg kept its own values (change them in Brobyg).",
                actors=result.actors_differing,
                ties=result.ties_differing,
            )
        )


def load_synthetic(size: int) -> None:
    """Add the seeded synthetic municipality of `size` actors (once) and say what happened."""
    with db.unit_of_work(_engine()) as session:
        report = scale.add_synthetic_municipality(session, size)
    if report.created:
        db.refresh_statistics(_engine())
        click.echo(
            _(
                "Added the synthetic municipality %(slug)s: %(actors)s actors, %(ties)s ties, "
                "%(outcomes)s outcomes.",
                slug=report.slug,
                actors=report.actors,
                ties=report.ties,
                outcomes=report.outcomes,
            )
        )
    else:
        click.echo(
            _(
                "The synthetic municipality %(slug)s was already there; nothing changed.",
                slug=report.slug,
            )
        )


def _recomputed(name: str, done: jobs.Recomputed) -> str:
    if done.metrics:
        method = _("exact") if done.method == "exact" else _("sampled")
        return _(
            "%(name)s: %(actors)s actors, %(ties)s ties; stored the layout and the metrics "
            "(%(method)s betweenness) in %(seconds)s s.",
            name=name,
            actors=done.actors,
            ties=done.ties,
            method=method,
            seconds=f"{done.seconds:.1f}",
        )
    return _(
        "%(name)s: %(actors)s actors, %(ties)s ties; stored the layout in %(seconds)s s "
        "(the metrics of a map this small are computed when it is shown).",
        name=name,
        actors=done.actors,
        ties=done.ties,
        seconds=f"{done.seconds:.1f}",
    )


@main.command("recompute")
@MUNICIPALITY
@click.option("--all", "every", is_flag=True, help="Every municipality and the whole country.")
@user_errors
def recompute_command(municipality: str | None, every: bool) -> None:
    """Compute and store maps' layouts and metrics now (default: the map of the country)."""
    with db.unit_of_work(_engine()) as session:
        parse_filters(session, {"municipality": municipality})
        if every:
            wanted = [(m.slug, m.name) for m in list_municipalities(session)]
        elif municipality:
            wanted = [(municipality, municipality_name(session, municipality))]
        else:
            wanted = []
    if every or not municipality:
        wanted.append((None, _("Every municipality")))
    for slug, name in wanted:
        with db.unit_of_work(_engine()) as session:
            done = jobs.recompute(session, whole_map(slug))
        click.echo(_recomputed(name, done))


def municipality_name(session: Any, slug: str) -> str:
    """Return the name of the municipality `slug`."""
    from harvest.actors import municipality_by_slug

    return municipality_by_slug(session, slug).name


@main.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@user_errors
def worker_command(burst: bool) -> None:
    """Compute maps' layouts and metrics from the queue in Redis (BROBYG_REDIS_URL)."""
    from redis.exceptions import RedisError

    url = current_app.config["REDIS_URL"]
    if not url:
        raise UserError(
            _(
                "Set BROBYG_REDIS_URL to the Redis the app processes use; without it each "
                "app process computes its maps in a thread of its own."
            )
        )
    click.echo(_("Computing maps from the queue %(queue)s (stop with Ctrl+C).", queue=jobs.QUEUE))
    try:
        jobs.work(_engine(), url, burst=burst)
    except RedisError as error:
        raise UserError(_("Could not reach Redis: %(problem)s", problem=str(error))) from None
