"""Long lists and common words: the pages say "more than 1,000" in the reader's language,
page on, and the API says its total is a lower bound."""

import pytest

from harvest import accounts
from network import scale


@pytest.fixture
def many(session, create_user):
    """1,200 synthetic outcomes (about 840 final) and 60 actors; an evaluator's API token."""
    scale.add_synthetic_municipality(session, 60)
    token = accounts.create_token(session, create_user())
    session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_capped_count_text_in_danish_and_english(client, session, many):
    scale.add_synthetic_municipality(session, 70)  # 1,400 more: ~1,800 final in all
    session.commit()
    danish = client.get("/outcomes?q=syntetisk&lang=da").get_data(as_text=True)
    assert "Flere end 1.000 forandringer" in danish
    second = client.get("/outcomes?q=syntetisk&page=2").get_data(as_text=True)
    assert "Side 2" in second and "Flere end 1.000" in second
    english = client.get("/outcomes?q=syntetisk&lang=en").get_data(as_text=True)
    assert "More than 1,000 outcomes" in english
    assert "More than 1,000 outcomes" in client.get("/outcomes").get_data(as_text=True)


def test_api_says_the_total_is_a_lower_bound(client, many):
    common = client.get("/api/v1/outcomes?q=syntetisk", headers=many).json
    assert common["total"] == 1000 and common["total_is_lower_bound"] is True
    assert common["next"] and len(common["items"]) == 20
    rare = client.get("/api/v1/outcomes?q=forandring 1199", headers=many).json
    assert (rare["total"], rare["total_is_lower_bound"]) == (1, False)
    assert rare["items"][0]["title"] == "Syntetisk forandring 1199"
    last = client.get("/api/v1/outcomes?q=syntetisk&page=50", headers=many).json
    assert len(last["items"]) == 20 and last["next"] is None


def test_openapi_documents_the_lower_bound(client):
    document = client.get("/api/v1/openapi.json").json
    pages = [s for name, s in document["components"]["schemas"].items() if name.endswith("Page")]
    assert pages and all("total_is_lower_bound" in s["properties"] for s in pages)
