"""Substantiation pages: the evaluator's requests for a harvest, and the substantiator's
personal page at /s/<token>, which needs no account. Views parse, call
`harvest.substantiation` and render; they hold no SQL."""

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField

from app import mail
from app.audit import note
from app.auth import signed_in_user
from app.database import AfterCommit, db
from app.forms import options
from app.i18n import show_errors, translate
from app.links import external_url
from app.params import int_values
from app.translated_forms import Form
from harvest import access, harvests, outcomes
from harvest import substantiation as service
from harvest.access import Action
from harvest.audit import AuditAction
from harvest.errors import ValidationFailed
from harvest.models import Harvest, Substantiation, User

bp = Blueprint("substantiation", __name__)

VERDICT_LABELS = {
    "fully_agree": _l("Fully agree"),
    "partially_agree": _l("Partially agree"),
    "disagree": _l("Disagree"),
    "cannot_judge": _l("Cannot judge"),
}
STATE_LABELS = {
    "pending": _l("Waiting for an answer"),
    "answered": _l("Answered"),
    "expired": _l("Link expired"),
    "revoked": _l("Link withdrawn"),
}
RULE_LABELS = {
    "": _l("The outcomes I tick below"),
    "all": _l("Every outcome that is reviewed or later"),
    "ready": _l("Every outcome that is ready"),
    "significant": _l("Every outcome coded as highly significant"),
    "random": _l("A random share of the outcomes"),
}
PART_QUESTIONS = {
    "outcome": _l("Did the change happen as described?"),
    "significance": _l("Is the significance described fairly?"),
    "contribution": _l("Is the contribution described plausibly?"),
}
# Pages behind a personal link must not be cached, indexed or leak the link onward.
PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
}


class RequestForm(Form):
    rule = SelectField(_l("Which outcomes"), choices=options(RULE_LABELS.items()), default="")
    share = StringField(_l("Share for a random sample (percent)"), default="20")
    name = StringField(_l("Name of the person you ask"))
    email = StringField(_l("Their e-mail (optional)"))
    role = StringField(_l("Their role"))
    expires_in_days = StringField(_l("The link works for (days)"), default="30")
    language = SelectField(
        _l("Language of the e-mail"),
        choices=options([("da", _l("Danish")), ("en", _l("English"))]),
        default="da",
    )
    independent = BooleanField(_l("I have checked: this person is independent enough to ask"))


class AnswerForm(Form):
    verdict_outcome = RadioField(choices=options(VERDICT_LABELS.items()), validate_choice=False)
    verdict_significance = RadioField(
        choices=options(VERDICT_LABELS.items()), validate_choice=False
    )
    verdict_contribution = RadioField(
        choices=options(VERDICT_LABELS.items()), validate_choice=False
    )
    comment_outcome = TextAreaField(_l("Comment on the outcome (optional)"))
    comment_significance = TextAreaField(_l("Comment on the significance (optional)"))
    comment_contribution = TextAreaField(_l("Comment on the contribution (optional)"))
    consent_named = BooleanField(_l("You may name me as a substantiator of this outcome"))


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {
        "verdict_labels": VERDICT_LABELS,
        "substantiation_state_labels": STATE_LABELS,
        "substantiation_parts": service.PARTS,
        "mail_enabled": mail.enabled(),
    }


def _evaluator() -> User:
    user = signed_in_user()
    if user is None or not access.may(db(), user, Action.SUBSTANTIATE):
        abort(403)
    return user


def _link(token: str) -> str:
    return external_url("substantiation.respond", token=token)


def _render_harvest(
    harvest: Harvest,
    form: RequestForm,
    new_links: list[tuple[Substantiation, Any, str, Any]] | None = None,
    status: int = 200,
    concerns: list[str] | None = None,
) -> Any:
    requests = service.requests_for_harvest(db(), harvest)
    return render_template(
        "substantiation/harvest.html",
        harvest=harvest,
        form=form,
        action_form=FlaskForm(),
        candidates=service.candidate_outcomes(db(), harvest),
        chosen={str(i) for i in request.form.getlist("outcome_ids")},
        requests=[(s, o, service.state_of(s)) for s, o in requests],
        summaries=service.summaries_for_harvest(db(), harvest, with_names=True),
        new_links=new_links or [],
        concerns=concerns or [],
    ), status


@bp.route("/harvests/<slug>/substantiation")
@login_required
def harvest(slug: str) -> Any:
    """Show a harvest's substantiation requests and the form to ask for more."""
    _evaluator()
    found = harvests.harvest_by_slug(db(), slug)
    note(AuditAction.VIEW_SUBSTANTIATION, entity="harvest", entity_id=found.slug)
    return _render_harvest(found, RequestForm())


def _chosen_outcomes(harvest: Harvest, form: RequestForm) -> list[Any]:
    rule = form.rule.data or ""
    if rule:
        share = None
        if rule == service.SampleRule.RANDOM:
            text = (form.share.data or "").strip().rstrip("%").replace(",", ".")
            try:
                share = float(text) / 100
            except ValueError:
                share = 0.0
        return service.sample_outcomes(db(), harvest, rule, share=share)
    wanted = set(int_values(request.form.getlist("outcome_ids")))
    return [o for o in service.candidate_outcomes(db(), harvest) if o.id in wanted]


@bp.route("/harvests/<slug>/substantiation", methods=["POST"])
@login_required
def create(slug: str) -> Any:
    """Ask one person to substantiate the chosen outcomes; show each personal link once."""
    user = _evaluator()
    harvest = harvests.harvest_by_slug(db(), slug)
    form = RequestForm()
    if not form.validate_on_submit():
        return _render_harvest(harvest, form, status=400)
    person = {
        "name": form.name.data,
        "email": form.email.data,
        "role": form.role.data,
        "expires_in_days": (form.expires_in_days.data or "").strip() or service.DEFAULT_EXPIRY_DAYS,
        "language": form.language.data or "da",
    }
    try:
        values = service.validate_request(person)
        chosen = _chosen_outcomes(harvest, form)
        if not chosen:
            form.form_errors.append(_("Choose at least one outcome, or a rule that finds some."))
            return _render_harvest(harvest, form, status=422)
        concerns = _concerns(chosen, values)
        if concerns and not form.independent.data:
            return _render_harvest(harvest, form, concerns=concerns, status=422)
        links = []
        for outcome in chosen:
            record, token = service.request_substantiation(db(), outcome, values, by=user)
            link = _link(token)
            letter = request_letter(record, outcome, harvest, link)
            links.append((record, outcome, link, letter))
    except ValidationFailed as error:
        show_errors(form, error)
        return _render_harvest(harvest, form, status=422)
    return AfterCommit(lambda: _links_made(harvest, links))


def _concerns(chosen: list[Any], values: service.SubstantiationRequest) -> list[str]:
    """Return, once each, why the person may not be independent of the chosen outcomes."""
    found: list[str] = []
    for outcome in chosen:
        for message, params in service.independence_concerns(
            db(), outcome, email=values.email, role=values.role, name=values.name
        ):
            text = translate(message, params)
            if text not in found:
                found.append(text)
    return found


def request_letter(
    record: Substantiation, outcome: Any, harvest: Harvest, link: str
) -> mail.Letter:
    """Send (or queue) the substantiation request with its personal `link`."""
    return mail.send(
        record.email,
        "substantiation_request",
        record.language,
        name=record.name,
        role=record.role,
        harvest=harvest.title,
        outcome=outcome.title,
        expires=record.expires_at.strftime("%Y-%m-%d"),
        link=link,
    )


def _links_made(harvest: Harvest, links: list[tuple[Substantiation, Any, str, Any]]) -> Any:
    """Say what was sent and show the links that were not (the request is committed)."""
    sent = sum(1 for *_rest, letter in links if letter.state == mail.MailState.SENT)
    failed = sum(1 for *_rest, letter in links if letter.state == mail.MailState.FAILED)
    if sent:
        flash(
            ngettext(
                "%(num)d request is sent by e-mail.", "%(num)d requests are sent by e-mail.", sent
            ),
            "success",
        )
    if failed:
        flash(
            ngettext(
                "%(num)d e-mail could not be sent. The request is saved: copy the link below "
                "and send it yourself.",
                "%(num)d e-mails could not be sent. The requests are saved: copy each link "
                "below and send it yourself.",
                failed,
            ),
            "error",
        )
    if len(links) > sent + failed:
        flash(
            ngettext(
                "The personal link is ready. Copy it and send it to the person.",
                "%(num)d personal links are ready. Copy each one and send it to the person.",
                len(links) - sent - failed,
            ),
            "success",
        )
    return _render_harvest(harvest, RequestForm(formdata=None), new_links=links, status=201)


def _request_of(substantiation_id: int) -> tuple[Substantiation, Harvest]:
    record = service.get_substantiation(db(), substantiation_id)
    outcome = outcomes.get_outcome(db(), record.outcome_id)
    return record, harvests.get_harvest(db(), outcome.harvest_id)


@bp.route("/substantiation/<int:substantiation_id>/reissue", methods=["POST"])
@login_required
def reissue(substantiation_id: int) -> Any:
    """Give a request a new personal link; the old one stops working."""
    user = _evaluator()
    record, harvest = _request_of(substantiation_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    token = service.reissue(db(), record, by=user)
    outcome = outcomes.get_outcome(db(), record.outcome_id)
    flash(_("A new link is ready. The old link no longer works."), "success")
    off = mail.Letter(record.email, "", record.language, state=mail.MailState.OFF)
    return _render_harvest(
        harvest, RequestForm(formdata=None), [(record, outcome, _link(token), off)]
    )


@bp.route("/substantiation/<int:substantiation_id>/revoke", methods=["POST"])
@login_required
def revoke(substantiation_id: int) -> Any:
    """Withdraw a request's personal link."""
    user = _evaluator()
    record, harvest = _request_of(substantiation_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    service.revoke(db(), record, by=user)
    flash(_("The link is withdrawn and can no longer be used."), "success")
    return redirect(url_for("substantiation.harvest", slug=harvest.slug) + "#requests")


# --- the substantiator's page ----------------------------------------------------------


def _private(body: str, status: int) -> Any:
    return body, status, PRIVATE_HEADERS


def _refused(error: service.LinkRefused) -> Any:
    page = render_template(
        "substantiation/refused.html", message=translate(error.message, error.params)
    )
    return _private(page, error.status)


@bp.route("/s/<token>", methods=["GET", "POST"])
def respond(token: str) -> Any:
    """Let a substantiator read the outcome and give their verdict, with no account."""
    try:
        record = service.find_by_token(db(), token)
    except service.LinkRefused as error:
        return _refused(error)
    form = AnswerForm()
    status = 200
    if form.validate_on_submit():
        data = {
            **{f"verdict_{p}": getattr(form, f"verdict_{p}").data for p in service.PARTS},
            **{f"comment_{p}": getattr(form, f"comment_{p}").data for p in service.PARTS},
            "consent_named": bool(form.consent_named.data),
        }
        try:
            service.answer(db(), token, data)
            return _private(render_template("substantiation/thanks.html"), 200)
        except service.LinkRefused as error:
            return _refused(error)
        except ValidationFailed as error:
            show_errors(form, error)
            status = 422
    elif request.method == "POST":
        status = 400
    outcome = outcomes.get_outcome(db(), record.outcome_id)
    page = render_template(
        "substantiation/respond.html",
        form=form,
        record=record,
        view=outcomes.outcome_view(db(), outcome),
        o=outcome,
        questions=PART_QUESTIONS,
    )
    return _private(page, status)
