"""How long Brobyg keeps personal data, and the sweep that deletes or anonymises what is past it.

Three kinds, each with a setting read from the environment (`RetentionSettings.from_env`):
substantiators' names, e-mails and comments (anonymised N months after their harvest's
period ends), unconfirmed spreadsheet uploads (deleted after a day) and the audit log of
sign-ins, views, searches and exports (deleted after N months). `apply_retention` takes
`now` so that tests move time instead of freezing the clock. Must not import `app` or Flask.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, func, or_
from sqlmodel import Session, col, select

from harvest import audit, erasure
from harvest.errors import N_, ValidationFailed
from harvest.models import Harvest, Outcome, PendingUpload, Substantiation, utcnow

ENV_SUBSTANTIATORS = "BROBYG_RETAIN_SUBSTANTIATORS_MONTHS"
ENV_UPLOADS = "BROBYG_RETAIN_UPLOADS_HOURS"
ENV_AUDIT = "BROBYG_RETAIN_AUDIT_MONTHS"


@dataclass(frozen=True)
class RetentionSettings:
    """How long each kind of personal data is kept.

    Substantiators: 6 months after the harvest's period ends, long enough for the report
    to be written, questioned and corrected, after which the verdicts stand on the
    substantiator's role alone. A harvest without an end date counts from when the
    request ended (answered, else expired)."""

    substantiator_months: int = 6
    upload_hours: int = 24
    audit_months: int = 12

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "RetentionSettings":
        """Read the settings from the environment; a bad value is a `ValidationFailed`."""
        env = os.environ if environ is None else environ
        defaults = cls()
        return cls(
            substantiator_months=_whole(env, ENV_SUBSTANTIATORS, defaults.substantiator_months),
            upload_hours=_whole(env, ENV_UPLOADS, defaults.upload_hours),
            audit_months=_whole(env, ENV_AUDIT, defaults.audit_months),
        )


def _whole(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) <= 1200:
        raise ValidationFailed(
            {name: (N_("%(name)s must be a whole number from 1 to 1200."), {"name": name})}
        )
    return int(raw)


@dataclass(frozen=True)
class RetentionReport:
    """What a sweep anonymised or deleted (or, in a dry run, would have)."""

    substantiators: int
    uploads: int
    audit_entries: int
    dry_run: bool

    def counts(self) -> dict[str, int]:
        """Return the counts by kind, in a fixed order."""
        return {
            "substantiators": self.substantiators,
            "uploads": self.uploads,
            "audit_entries": self.audit_entries,
        }


def months_before(moment: datetime, months: int) -> datetime:
    """Return `moment` moved back by whole calendar months (the 31st becomes the month's end)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, _days_in(year, month + 1))
    return moment.replace(year=year, month=month + 1, day=day)


def _days_in(year: int, month: int) -> int:
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return (first_next - timedelta(days=1)).day


def _expired_substantiations(
    session: Session, settings: RetentionSettings, now: datetime
) -> list[Substantiation]:
    """Return the requests whose substantiator is past retention and not yet anonymised."""
    cutoff = months_before(now, settings.substantiator_months)
    # The period ends at the end of its last day: compare whole days.
    last_day = (cutoff - timedelta(days=1)).date()
    ended = func.coalesce(col(Substantiation.answered_at), col(Substantiation.expires_at))
    statement = (
        select(Substantiation)
        .join(Outcome, col(Outcome.id) == Substantiation.outcome_id)
        .join(Harvest, col(Harvest.id) == Outcome.harvest_id)
        .where(
            or_(
                col(Harvest.period_end) <= last_day,
                (col(Harvest.period_end).is_(None)) & (ended < cutoff),
            ),
            or_(
                col(Substantiation.name).not_in(("", erasure.ERASED)),
                col(Substantiation.email) != "",
                col(Substantiation.comment_outcome) != "",
                col(Substantiation.comment_significance) != "",
                col(Substantiation.comment_contribution) != "",
            ),
        )
        .order_by(col(Substantiation.id))
    )
    return list(session.scalars(statement))


def apply_retention(
    session: Session,
    settings: RetentionSettings | None = None,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
) -> RetentionReport:
    """Anonymise substantiators and delete uploads and audit entries past their retention.

    With `dry_run`, count what would be done and change nothing. Flushes, never commits."""
    settings = settings or RetentionSettings.from_env()
    now = now or utcnow()
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    expired = _expired_substantiations(session, settings, now)
    upload_cutoff = now - timedelta(hours=settings.upload_hours)
    audit_cutoff = months_before(now, settings.audit_months)
    old_uploads = col(PendingUpload.created_at) < upload_cutoff
    if dry_run:
        uploads = session.scalar(select(func.count()).where(old_uploads)) or 0
        entries = audit.count_older_than(session, audit_cutoff)
    else:
        for record in expired:
            erasure.erase_substantiator(session, record, by=None)
        result = session.execute(delete(PendingUpload).where(old_uploads))
        uploads = int(getattr(result, "rowcount", 0) or 0)
        entries = audit.delete_older_than(session, audit_cutoff)
        session.flush()
    return RetentionReport(
        substantiators=len(expired), uploads=uploads, audit_entries=entries, dry_run=dry_run
    )
