"""An outcome spreadsheet as an outsider makes it: Danish headers, their own ids (H-01),
months and periods pasted from Word, questions as text, actor names that almost match."""

import io
from pathlib import Path
from typing import Any

import openpyxl
from babel import support

NBSP = "\u00a0"
EN_DASH = "\u2013"
QUESTIONS = [
    "Hvordan samarbejder foreningerne med kommunen?",
    "Hvem deltager i nye aktiviteter?",
]
HEADER = [
    "ID",
    "Titel",
    "Forandret aktør",
    "Forandring",
    "Hvornår",
    "Hvor",
    "Betydning",
    "Bidrag",
    "Bidragydere",
    "Type af forandring",
    "Tilsigtet",
    "Status",
    "Høstspørgsmål",
]
ROWS: list[list[Any]] = [
    [
        "H-01",
        "Rotary låner lokaler ud til peer-gruppen",
        "Rotary",
        "Klubben låner sit mødelokale ud hver anden tirsdag",
        "2021-03",
        "Helsingør",
        "Gruppen har et fast sted at mødes",
        "Implementeringsgruppen bad klubben om det",
        "Helsingør Bibliotek",
        "Praksis",
        "Ja",
        "Kladde",
        "hvordan samarbejder foreningerne med kommunen",
    ],
    [
        "H-02",
        f"Peer-gruppen{NBSP}inviterer nye deltagere",
        "Deltagere i peer-gruppen Helsingør",
        "Deltagerne tager selv nye med til møderne",
        f"2021-03{NBSP}{EN_DASH}{NBSP}2021-05",
        "Helsingør",
        "Flere får et netværk",
        "Bibliotekets introduktionsmøde",
        "Helsingør Bibliotek; Frivilligcenter Helsingør",
        "Participation: from receiver to participant",
        "nej",
        "",
        2,
    ],
    [
        "H-03",
        "Biblioteket henviser til frivilligcentret",
        "Helsingør Bibliotek",
        "Bibliotekarerne henviser nu borgere til frivilligcentret",
        "2025-02",
        "Helsingør",
        "Borgere finder vej til foreningslivet",
        "Fælles kontaktperson",
        "Frivilligcenter Helsingør",
        "relationship",
        "intended",
        "final",
        "1",
    ],
]


def outside_workbook(rows: list[list[Any]] | None = None) -> bytes:
    """Return the outsider's XLSX file (with `rows` instead of the usual ones if given)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Forandringer"
    sheet.append(HEADER)
    for row in rows if rows is not None else ROWS:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def danish() -> support.Translations:
    """Return the Danish catalogue, as the app layer loads it."""
    folder = Path(__file__).resolve().parents[2] / "app" / "translations"
    return support.Translations.load(str(folder), ["da"])


def outside_harvest(create_municipality, create_harvest, create_actor) -> dict[str, Any]:
    """Make the harvest in Helsingør the sheet is for, and the actors it almost names."""
    copenhagen = create_municipality("kobenhavn", "København")
    create_municipality("helsingor", "Helsingør")
    harvest = create_harvest(
        slug="test-harvest", municipality="helsingor", questions=list(QUESTIONS)
    )
    found = {
        "harvest": harvest,
        "rotary": create_actor(name="Rotary Klub København", municipality="kobenhavn"),
        "peers": create_actor(
            name="Deltagere i peer-gruppen, Helsingør",
            kind="citizen_group",
            sector="citizens",
            tier=1,
            municipality="helsingor",
        ),
        "library": create_actor(
            name="Helsingør Bibliotek",
            kind="municipal_service",
            sector="municipal",
            municipality="helsingor",
        ),
        "centre": create_actor(name="Frivilligcenter Helsingør", municipality="helsingor"),
        "copenhagen": copenhagen,
    }
    create_actor(name="Rødovre Løbeklub")
    return found
