"""The demo data set in content/demo/: loading it, idempotently, through the services.

Every record is validated by the same schemas as user input. A record that already
exists is updated only where the files say something else, so a second load changes
nothing. Must not import `app` or Flask.
"""

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func
from sqlmodel import Session, col, select

from harvest import (
    accounts,
    actors,
    coding,
    groups,
    harvests,
    initiatives,
    needs,
    outcomes,
    substantiation,
    ties,
)
from harvest.errors import N_, BrobygError, ValidationFailed
from harvest.models import Actor, ImplementationGroup, Municipality, Outcome, Tie
from harvest.schemas import (
    ActorCreate,
    ActorUpdate,
    HarvestCreate,
    MunicipalityCreate,
    OutcomeCreate,
    TieCreate,
    TieUpdate,
    validate,
)

DEMO_PASSWORD = "brobyg-demo-konto"  # noqa: S105 - documented demo accounts only
ACTOR_FIELDS = (
    "name",
    "kind",
    "sector",
    "tier",
    "tags",
    "target_groups",
    "accessibility",
    "address",
    "website",
    "email",
    "phone",
    "profile",
    *actors.PRACTICAL_FIELDS,
)
TIE_FIELDS = ("kind", "start", "end", "strength", "form_override", "override_reason", "note")


def content_dir() -> Path:
    """Return the content folder: $BROBYG_CONTENT_DIR, else the one beside the packages."""
    configured = os.environ.get("BROBYG_CONTENT_DIR")
    return Path(configured) if configured else Path(__file__).resolve().parent.parent / "content"


class DemoFileError(BrobygError):
    message = N_("The demo file %(file)s has a problem: %(problem)s")


@dataclass
class LoadReport:
    """What a load created and updated, by kind of record."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)

    def note(self, kind: str, created: bool, updated: bool = False) -> None:
        if created:
            self.created[kind] += 1
        elif updated:
            self.updated[kind] += 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _read(path: Path) -> list[dict[str, Any]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as exc:
        raise DemoFileError(file=str(path), problem=str(exc)) from None
    if not isinstance(data, list):
        raise DemoFileError(file=str(path), problem="expected a list of records")
    return data


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def _in(path: Path, row: dict[str, Any], fn: Any) -> Any:
    """Run `fn`, naming the file and record in any validation error."""
    try:
        return fn()
    except ValidationFailed as exc:
        label = row.get("slug") or row.get("key") or row.get("email")
        label = label or f"{row.get('source')} -> {row.get('target')} ({row.get('kind')})"
        raise DemoFileError(file=path.name, problem=f"{label}: {exc}") from None


def load_demo(session: Session, folder: Path | None = None) -> LoadReport:
    """Load the demo data set from `folder` (default content/demo); return what changed."""
    root = folder or content_dir() / "demo"
    if not root.is_dir():
        raise DemoFileError(file=str(root), problem="folder not found")
    report = LoadReport()
    coding.ensure_default_scheme(session)
    _load_municipalities(session, root / "municipalities.yaml", report)
    for path in _files(root / "actors"):
        _load_actors(session, path, report)
    _load_groups(session, root / "groups.yaml", report)
    group_actors = groups.load_demo_group_actors(session, root / "groups.yaml")
    report.created += Counter(group_actor=group_actors)
    for path in _files(root / "ties"):
        _load_ties(session, path, report)
    _load_harvests(session, root / "harvests.yaml", report)
    for path in _files(root / "outcomes"):
        _load_outcomes(session, path, report)
    _load_users(session, root / "users.yaml", report)
    report.created += Counter(
        substantiation=substantiation.load_demo_substantiations(session, root)
    )
    report.created += Counter(needs=needs.load_demo_needs(session, root))
    report.created += Counter(initiatives=initiatives.load_demo_initiatives(session, root))
    return report


def _load_municipalities(session: Session, path: Path, report: LoadReport) -> None:
    for row in _read(path):
        values = _in(path, row, lambda row=row: validate(MunicipalityCreate, row))
        found = session.scalars(
            select(Municipality).where(col(Municipality.slug) == values.slug)
        ).first()
        if found is None:
            actors.create_municipality(session, values.model_dump(), by=None)
            report.note("municipality", created=True)
        elif (found.name, found.region) != (values.name, values.region):
            found.name, found.region = values.name, values.region
            session.flush()
            report.note("municipality", created=False, updated=True)


def _actor_data(row: dict[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in row.items() if k not in ("contact", "practical")}
    data.update(row.get("contact") or {})
    data.update(row.get("practical") or {})
    return data


def _load_actors(session: Session, path: Path, report: LoadReport) -> None:
    for row in _read(path):
        data = _actor_data(row)
        values = _in(path, row, lambda data=data: validate(ActorCreate, data))
        found = session.scalars(select(Actor).where(col(Actor.slug) == values.slug)).first()
        if found is None:
            _in(path, row, lambda values=values: actors.create_actor(session, values, by=None))
            report.note("actor", created=True)
            continue
        municipality = (
            session.get(Municipality, found.municipality_id) if found.municipality_id else None
        )
        current = {k: getattr(found, k) for k in ACTOR_FIELDS}
        wanted = values.model_dump(include=set(ACTOR_FIELDS))
        if (
            current != wanted
            or (municipality.slug if municipality else None) != values.municipality
        ):
            update = ActorUpdate(**values.model_dump(exclude={"slug"}), version=found.version)
            _in(
                path,
                row,
                lambda update=update, found=found: actors.update_actor(
                    session, found, update, by=None
                ),
            )
            report.note("actor", created=False, updated=True)


def _load_groups(session: Session, path: Path, report: LoadReport) -> None:
    for row in _read(path):
        values = _in(path, row, lambda row=row: accounts.validate_group(row))
        municipality = (
            actors.municipality_by_slug(session, values.municipality)
            if values.municipality
            else None
        )
        actor = actors.actor_by_slug(session, values.actor) if values.actor else None
        wanted = {
            "name": values.name,
            "municipality_id": municipality.id if municipality else None,
            "actor_id": actor.id if actor else None,
            "description": values.description,
        }
        found = session.scalars(
            select(ImplementationGroup).where(col(ImplementationGroup.slug) == values.slug)
        ).first()
        if found is None:
            session.add(ImplementationGroup(slug=values.slug, **wanted))
            report.note("group", created=True)
        elif any(getattr(found, k) != v for k, v in wanted.items()):
            for key, value in wanted.items():
                setattr(found, key, value)
            report.note("group", created=False, updated=True)
        session.flush()


def _actor_ids(session: Session) -> dict[str, int]:
    """Return every actor's id by slug (two columns: there may be tens of thousands)."""
    return {slug: actor_id for slug, actor_id in session.execute(select(Actor.slug, Actor.id))}


def _load_ties(session: Session, path: Path, report: LoadReport) -> None:
    slugs = _actor_ids(session)
    for row in _read(path):
        try:
            ends = {"source_id": slugs[row["source"]], "target_id": slugs[row["target"]]}
        except KeyError as exc:
            raise DemoFileError(file=path.name, problem=f"unknown actor {exc}") from None
        data = {**{k: v for k, v in row.items() if k not in ("source", "target")}, **ends}
        values = _in(path, row, lambda data=data: validate(TieCreate, data))
        found = ties.find_tie(session, values.source_id, values.target_id, values.kind)
        if found is None:
            _in(path, row, lambda values=values: ties.create_tie(session, values, by=None))
            report.note("tie", created=True)
            continue
        current = {k: getattr(found, k) for k in TIE_FIELDS}
        wanted = values.model_dump(include=set(TIE_FIELDS))
        wanted["form_override"] = values.form_override.value if values.form_override else None
        if current != wanted:
            update = TieUpdate(**values.model_dump(include=set(TIE_FIELDS)), version=found.version)
            ties.update_tie(session, found, update, by=None)
            report.note("tie", created=False, updated=True)


def _load_harvests(session: Session, path: Path, report: LoadReport) -> None:
    for row in _read(path):
        values = _in(path, row, lambda row=row: validate(HarvestCreate, row))
        try:
            found = harvests.harvest_by_slug(session, values.slug)
        except BrobygError:
            harvests.create_harvest(session, values, by=None)
            report.note("harvest", created=True)
            continue
        report.note(
            "harvest", created=False, updated=harvests.sync_harvest(session, found, values, by=None)
        )


def _outcome_codes(row: dict[str, Any]) -> dict[str, list[str]]:
    codes: dict[str, list[str]] = {}
    for key in ("type_of_change", "social_capital_form", "recovery_domain"):
        if row.get(key):
            codes[key] = [str(row[key])]
    if "intended" in row:
        codes["intended"] = ["intended" if row["intended"] else "unintended"]
    if "positive" in row:
        codes["positive"] = ["positive" if row["positive"] else "negative"]
    return codes


def _load_outcomes(session: Session, path: Path, report: LoadReport) -> None:
    harvest = harvests.harvest_by_slug(session, path.stem)
    coding.ensure_default_scheme(session)
    questions = harvests.questions_of(session, harvest)
    slugs = _actor_ids(session)
    rows = _read(path)
    for row in rows:
        try:
            data = {
                "ref": row["key"],
                "title": row["title"],
                "changed_actor_id": slugs[row["changed_actor"]]
                if row.get("changed_actor")
                else None,
                "change": row.get("change", ""),
                "when_start": row.get("when"),
                "where": row.get("where", ""),
                "significance": row.get("significance", ""),
                "contribution": row.get("contribution", ""),
                "sources": row.get("sources", ""),
                "status": row.get("status", "draft"),
                "contributor_ids": [slugs[s] for s in row.get("contributors") or []],
            }
        except KeyError as exc:
            raise DemoFileError(
                file=path.name, problem=f"{row.get('key')}: unknown {exc}"
            ) from None
        values = _in(path, row, lambda data=data: validate(OutcomeCreate, data))
        number = row.get("harvest_question")
        question = (
            questions[int(number) - 1].id if number and 1 <= int(number) <= len(questions) else None
        )
        codes = _outcome_codes(row)
        found = outcomes.outcome_by_ref(session, values.ref or "")
        if found is None:
            outcome = _in(
                path,
                row,
                lambda values=values, question=question, codes=codes: outcomes.record_outcome(
                    session,
                    harvest,
                    values,
                    by=None,
                    confirm_warnings=True,
                    codes=codes,
                    question_id=question,
                ),
            )
            report.note("outcome", created=True)
        else:
            before = found.version
            outcome = outcomes.update_outcome(
                session,
                found,
                values,
                found.version,
                by=None,
                confirm_warnings=True,
                codes=codes,
                question_id=question,
            )
            report.note("outcome", created=False, updated=outcome.version != before)
        for ref in row.get("ties") or []:
            tie = ties.find_tie(
                session, slugs.get(ref["source"]) or 0, slugs.get(ref["target"]) or 0, ref["kind"]
            )
            if tie is None:
                raise DemoFileError(file=path.name, problem=f"{row['key']}: no tie {ref}")
            outcomes.add_tie_evidence(session, outcome, tie, by=None)
    for row in rows:
        source = outcomes.outcome_by_ref(session, row["key"])
        for key in row.get("leads_to") or []:
            target = outcomes.outcome_by_ref(session, key)
            if source is None or target is None:
                raise DemoFileError(file=path.name, problem=f"{row['key']}: no outcome {key}")
            outcomes.link_outcomes(session, source, target, by=None)


def _load_users(session: Session, path: Path, report: LoadReport) -> None:
    for row in _read(path):
        user = accounts.user_by_email(session, row["email"])
        if user is None:
            accounts.create_user(session, {**row, "password": DEMO_PASSWORD}, by=None)
            report.note("user", created=True)
            continue
        for slug in row.get("groups") or []:
            accounts.add_member(session, user, accounts.group_by_slug(session, slug))


def counts(session: Session) -> dict[str, int]:
    """Return row counts of the main tables (used to show and test idempotence)."""
    return {
        str(model.__tablename__): session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Municipality, Actor, Tie, Outcome, ImplementationGroup)
    }
