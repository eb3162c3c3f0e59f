"""The OpenAPI 3.1 document of the API, served without a token at /api/v1/openapi.json."""

from typing import Any

from flask import jsonify

from app.api import bp
from harvest.models import (
    ActorKind,
    HarvestStep,
    OutcomeStatus,
    Sector,
    TieForm,
    TieKind,
)
from harvest.search import MAX_PER_PAGE

PREFIX = "/api/v1"
STR: dict[str, Any] = {"type": "string"}
INT: dict[str, Any] = {"type": "integer"}
DATE: dict[str, Any] = {"type": ["string", "null"], "format": "date"}
STRINGS: dict[str, Any] = {"type": "array", "items": STR}
SLUG_OR_NULL: dict[str, Any] = {"type": ["string", "null"]}


def _enum(values: Any) -> dict[str, Any]:
    return {"type": "string", "enum": [v.value for v in values]}


SCHEMAS: dict[str, dict[str, Any]] = {
    "Municipality": {"slug": STR, "name": STR, "region": STR},
    "Group": {
        "slug": STR,
        "name": STR,
        "municipality": SLUG_OR_NULL,
        "actor": SLUG_OR_NULL,
        "description": STR,
    },
    "Harvest": {
        "slug": STR,
        "title": STR,
        "group": SLUG_OR_NULL,
        "municipality": SLUG_OR_NULL,
        "period_start": DATE,
        "period_end": DATE,
        "users_and_uses": STR,
        "step": _enum(HarvestStep),
        "questions": STRINGS,
    },
    "Actor": {
        "slug": STR,
        "name": STR,
        "kind": _enum(ActorKind),
        "sector": _enum(Sector),
        "tier": {"type": "integer", "enum": [1, 2, 3]},
        "municipality": SLUG_OR_NULL,
        "tags": STRINGS,
        "target_groups": STRINGS,
        "accessibility": STRINGS,
        "address": STR,
        "website": STR,
        "email": STR,
        "phone": STR,
        "profile": STR,
    },
    "Tie": {
        "source_id": INT,
        "target_id": INT,
        "kind": _enum(TieKind),
        "form": {**_enum(TieForm), "readOnly": True},
        "derived_form": {**_enum(TieForm), "readOnly": True},
        "form_override": {"type": ["string", "null"], "enum": [f.value for f in TieForm] + [None]},
        "override_reason": STR,
        "start": DATE,
        "end": DATE,
        "strength": {"type": "integer", "minimum": 1, "maximum": 3},
        "note": STR,
    },
    "Outcome": {
        "harvest": STR,
        "title": STR,
        "changed_actor_id": {"type": ["integer", "null"]},
        "change": STR,
        "when": DATE,
        "when_end": DATE,
        "where": STR,
        "significance": STR,
        "contribution": STR,
        "contributor_ids": {"type": "array", "items": INT},
        "sources": STR,
        "evidence": STR,
        "status": _enum(OutcomeStatus),
        "codes": {
            "type": "object",
            "description": "Dimension key (type_of_change, intended, positive, "
            "social_capital_form, ...) to code keys; evaluators and admins may set it.",
            "additionalProperties": STRINGS,
        },
        "harvest_question": {"type": ["string", "null"]},
        "confirm_warnings": {
            "type": "boolean",
            "writeOnly": True,
            "description": "Store text with e-mail addresses or phone numbers anyway.",
        },
    },
}

RESOURCES: dict[str, tuple[str, str, list[tuple[str, dict[str, Any], str]]]] = {
    # path segment: (schema, key parameter, list filters)
    "municipalities": ("Municipality", "key", []),
    "groups": ("Group", "key", [("municipality", STR, "municipality slug")]),
    "harvests": (
        "Harvest",
        "key",
        [("group", STR, "group slug"), ("municipality", STR, "municipality slug")],
    ),
    "actors": (
        "Actor",
        "actor_id",
        [
            ("municipality", STR, "municipality slug"),
            ("kind", _enum(ActorKind), "kind of actor"),
            ("sector", _enum(Sector), "sector"),
            ("tier", {"type": "integer", "enum": [1, 2, 3]}, "tier"),
        ],
    ),
    "ties": (
        "Tie",
        "tie_id",
        [
            ("municipality", STR, "municipality slug of either end"),
            ("form", _enum(TieForm), "form of social capital"),
            ("kind", _enum(TieKind), "kind of tie"),
            ("actor_id", INT, "either end"),
            ("as_of", {"type": "string", "format": "date"}, "ties in force on this date"),
        ],
    ),
    "outcomes": (
        "Outcome",
        "outcome_id",
        [
            ("harvest", STR, "harvest slug"),
            ("status", {"type": "array", "items": _enum(OutcomeStatus)}, "repeat or comma list"),
            ("actor_id", INT, "changed or contributing actor"),
            ("type_of_change", STR, "code of the type_of_change dimension"),
            ("social_capital_form", _enum(TieForm), "code of social_capital_form"),
            ("from", {"type": "string", "format": "date"}, "when on or after"),
            ("to", {"type": "string", "format": "date"}, "when on or before"),
            ("municipality", STR, "municipality slug of the harvest"),
        ],
    ),
}

COMMON_PARAMETERS = [
    ("q", STR, "full-text search"),
    ("page", {"type": "integer", "minimum": 1, "default": 1}, "page number"),
    (
        "per_page",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 20},
        f"items per page (larger values are capped at {MAX_PER_PAGE})",
    ),
]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{name}"}


def _record_schema(name: str) -> dict[str, Any]:
    fields = SCHEMAS[name]
    properties = {"id": {**INT, "readOnly": True}, "version": INT, **fields}
    return {"type": "object", "properties": properties}


def _errors(*codes: str) -> dict[str, Any]:
    return {code: _ref(f"responses/E{code}") for code in codes}


def _one(schema: str, status: str, description: str) -> dict[str, Any]:
    content = {"application/json": {"schema": _ref(f"schemas/{schema}")}}
    return {status: {"description": description, "content": content}}


def _body(schema: str) -> dict[str, Any]:
    return {
        "required": True,
        "content": {"application/json": {"schema": _ref(f"schemas/{schema}")}},
    }


def _list_operation(resource: str, schema: str, filters: list[Any]) -> dict[str, Any]:
    parameters = [
        {"name": n, "in": "query", "required": False, "schema": s, "description": d}
        for n, s, d in [*COMMON_PARAMETERS, *filters]
    ]
    page = {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": _ref(f"schemas/{schema}")},
            "total": INT,
            "next": {"type": ["string", "null"], "format": "uri"},
        },
    }
    ok = {"description": f"a page of {resource}", "content": {"application/json": {"schema": page}}}
    return {
        "summary": f"List {resource}",
        "parameters": parameters,
        "responses": {"200": ok, **_errors("400", "401", "422")},
    }


def _paths_for(resource: str, schema: str, key: str) -> dict[str, Any]:
    item_param = {
        "name": key,
        "in": "path",
        "required": True,
        "schema": STR if key == "key" else INT,
        "description": "slug or id" if key == "key" else "id",
    }
    filters = RESOURCES[resource][2]
    collection = {
        "get": _list_operation(resource, schema, filters),
        "post": {
            "summary": f"Create one of {resource}",
            "requestBody": _body(schema),
            "responses": {
                **_one(schema, "201", "created"),
                **_errors("400", "401", "403", "422"),
            },
        },
    }
    update = {
        "summary": f"Update one of {resource}; send the version you read",
        "parameters": [item_param],
        "requestBody": _body(schema),
        "responses": {
            **_one(schema, "200", "updated"),
            **_errors("400", "401", "403", "404", "409", "422"),
        },
    }
    item = {
        "get": {
            "summary": f"Get one of {resource}",
            "parameters": [item_param],
            "responses": {**_one(schema, "200", "the record"), **_errors("401", "404")},
        },
        "put": update,
        "patch": update,
    }
    return {f"{PREFIX}/{resource}": collection, f"{PREFIX}/{resource}/{{{key}}}": item}


def _error_responses() -> dict[str, Any]:
    message = {"type": "object", "properties": {"error": STR}}
    field_errors = {
        "type": "object",
        "properties": {"errors": {"type": "object", "additionalProperties": STR}},
    }
    stale = {"type": "object", "properties": {"error": STR, "current": {"type": "object"}}}
    described = {
        "400": ("malformed request or body that is not a JSON object", message),
        "401": ("missing or bad token (WWW-Authenticate: Bearer)", message),
        "403": ("your role may not do this", message),
        "404": ("no such record, or one you may not see", message),
        "409": ("stale version; `current` is the stored record", stale),
        "422": ("invalid input, one message per field", field_errors),
    }
    return {
        f"E{code}": {
            "description": text,
            "content": {"application/json": {"schema": schema}},
        }
        for code, (text, schema) in described.items()
    }


EXTRA_PATHS: dict[str, Any] = {}
"""Paths that other API modules (graph, substantiations) add when they are imported."""
EXTRA_SCHEMAS: dict[str, Any] = {}
"""Component schemas that other API modules add when they are imported."""


def document() -> dict[str, Any]:
    """Build the OpenAPI document."""
    paths: dict[str, Any] = dict(EXTRA_PATHS)
    for resource, (schema, key, _filters) in RESOURCES.items():
        paths.update(_paths_for(resource, schema, key))
    paths[f"{PREFIX}/openapi.json"] = {
        "get": {
            "summary": "This document",
            "security": [],
            "responses": {"200": {"description": "the OpenAPI document"}},
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Brobyg API", "version": "1"},
        "paths": paths,
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {**{name: _record_schema(name) for name in SCHEMAS}, **EXTRA_SCHEMAS},
            "responses": _error_responses(),
        },
    }


@bp.get("/openapi.json")
def openapi() -> Any:
    """Serve the OpenAPI document."""
    return jsonify(document())
