"""The OpenAPI 3.1 document of the API, served without a token at /api/v1/openapi.json.

Generated from one source: the public models and request bodies of `harvest.public` and
the list queries of `harvest.listing` (pydantic's JSON Schema, its `$defs` moved to
`components/schemas`). Nothing about a field is written here by hand.
"""

from typing import Any, NamedTuple

from flask import jsonify
from pydantic import BaseModel

from app.api import bp
from harvest import listing, needs, public
from harvest.initiatives import InitiativeQuery
from harvest.listing import MAX_ID
from harvest.search import MAX_PER_PAGE
from harvest.substantiation import SubstantiationQuery

PREFIX = "/api/v1"
REF = "#/components/schemas/{model}"


class Resource(NamedTuple):
    """One resource of the API: what it answers, how an item is addressed, how lists filter."""

    model: type[BaseModel]
    key: str
    query: type[BaseModel]
    refused: tuple[str, ...] = ("401", "403")


RESOURCES: dict[str, Resource] = {
    "municipalities": Resource(public.MunicipalityPublic, "key", listing.ListQuery),
    "groups": Resource(public.GroupPublic, "key", listing.GroupQuery),
    "harvests": Resource(public.HarvestPublic, "key", listing.HarvestQuery),
    "actors": Resource(public.ActorPublic, "actor_id", listing.ActorQuery),
    "ties": Resource(public.TiePublic, "tie_id", listing.TieQuery),
    "outcomes": Resource(public.OutcomePublic, "outcome_id", listing.OutcomeQuery),
    "needs": Resource(public.NeedPublic, "need_id", needs.NeedQuery),
    "initiatives": Resource(public.InitiativePublic, "initiative_id", InitiativeQuery),
    "substantiations": Resource(
        public.SubstantiationPublic, "substantiation_id", SubstantiationQuery
    ),
}

EXTRA_PATHS: dict[str, Any] = {}
"""Paths that other API modules (the graph) add when they are imported."""

ERRORS: dict[str, tuple[str, type[BaseModel]]] = {
    "400": ("malformed request or body that is not a JSON object", public.ErrorBody),
    "401": ("missing or bad token (WWW-Authenticate: Bearer)", public.ErrorBody),
    "403": ("your role may not do this", public.ErrorBody),
    "404": ("no such record, or one you may not see", public.ErrorBody),
    "409": ("stale version; `current` is the stored record", public.StaleBody),
    "422": ("invalid input or unknown field, one message per field", public.FieldErrors),
    "429": ("too many calls with this token; wait the seconds in Retry-After", public.ErrorBody),
}


class Components:
    """The component schemas gathered while the document is built."""

    def __init__(self) -> None:
        self.schemas: dict[str, Any] = {}

    def ref(self, model: type[BaseModel]) -> dict[str, str]:
        """Register `model` (and the models it uses) and return a reference to it."""
        name = model.__name__
        if name not in self.schemas:
            schema = model.model_json_schema(ref_template=REF)
            self.schemas.update(schema.pop("$defs", {}))
            self.schemas[name] = schema
        return {"$ref": REF.format(model=name)}

    def page(self, model: type[BaseModel]) -> dict[str, str]:
        """Register the list envelope of `model` and return a reference to it."""
        name = f"{model.__name__}Page"
        if name not in self.schemas:
            schema = public.Page.model_json_schema(ref_template=REF)
            schema["title"] = name
            schema["properties"]["items"] = {"type": "array", "items": self.ref(model)}
            schema["additionalProperties"] = False
            self.schemas[name] = schema
        return {"$ref": REF.format(model=name)}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: str) -> dict[str, Any]:
    """Return the error answers of an operation; any call may be throttled (429)."""
    return {code: {"$ref": f"#/components/responses/E{code}"} for code in (*codes, "429")}


def _parameters(parts: Components, query: type[BaseModel]) -> list[dict[str, Any]]:
    """Return the query parameters of a list, each with its type and limits."""
    schema = query.model_json_schema(ref_template=REF, by_alias=True)
    parts.schemas.update(schema.pop("$defs", {}))
    parameters = []
    for name, field in schema["properties"].items():
        field.pop("title", None)
        description = field.pop("description", None) or name.replace("_", " ")
        if name == "per_page":
            description = f"items per page (larger values are capped at {MAX_PER_PAGE})"
        if field.get("type") == "array":
            description += " (repeat, or separate with commas)"
        parameter = {"name": name, "in": "query", "required": False, "schema": field}
        parameter["description"] = description
        if field.get("type") == "array":
            parameter.update(style="form", explode=True)
        parameters.append(parameter)
    return parameters


def _item_parameter(key: str) -> dict[str, Any]:
    if key == "key":
        schema: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": 200}
        return {
            "name": key,
            "in": "path",
            "required": True,
            "schema": schema,
            "description": "slug or id",
        }
    schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    return {"name": key, "in": "path", "required": True, "schema": schema, "description": "id"}


def _paths_for(parts: Components, name: str, resource: Resource) -> dict[str, Any]:
    model, key, query, refused = resource
    created: dict[str, Any] = parts.ref(model)
    updated: dict[str, Any] = parts.ref(model)
    if name == "substantiations":
        created = parts.ref(public.SubstantiationWithLink)
        updated = {"anyOf": [created, parts.ref(model)]}
    create_body = parts.ref(public.BODIES[(name, "create")])
    update_body = parts.ref(public.BODIES[(name, "update")])
    item = [_item_parameter(key)]
    update = {
        "summary": f"Update one of {name}; send the changed fields and the version you read",
        "operationId": f"{name}_update",
        "parameters": item,
        "requestBody": {"required": True, "content": {"application/json": {"schema": update_body}}},
        "responses": {
            "200": _json(updated, "updated"),
            **_errors("400", *refused, "404", "409", "422"),
        },
    }
    collection = {
        "get": {
            "summary": f"List {name}",
            "operationId": f"{name}_index",
            "parameters": _parameters(parts, query),
            "responses": {
                "200": _json(parts.page(model), f"a page of {name}"),
                **_errors("400", *refused, "422"),
            },
        },
        "post": {
            "summary": f"Create one of {name}",
            "operationId": f"{name}_create",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": create_body}},
            },
            "responses": {
                "201": _json(created, "created"),
                **_errors("400", *refused, "409", "422"),
            },
        },
    }
    one = {
        "get": {
            "summary": f"Get one of {name}",
            "operationId": f"{name}_detail",
            "parameters": item,
            "responses": {
                "200": _json(parts.ref(model), "the record"),
                **_errors("400", *refused, "404"),
            },
        },
        "put": {**update, "operationId": f"{name}_replace"},
        "patch": update,
    }
    return {f"{PREFIX}/{name}": collection, f"{PREFIX}/{name}/{{{key}}}": one}


def document() -> dict[str, Any]:
    """Build the OpenAPI document."""
    parts = Components()
    paths: dict[str, Any] = {}
    for name, resource in RESOURCES.items():
        paths.update(_paths_for(parts, name, resource))
    paths.update(EXTRA_PATHS)
    paths[f"{PREFIX}/openapi.json"] = {
        "get": {
            "summary": "This document",
            "operationId": "openapi",
            "security": [],
            "responses": {"200": {"description": "the OpenAPI document"}},
        }
    }
    responses = {
        f"E{code}": _json(parts.ref(model), text) for code, (text, model) in ERRORS.items()
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Brobyg API", "version": "1"},
        "paths": paths,
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": parts.schemas,
            "responses": responses,
        },
    }


@bp.get("/openapi.json")
def openapi() -> Any:
    """Serve the OpenAPI document."""
    return jsonify(document())
