"""Which action of the access policy (`harvest.access`) each route performs.

Every route is listed here, and every view runs behind a guard that refuses a person whose
role is granted the route's action for no record at all (anonymous visitors are sent to
sign in, API callers get 401/403). Views and services then check the record itself.
A route missing from the table stops the app from starting: deny by default.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, abort, g, request

from app.auth import login_manager, signed_in_user
from app.database import db
from harvest import access
from harvest.access import Action

PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed_in"  # any active account
Rule = Action | str

ROUTES: dict[str, Rule] = {
    # pages anyone may read
    "main.index": PUBLIC,
    "operations.healthz": PUBLIC,
    "operations.readyz": PUBLIC,
    "main.accessibility": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": SIGNED_IN,
    # accounts
    "account.index": SIGNED_IN,
    "account.change_password": SIGNED_IN,
    "account.sign_out_everywhere": SIGNED_IN,
    "account.revoke_token": SIGNED_IN,  # the view looks only among the user's own tokens
    "account.set_password": PUBLIC,  # the one-time link is the key
    "users.index": Action.ADMINISTER,
    "users.invite": Action.ADMINISTER,
    "users.detail": Action.ADMINISTER,
    "users.set_role": Action.ADMINISTER,
    "users.set_active": Action.ADMINISTER,
    "users.sign_out": Action.ADMINISTER,
    "users.reset": Action.ADMINISTER,
    "users.revoke_token": Action.ADMINISTER,
    "knowledge.index": PUBLIC,
    "knowledge.page": PUBLIC,
    "directory.index": PUBLIC,
    "directory.actor": PUBLIC,
    "directory.shortlist": PUBLIC,  # public entries, like the directory; nothing stored
    "suggestions.actors": PUBLIC,  # actor names, public like the directory
    "maps.index": PUBLIC,
    "maps.changes": PUBLIC,
    "maps.data": PUBLIC,
    "maps.download": PUBLIC,
    "maps.map_script": PUBLIC,
    "maps.style_sheet": PUBLIC,
    "maps.vis_network": PUBLIC,
    "substantiation.respond": PUBLIC,  # the personal link is the key
    # outcomes
    "outcomes.harvest_index": Action.READ_OUTCOME,
    "outcomes.harvest_detail": Action.READ_OUTCOME,
    "outcomes.index": Action.READ_OUTCOME,
    "outcomes.detail": Action.READ_OUTCOME,
    "suggestions.outcomes": Action.READ_OUTCOME,  # only those the viewer may see
    "outcomes.new": Action.WRITE_OUTCOME,
    "outcomes.edit": Action.WRITE_OUTCOME,
    "outcomes.move": Action.WRITE_OUTCOME,
    "outcomes.link": Action.WRITE_OUTCOME,
    "outcomes.tie": Action.WRITE_OUTCOME,
    "outcomes.comment": Action.COMMENT_OUTCOME,
    "duplicates.compare": Action.READ_OUTCOME,
    "duplicates.dismiss": Action.JUDGE_DUPLICATES,
    "duplicates.merge": Action.JUDGE_DUPLICATES,
    "outcomes.resolve": Action.COMMENT_OUTCOME,
    "imports.new": Action.IMPORT_OUTCOMES,
    "imports.create": Action.IMPORT_OUTCOMES,
    "imports.confirm": Action.IMPORT_OUTCOMES,
    "reports.harvest_report": Action.ANALYSE,  # every status, with the counts
    "reports.public_report": Action.READ_OUTCOME,  # final outcomes only
    "reports.interpretation_page": Action.ANALYSE,  # answers to the questions, interpretation
    # evaluation
    "harvest_design.new": Action.DESIGN_HARVEST,
    "harvest_design.edit": Action.DESIGN_HARVEST,
    "harvest_design.add_question": Action.DESIGN_HARVEST,
    "harvest_design.question": Action.DESIGN_HARVEST,
    "coding.harvest": Action.ANALYSE,
    "coding.schemes": Action.ANALYSE,
    "coding.scheme": Action.ANALYSE,
    "coding.change": Action.ANALYSE,
    "coding.assign": Action.ANALYSE,
    "analysis.harvest": Action.ANALYSE,
    "analysis.workbook": Action.ANALYSE,
    "substantiation.harvest": Action.SUBSTANTIATE,
    "substantiation.create": Action.SUBSTANTIATE,
    "substantiation.reissue": Action.SUBSTANTIATE,
    "substantiation.revoke": Action.SUBSTANTIATE,
    # actors, ties, needs
    "directory.new": Action.WRITE_ACTOR,
    "directory.edit": Action.WRITE_ACTOR,
    "directory.new_tie": Action.WRITE_ACTOR,
    "directory.edit_tie": Action.WRITE_ACTOR,
    "directory.merge": Action.MERGE_ACTORS,
    "needs.index": Action.READ_INTERNAL,
    "needs.new": Action.WRITE_NEED,
    "needs.edit": Action.WRITE_NEED,
    "needs.between": Action.READ_INTERNAL,
    "groups.detail": Action.READ_INTERNAL,
    "groups.new_actor": Action.WRITE_GROUP_ACTORS,
    "groups.edit_actor": Action.WRITE_GROUP_ACTORS,
    "initiatives.index": Action.READ_INITIATIVE,
    "initiatives.detail": Action.READ_INITIATIVE,
    "initiatives.export": Action.READ_INITIATIVE,  # the ones the reader may see
    "initiatives.history": Action.READ_INITIATIVE,  # the editors' names to signed-in readers
    "initiatives.new": Action.WRITE_INITIATIVE,
    "initiatives.edit": Action.WRITE_INITIATIVE,
    "initiatives.add_round": Action.WRITE_INITIATIVE,
    "initiatives.upload": Action.WRITE_INITIATIVE,
    "initiatives.kinds": Action.ANALYSE,
    "method.index": Action.READ_INITIATIVE,  # the initiatives and outcomes the reader may see
    "method.municipality": Action.READ_INITIATIVE,
    # administration
    "audit.index": Action.ADMINISTER,
    "main.privacy": PUBLIC,
    # the API (every call also needs a valid token: Action.USE_API)
    "api.openapi": PUBLIC,
    "api.graph": Action.USE_API,
    "api.municipalities_index": Action.USE_API,
    "api.municipalities_detail": Action.USE_API,
    "api.municipalities_create": Action.ADMINISTER,
    "api.municipalities_update": Action.ADMINISTER,
    "api.groups_index": Action.USE_API,
    "api.groups_detail": Action.USE_API,
    "api.groups_create": Action.ADMINISTER,
    "api.groups_update": Action.ADMINISTER,
    "api.harvests_index": Action.USE_API,
    "api.harvests_detail": Action.USE_API,
    "api.harvests_create": Action.DESIGN_HARVEST,
    "api.harvests_update": Action.DESIGN_HARVEST,
    "api.actors_index": Action.USE_API,
    "api.actors_detail": Action.USE_API,
    "api.actors_create": Action.WRITE_ACTOR,
    "api.actors_update": Action.WRITE_ACTOR,
    "api.ties_index": Action.USE_API,
    "api.ties_detail": Action.USE_API,
    "api.ties_create": Action.WRITE_ACTOR,
    "api.ties_update": Action.WRITE_ACTOR,
    "api.outcomes_index": Action.READ_OUTCOME,
    "api.outcomes_detail": Action.READ_OUTCOME,
    "api.outcomes_create": Action.WRITE_OUTCOME,
    "api.outcomes_update": Action.WRITE_OUTCOME,
    "api.needs_index": Action.READ_INTERNAL,
    "api.needs_detail": Action.READ_INTERNAL,
    "api.needs_create": Action.WRITE_NEED,
    "api.needs_update": Action.WRITE_NEED,
    "api.initiatives_index": Action.READ_INITIATIVE,
    "api.initiatives_detail": Action.READ_INITIATIVE,
    "api.initiatives_create": Action.WRITE_INITIATIVE,
    "api.initiatives_update": Action.WRITE_INITIATIVE,
    "api.substantiations_index": Action.SUBSTANTIATE,
    "api.substantiations_detail": Action.SUBSTANTIATE,
    "api.substantiations_create": Action.SUBSTANTIATE,
    "api.substantiations_update": Action.SUBSTANTIATE,
}


def rule_of(endpoint: str) -> Rule:
    """Return the rule of a route (KeyError: the route has none)."""
    return ROUTES[endpoint]


def _acting() -> Any:
    """Return who makes this request: the API caller or the signed-in user (or None)."""
    return g.get("api_user") or signed_in_user()


def permitted(rule: Rule, user: Any) -> bool:
    """Tell whether `user` passes the route-level guard of `rule`."""
    if rule == PUBLIC:
        return True
    if rule == SIGNED_IN:
        return user is not None and user.active
    return access.may_somewhere(db(), user, Action(rule))


def _guard(endpoint: str, view: Callable[..., Any]) -> Callable[..., Any]:
    rule = rule_of(endpoint)

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        user = _acting()
        if not permitted(rule, user):
            if user is None:
                if request.path.startswith("/api/"):
                    abort(401)
                return login_manager.unauthorized()
            abort(403)
        return view(*args, **kwargs)

    return guarded


def guard_views(app: Flask) -> None:
    """Put every view of `app` behind the guard of its rule; a route without one is an error."""
    missing = sorted(e for e in app.view_functions if e != "static" and e not in ROUTES)
    if missing:
        raise RuntimeError(f"routes without an access rule: {', '.join(missing)}")
    for endpoint, view in list(app.view_functions.items()):
        if endpoint != "static":
            app.view_functions[endpoint] = _guard(endpoint, view)
