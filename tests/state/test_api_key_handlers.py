"""Impostazioni, API keys: only administrators create, see and revoke them; a new key is shown once."""

import pytest
from sqlmodel import select

from app.domain.errors import Forbidden, NotSignedIn
from app.domain.permissions import Role
from app.models import ApiKey
from app.services import api_keys
from app.state.api_keys import ApiKeysState
from tests.state.conftest import signed_in_token, state_of

FORM = {"name": "Negozio", "scope_customers_read": "on", "scope_consents_write": "on", "expires_on": "",
        "webhook_url": ""}


@pytest.mark.parametrize("role", [Role.OFFICE, Role.CREDIT_MANAGER, Role.TECHNICIAN, Role.CUSTOMER, None])
async def test_only_administrators_manage_keys(app_db, role):
    token = signed_in_token(app_db, role)[1] if role else ""
    state = state_of(ApiKeysState, token)
    state.open_dialogs = ["api_key"]
    expected = NotSignedIn if role is None else Forbidden
    for call in (state.new_api_key, lambda: state.create_api_key(FORM), lambda: state.ask_revoke(1),
                 state.confirm_revoke):
        with pytest.raises(expected):
            await call()
    with app_db() as s:
        assert s.exec(select(ApiKey)).first() is None


async def test_a_key_is_created_shown_once_and_revoked_after_confirming(app_db):
    _, token = signed_in_token(app_db, Role.ADMIN)
    state = state_of(ApiKeysState, token)
    await state.load_api_keys()
    await state.create_api_key(FORM)  # the dialog was never opened: nothing happens
    assert state.shown_key == ""
    await state.new_api_key()
    await state.create_api_key({"name": "", "expires_on": "2001-01-01", "webhook_url": "mailto:x"})
    assert set(state.api_key_errors) == {"name", "scopes", "expires_on", "webhook_url"}
    await state.create_api_key({**FORM, "webhook_url": "https://shop.example/hooks"})
    assert state.api_key_errors == {} and state.open_dialogs == ["api_key_shown"]
    assert api_keys.KEY_PATTERN.match(state.shown_key) and state.shown_webhook_secret.startswith("whsec_")
    [row] = state.api_key_rows
    assert row.active and row.scopes == "consents:write, customers:read"
    assert state.shown_key.startswith(row.prefix.removesuffix("…"))
    with app_db() as s:
        assert s.exec(select(ApiKey)).one().secret_hash not in state.shown_key
    await state.forget_shown_key()
    assert state.shown_key == "" and state.shown_webhook_secret == "" and state.open_dialogs == []
    await state.ask_revoke(str(row.id))
    await state.confirm_revoke()
    assert not state.api_key_rows[0].active and state.api_key_rows[0].revoked
    with app_db() as s:
        assert s.exec(select(ApiKey)).one().revoked_at is not None
