"""Fixtures the initiative and method tests share: a group in Helsingør and one member."""

import pytest

from harvest import groups


@pytest.fixture
def group(session, create_municipality):
    create_municipality()
    return groups.create_group(
        session, {"slug": "gruppe", "name": "Gruppen", "municipality": "helsingor"}, by=None
    )


@pytest.fixture
def member(create_user, group):
    return create_user("medlem@example.dk", "member", groups=["gruppe"])
