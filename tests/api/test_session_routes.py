"""Sign-in and sign-out through the backend's HTTP routes: the session cookie is HttpOnly, SameSite=Strict and,
behind HTTPS, Secure; a copied token is worth nothing once its owner has signed out."""

import dataclasses

import pytest
from starlette.testclient import TestClient

from app.api import session as session_routes
from app.api.routes import api, consent_form_path
from app.api.session import SESSION_PATH, SIGN_OUT_PATH
from app.domain.permissions import Role
from app.services import auth, consents, customers
from app.services.auth import DEVICE_COOKIE, SESSION_COOKIE
from app.settings import get_settings
from tests import factories
from tests.factories import PASSWORD

ORIGIN = {"Origin": get_settings().public_base_url}


@pytest.fixture
def office(app_db):
    with app_db(write=True) as s:
        consents.ensure_default_types(s)
        user = factories.user(s, Role.OFFICE, email="ufficio@example.com")
        customer = customers.create_customer(session=s, actor=auth.actor_of(user), raw={
            "kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157"})
    return {"email": user.email, "customer": customer.id}


def _cookie_lines(answer) -> dict[str, str]:  # noqa: ANN001
    return {line.split("=", 1)[0]: line for line in answer.headers.get_list("set-cookie")}


def test_signing_in_sets_an_http_only_strict_cookie_and_never_shows_the_token(app_db, office):
    answer = TestClient(api).post(SESSION_PATH, data={"email": office["email"], "password": PASSWORD}, headers=ORIGIN)
    assert answer.status_code == 200 and answer.json() == {"home": "/office"}
    cookies = _cookie_lines(answer)
    session = cookies[SESSION_COOKIE]
    assert "HttpOnly" in session and "SameSite=strict" in session and "Path=/" in session
    assert "Secure" not in session  # plain HTTP here: a Secure cookie would never come back
    assert "HttpOnly" in cookies[DEVICE_COOKIE]
    assert answer.cookies[SESSION_COOKIE] not in answer.text


def test_behind_https_the_cookie_is_secure(app_db, office, monkeypatch):
    https = dataclasses.replace(get_settings(), public_base_url="https://anagrafica.example.com",
                                cors_origins=("https://anagrafica.example.com",))
    monkeypatch.setattr(session_routes, "get_settings", lambda: https)
    answer = TestClient(api).post(SESSION_PATH, data={"email": office["email"], "password": PASSWORD},
                                  headers={"Origin": "https://anagrafica.example.com"})
    assert answer.status_code == 200
    assert "Secure" in _cookie_lines(answer)[SESSION_COOKIE]


def test_a_refused_sign_in_says_why_and_sets_nothing(app_db, office):
    answer = TestClient(api).post(SESSION_PATH, data={"email": office["email"], "password": "Sbagliata-123"},
                                  headers=ORIGIN)
    assert answer.status_code == 401 and answer.json()["error"].startswith("E-mail o password non corretti.")
    assert SESSION_COOKIE not in _cookie_lines(answer)


@pytest.mark.parametrize("headers", [{}, {"Origin": "https://evil.example.com"}, {"Origin": "null"}])
def test_another_site_can_neither_sign_in_nor_out(app_db, office, headers):
    client = TestClient(api)
    assert client.post(SESSION_PATH, data={"email": office["email"], "password": PASSWORD},
                       headers=headers).status_code == 403
    assert client.post(SIGN_OUT_PATH, headers=headers).status_code == 403


def test_a_copied_token_is_worth_nothing_after_sign_out(app_db, office):
    """Replay: someone copied the cookie while the user was signed in; the user signs out; the copy fails."""
    owner = TestClient(api)
    assert owner.post(SESSION_PATH, data={"email": office["email"], "password": PASSWORD},
                      headers=ORIGIN).status_code == 200
    stolen = owner.cookies[SESSION_COOKIE]
    thief = TestClient(api, cookies={SESSION_COOKIE: stolen})
    assert thief.get(consent_form_path(office["customer"])).status_code == 200

    signed_out = owner.post(SIGN_OUT_PATH, headers=ORIGIN)
    assert signed_out.status_code == 200 and signed_out.json() == {"home": "/login"}
    assert "Max-Age=0" in _cookie_lines(signed_out)[SESSION_COOKIE]
    assert SESSION_COOKIE not in owner.cookies

    assert thief.get(consent_form_path(office["customer"])).status_code == 401
    with app_db() as s:
        assert auth.resolve_session(session=s, token=stolen) is None
