"""In a real browser: the legend on /kort/ shows each form, sector and shape as the canvas
draws them (read from vis-network's own edge and node options), and the map pages pass
axe-core in Danish and English, on a desk and on a phone."""

import re

import pytest

from tests.e2e.helpers import serious_violations

LEGEND = """() => ({
  forms: [...document.querySelectorAll('#legend-forms li')].map(li => {
    const s = getComputedStyle(li.querySelector('.swatch'));
    return [li.dataset.form, s.borderTopColor, s.borderTopStyle]; }),
  sectors: [...document.querySelectorAll('#legend-sectors li')].map(li => {
    const c = li.querySelector('circle');
    return [li.dataset.sector, getComputedStyle(c).fill, c.getAttribute('stroke-dasharray')]; }),
  shapes: [...document.querySelectorAll('#legend-shapes li')].map(li => li.dataset.shape)
})"""
DRAWN = """() => { const body = window.brobygMap.body, data = window.brobygMapData;
  return {
    edges: Object.values(body.edges).map(e => [data.edges.get(e.id).form,
                                               e.options.color.color, e.options.dashes]),
    nodes: Object.values(body.nodes).filter(n => data.nodes.get(n.id)).map(n => [
      n.options.color.background, n.options.shapeProperties.borderDashes, n.options.shape])
  }; }"""


def _rgb(colour: str) -> str:
    """Return '#rrggbb' as the browser's computed 'rgb(r, g, b)'."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def _line(dashes) -> str:
    """Return the CSS line style a vis-network dash pattern draws."""
    if not dashes:
        return "solid"
    return "dotted" if dashes[0] <= 3 else "dashed"


def _drawn(page) -> int:
    page.wait_for_selector("#map[data-drawn] canvas")
    return int(page.get_attribute("#map", "data-drawn"))


@pytest.mark.parametrize(
    ("locale", "width"), [("da-DK", 1280), ("en-GB", 1280), ("da-DK", 390), ("en-GB", 390)]
)
def test_the_legend_shows_what_the_canvas_draws_and_the_map_pages_pass_axe(
    live_server, browser, locale, width
):
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server + "/kort/?municipality=helsingor")
    assert _drawn(page) > 10
    legend = page.evaluate(LEGEND)
    drawn = page.evaluate(DRAWN)
    swatch = {form: (colour, line) for form, colour, line in legend["forms"]}
    assert set(swatch) == {"bonding", "bridging", "linking"}
    assert len({c for c, _line in swatch.values()}) == 3
    assert len({line for _c, line in swatch.values()}) == 3  # not by colour alone
    forms_drawn = set()
    for form, colour, dashes in drawn["edges"]:
        assert swatch[form] == (_rgb(colour), _line(dashes)), form
        forms_drawn.add(form)
    assert forms_drawn == set(swatch)  # Helsingør has ties of every form
    sectors = {_rgb_or(fill): dashes for _code, fill, dashes in legend["sectors"]}
    for background, dashes, shape in drawn["nodes"]:
        pattern = " ".join(str(d) for d in dashes) if dashes else None
        assert sectors[_rgb(background)] == pattern
        assert shape in legend["shapes"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_violations(page) == []
    page.goto(live_server + "/kort/forandring?municipality=helsingor&from=2024-01-01&to=2026-01-01")
    assert page.locator("table").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_violations(page) == []
    assert not [e for e in errors if "Content Security Policy" in e]
    context.close()


def _rgb_or(fill: str) -> str:
    """Return a computed SVG fill ('rgb(…)') as it is."""
    assert re.match(r"rgb\(\d+, \d+, \d+\)", fill), fill
    return fill
