"""The synthetic municipality (`brobyg demo --scale N`): counts, and a search index kept whole."""

from sqlmodel import col, func, select

from harvest import fulltext
from harvest.models import Actor, Outcome, Tie
from network.scale import add_synthetic_municipality


def _found(session, index, query, model):
    ids = fulltext.ranked_ids(session, index, query, select(model), [col(model.id)], 10_000)
    return set(ids or [])


def test_synthetic_municipality_has_its_counts_once(session):
    report = add_synthetic_municipality(session, 30)
    assert (report.actors, report.ties, report.outcomes) == (30, 120, 600)
    assert session.scalar(select(func.count()).select_from(Tie)) == 120
    again = add_synthetic_municipality(session, 30)
    assert not again.created
    assert session.scalar(select(func.count()).select_from(Outcome)) == 600


def test_synthetic_records_are_searchable_and_so_are_later_edits(session, create_actor):
    add_synthetic_municipality(session, 30)
    assert len(_found(session, fulltext.OUTCOMES, "syntetisk forandring", Outcome)) == 600
    assert len(_found(session, fulltext.ACTORS, "syntetisk", Actor)) == 30
    outcome = session.scalars(select(Outcome).where(col(Outcome.ref) == "syn-30-7")).one()
    outcome.title = "Blomsterkassen er flyttet"
    session.flush()
    assert _found(session, fulltext.OUTCOMES, "blomsterkassen", Outcome) == {outcome.id}
    later = create_actor(name="Havelauget Solsikken")
    assert _found(session, fulltext.ACTORS, "solsikken", Actor) == {later.id}
