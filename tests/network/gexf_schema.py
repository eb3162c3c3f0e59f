"""The GEXF 1.3 schema (vendored in `schemas/gexf-1.3`) for tests that read GEXF files.

networkx cannot read a GEXF file that mixes directed and undirected edges, which Gephi
reads, so the tests check GEXF against the schema and read it as XML."""

from functools import cache
from pathlib import Path
from typing import Any

import xmlschema
from defusedxml.ElementTree import fromstring

NS = "{http://gexf.net/1.3}"
SCHEMAS = Path(__file__).parent / "schemas" / "gexf-1.3"


@cache
def gexf_schema() -> xmlschema.XMLSchema:
    """Return the GEXF 1.3 schema, loaded once."""
    return xmlschema.XMLSchema(str(SCHEMAS / "gexf.xsd"))


def valid_gexf(content: bytes) -> Any:
    """Return the root of a GEXF document once the GEXF 1.3 schema accepts it (else raise)."""
    gexf_schema().validate(content.decode("utf-8"))
    return fromstring(content)
