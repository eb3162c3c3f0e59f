"""Signing in and out, with CSRF protection on every form."""

import re

import pytest

from app import create_app
from tests.conftest import PASSWORD


@pytest.fixture
def evaluator(session, create_user):
    user = create_user()
    session.commit()
    return user


def _login(client, email="evaluator@example.dk", password=PASSWORD, **query):
    return client.post("/login", data={"email": email, "password": password}, query_string=query)


def test_sign_in_and_out(client, evaluator):
    response = _login(client)
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Log ud" in page and "evaluator" in page
    response = client.post("/logout")
    assert response.status_code == 302
    assert "Log ind" in client.get("/").get_data(as_text=True)


def test_wrong_password_says_so_and_keeps_you_out(client, evaluator):
    response = _login(client, password="wrong-password")
    assert response.status_code == 422
    assert "Forkert e-mail eller adgangskode" in response.get_data(as_text=True)
    assert "Log ind" in client.get("/").get_data(as_text=True)


def test_next_only_redirects_within_the_site(client, evaluator):
    assert _login(client, next="/healthz").headers["Location"] == "/healthz"
    client.post("/logout")
    assert _login(client, next="https://evil.example/").headers["Location"] == "/"
    client.post("/logout")
    assert _login(client, next="//evil.example/").headers["Location"] == "/"


def test_logout_by_get_only_asks_to_confirm(client, evaluator):
    _login(client)
    page = client.get("/logout").get_data(as_text=True)
    assert "<form" in page
    assert "Log ud" in client.get("/").get_data(as_text=True)


def test_forms_without_csrf_token_are_refused(database_url, session, create_user):
    create_user()
    session.commit()
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "x"})
    client = app.test_client()
    response = client.post("/login", data={"email": "evaluator@example.dk", "password": PASSWORD})
    assert response.status_code == 400
    assert "Formularen" in response.get_data(as_text=True)
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    ok = client.post(
        "/login", data={"email": "evaluator@example.dk", "password": PASSWORD, "csrf_token": token}
    )
    assert ok.status_code == 302
    app.extensions["brobyg.engine"].dispose()


@pytest.mark.parametrize(
    ("lang", "required", "too_long", "heading"),
    [
        ("da", "Feltet skal udfyldes.", "Feltet må højst være 254 tegn langt.", "Se på"),
        ("en", "This field is required.", "Field cannot be longer than 254 characters.", "Please"),
    ],
)
def test_sign_in_errors_speak_the_page_language_and_are_summed_up_at_the_top(
    client, lang, required, too_long, heading
):
    response = client.post(f"/login?lang={lang}", data={"email": "x" * 300, "password": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    start = page.index('class="error-summary"')
    summary = page[start : page.index("</ul>", start)]
    assert heading in summary
    assert '<a href="#email">' in summary and too_long in summary
    assert '<a href="#password">' in summary and required in summary
    assert page.index('class="error-summary"') < page.index('name="email"')
    assert 'src="/static/js/forms.js' in page  # moves the focus to the summary


def test_every_form_speaks_the_page_language(app):
    """Every form class (all defined once the app is made) has the translated messages."""
    from flask_wtf import FlaskForm

    from app.translated_forms import Form

    def every(cls: type) -> list[type]:
        return [cls, *(c for sub in cls.__subclasses__() for c in every(sub))]

    stray = [c.__qualname__ for c in every(FlaskForm)[1:] if not issubclass(c, Form)]
    assert stray == []


def test_every_built_in_form_message_has_a_danish_translation():
    from app.i18n import catalogues
    from app.translated_forms import builtin_messages

    danish = catalogues()[0]
    untranslated = [m for m in builtin_messages(lambda m: m, lambda s, p, n: s) if danish(m) == m]
    assert untranslated == []
