"""How the map shows things, defined once: one style per social-capital form, sector and actor kind.

The legend on `/kort/`, the canvas (`map.js` gets these through the map's data), the
standalone HTML file and the `.form-*` / `.sector-*` / `.shape-*` classes (a style sheet
rendered by `style_sheet`, served by the app) all read this module, so they cannot
disagree. Colour is never the only carrier: a form also has a line style and a label,
a sector a border style on the canvas, a kind a shape. Labels are English msgids
(`N_`) that the web layer translates. Must not import `app` or Flask.
"""

from dataclasses import dataclass
from typing import Any

from harvest.errors import N_


@dataclass(frozen=True)
class FormStyle:
    """How one social-capital form's ties are drawn and named."""

    code: str
    label: str
    colour: str
    line: str  # the CSS border style: solid, dashed or dotted
    line_label: str
    dashes: tuple[int, ...]  # the same line as vis-network's dash pattern (empty: solid)
    width: int = 3


@dataclass(frozen=True)
class SectorStyle:
    """How one sector's actors are filled, and the border pattern that repeats it without colour."""

    code: str
    colour: str
    border_dashes: tuple[int, ...]  # empty: a solid border


@dataclass(frozen=True)
class ShapeStyle:
    """One shape on the canvas, the kinds of actor drawn with it and its name in the key."""

    shape: str  # vis-network's shape name
    label: str
    kinds: tuple[str, ...]


FORMS: tuple[FormStyle, ...] = (
    FormStyle("bonding", N_("Bonding"), "#7a4b00", "solid", N_("solid line"), ()),
    FormStyle("bridging", N_("Bridging"), "#0b6b3a", "dashed", N_("dashed line"), (10, 6)),
    FormStyle("linking", N_("Linking"), "#6b2d8c", "dotted", N_("dotted line"), (2, 5)),
)
SECTORS: tuple[SectorStyle, ...] = (
    SectorStyle("municipal", "#1f5fa8", ()),
    SectorStyle("civil_society", "#2e8540", (6, 3)),
    SectorStyle("region", "#8a3ffc", (2, 2)),
    SectorStyle("private", "#b35900", (8, 2, 2, 2)),
    SectorStyle("citizens", "#c0306f", (1, 5)),
)
# vis-network draws seven shapes with the label outside; eleven kinds share them by likeness.
SHAPES: tuple[ShapeStyle, ...] = (
    ShapeStyle("dot", N_("Municipal service"), ("municipal_service",)),
    ShapeStyle(
        "square",
        N_("Management, council or funder"),
        ("municipal_management", "council", "funder"),
    ),
    ShapeStyle("triangle", N_("Association"), ("association",)),
    ShapeStyle("diamond", N_("Volunteer or citizen group"), ("volunteer_group", "citizen_group")),
    ShapeStyle(
        "triangleDown",
        N_("Region, health, education or job service"),
        ("region_health", "education_job"),
    ),
    ShapeStyle("hexagon", N_("Business"), ("business",)),
    ShapeStyle("star", N_("Implementation group"), ("implementation_group",)),
)
# The legend's small pictures of the shapes (SVG points in a 20 by 20 box; a dot is a circle).
SHAPE_POINTS = {
    "square": "3,3 17,3 17,17 3,17",
    "triangle": "10,2 18,17 2,17",
    "triangleDown": "2,3 18,3 10,18",
    "diamond": "10,1 19,10 10,19 1,10",
    "hexagon": "5,2 15,2 19,10 15,18 5,18 1,10",
    "star": "10,1 12.4,7.2 19,7.2 13.6,11.2 15.6,18 10,14 4.4,18 6.4,11.2 1,7.2 7.6,7.2",
}
FALLBACK_COLOUR = "#555555"
FALLBACK_FORM = "bridging"
FALLBACK_SHAPE = "dot"

FORM_BY_CODE = {style.code: style for style in FORMS}
SECTOR_BY_CODE = {style.code: style for style in SECTORS}
SHAPE_OF_KIND = {kind: style.shape for style in SHAPES for kind in style.kinds}


def form_code(code: str) -> str:
    """Return `code` when it is a known form, else the form an unknown one is drawn as."""
    return code if code in FORM_BY_CODE else FALLBACK_FORM


def _dashes(pattern: tuple[int, ...]) -> list[int] | bool:
    return list(pattern) if pattern else False


def vis_styles() -> dict[str, dict[str, dict[str, Any]]]:
    """Return the forms' edge styles and the sectors' node styles as `map.js` reads them."""
    return {
        "forms": {
            s.code: {"color": s.colour, "dashes": _dashes(s.dashes), "width": s.width}
            for s in FORMS
        },
        "sectors": {
            s.code: {"color": s.colour, "dashes": _dashes(s.border_dashes)} for s in SECTORS
        },
    }


def style_sheet() -> str:
    """Return the CSS of the `.form-*` classes, legend swatches, form names and sector dots."""
    rules = []
    for form in FORMS:
        rules.append(f".form-{form.code}{{--form-colour:{form.colour};border-color:{form.colour}}}")
        rules.append(
            f".swatch.form-{form.code}{{border-top-style:{form.line};"
            f"border-top-color:{form.colour}}}"
        )
        rules.append(f".form-name.form-{form.code}{{border-bottom-style:{form.line}}}")
    for sector in SECTORS:
        rules.append(f".dot.sector-{sector.code}{{background:{sector.colour}}}")
    return "\n".join(rules) + "\n"
