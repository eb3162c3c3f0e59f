"""The social-capital form of a tie: derived by one rule, overridable with a reason."""

import pytest

from harvest import actors, ties
from harvest.errors import ValidationFailed
from harvest.models import Actor, TieForm


def _actor(sector: str, tier: int) -> Actor:
    return Actor(slug="x", name="x", kind="association", sector=sector, tier=tier)


@pytest.mark.parametrize(
    ("a", "b", "form"),
    [
        # exactly one end is an authority: linking, whatever the sectors
        (("municipal", 3), ("civil_society", 2), TieForm.LINKING),
        (("municipal", 3), ("municipal", 2), TieForm.LINKING),
        (("citizens", 1), ("private", 3), TieForm.LINKING),
        (("civil_society", 2), ("municipal", 3), TieForm.LINKING),
        # same sector and tier: bonding
        (("civil_society", 2), ("civil_society", 2), TieForm.BONDING),
        (("municipal", 2), ("municipal", 2), TieForm.BONDING),
        (("citizens", 1), ("citizens", 1), TieForm.BONDING),
        (("municipal", 3), ("municipal", 3), TieForm.BONDING),
        # everything else: bridging
        (("municipal", 2), ("civil_society", 2), TieForm.BRIDGING),
        (("citizens", 1), ("civil_society", 2), TieForm.BRIDGING),
        (("citizens", 1), ("municipal", 2), TieForm.BRIDGING),
        (("municipal", 3), ("private", 3), TieForm.BRIDGING),
        (("civil_society", 1), ("civil_society", 2), TieForm.BRIDGING),
    ],
)
def test_derive_tie_form_follows_the_rule(a, b, form):
    assert ties.derive_tie_form(_actor(*a), _actor(*b)) == form
    assert ties.derive_tie_form(_actor(*b), _actor(*a)) == form


def test_new_tie_gets_its_derived_form(create_actor, create_tie):
    service = create_actor(name="Café Vinkeldammen", kind="municipal_service", sector="municipal")
    association = create_actor(name="SIND Helsingør")
    tie = create_tie(service, association)
    assert (tie.form, tie.derived_form, tie.form_override) == ("bridging", "bridging", None)


def test_override_needs_a_reason(create_actor, create_tie):
    a, b = create_actor(), create_actor()
    with pytest.raises(ValidationFailed) as raised:
        create_tie(a, b, form_override="linking")
    assert raised.value.errors["__all__"][0] == "Say why the derived form is overridden."


def test_override_with_reason_wins_but_keeps_derived_form(create_actor, create_tie):
    a, b = create_actor(), create_actor()
    tie = create_tie(a, b, form_override="linking", override_reason="B fordeler puljemidler")
    assert (tie.form, tie.derived_form) == ("linking", "bonding")


def test_changing_an_actors_tier_reclassifies_its_ties(session, create_actor, create_tie):
    service = create_actor(name="Socialcenteret", kind="municipal_service", sector="municipal")
    association = create_actor(name="Kor for alle")
    tie = create_tie(service, association)
    assert tie.form == "bridging"
    data = {
        "name": service.name,
        "kind": "municipal_management",
        "sector": "municipal",
        "tier": 3,
        "version": service.version,
    }
    actors.update_actor(session, service, data, by=None)
    session.refresh(tie)
    assert tie.form == "linking"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "friendship"}, "kind"),
        ({"strength": 5}, "strength"),
        ({"start": "2025-13-01"}, "start"),
        ({"start": "2025-05-01", "end": "2024-01-01"}, "__all__"),
    ],
)
def test_invalid_ties_are_refused_with_a_message_per_field(
    create_actor, create_tie, overrides, field
):
    a, b = create_actor(), create_actor()
    with pytest.raises(ValidationFailed) as raised:
        create_tie(a, b, **overrides)
    assert field in raised.value.errors


def test_a_tie_needs_two_different_actors(create_actor, create_tie):
    a = create_actor()
    with pytest.raises(ValidationFailed):
        create_tie(a, a)


def test_duplicate_tie_is_refused(create_actor, create_tie):
    a, b = create_actor(), create_actor()
    create_tie(a, b)
    with pytest.raises(ValidationFailed) as raised:
        create_tie(a, b)
    assert "kind" in raised.value.errors
