"""The outcome spreadsheet downloaded from the analysis page, in the reader's language."""

import io

import openpyxl
import pytest

from harvest import coding
from tests.conftest import PASSWORD


@pytest.fixture
def setup(session, create_user, create_harvest, create_outcome):
    create_user("eva@example.dk", "evaluator")
    harvest = create_harvest()
    outcome = create_outcome(harvest, title="Biblioteket åbner")
    scheme = coding.scheme_of(session, harvest)
    coding.set_codes(
        session,
        outcome.id,
        scheme,
        {"type_of_change": ["practice"], "significance_rating": ["high"]},
        by=None,
    )
    session.commit()


def _download(client, lang):
    client.post("/login", data={"email": "eva@example.dk", "password": PASSWORD})
    response = client.get(f"/harvests/test-harvest/analysis.xlsx?lang={lang}")
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0]


def _row(sheet):
    header, first = list(sheet.iter_rows(max_row=2, values_only=True))
    return dict(zip(header, first, strict=True))


def test_danish_download_has_danish_headers_labels_and_dropdowns(client, setup):
    sheet = _download(client, "da")
    row = _row(sheet)
    assert row["titel"] == "Biblioteket åbner"
    assert row["type af forandring"] == "Praksis" and row["betydningsvurdering"] == "Høj"
    assert row["status"] == "Kladde"
    assert sheet.title == "forandringer" and sheet.freeze_panes == "A2"
    lists = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert any("Kladde" in formula for formula in lists)


def test_english_download_has_the_column_keys_and_english_labels(client, setup):
    row = _row(_download(client, "en"))
    assert row["title"] == "Biblioteket åbner"
    assert row["type_of_change"] == "Practice" and row["significance_rating"] == "High"
    assert row["status"] == "Draft"
