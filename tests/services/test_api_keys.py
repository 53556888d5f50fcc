"""API keys: made by administrators, secret shown once and kept hashed, revocable, expiring, last use
written at most once a minute; a key acts with exactly its scopes."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.domain.errors import DomainError, Forbidden
from app.domain.permissions import Perm, Role, Scope, has_perm
from app.models import ApiKey
from app.services import api_keys
from tests import factories


def _create(db, *scopes, **kw):
    with db(write=True) as s:
        admin = factories.actor(s, Role.ADMIN)
        return admin, api_keys.create_key(session=s, actor=admin, name=kw.pop("name", "Shop"),
                                          scopes=[x.value for x in scopes], **kw)


def test_the_secret_is_shown_once_and_only_its_hash_is_kept(db):
    _, created = _create(db, Scope.CUSTOMERS_READ)
    assert api_keys.KEY_PATTERN.match(created.key)
    with db() as s:
        row = s.get(ApiKey, created.id)
        secret = created.key.split("_", 2)[2]
        assert secret not in (row.secret_hash, row.prefix) and row.secret_hash == api_keys.hash_secret(secret)
        assert created.key.startswith(f"rk_{row.prefix}_") and row.scopes == "customers:read"
        caller = api_keys.authenticate(session=s, token=created.key, lang="en")
    assert caller.actor.role is Role.INTEGRATION and caller.actor.user_id is None
    assert caller.actor.name == "API · Shop" and caller.actor.language == "en"
    assert caller.actor.scopes == {Scope.CUSTOMERS_READ}


def test_a_wrong_malformed_revoked_or_expired_key_is_nobody(db):
    admin, created = _create(db, Scope.CUSTOMERS_READ, expires_on=date(2030, 1, 31), today=date(2030, 1, 1))
    wrong = created.key[:-1] + ("A" if created.key[-1] != "A" else "B")
    with db() as s:
        assert api_keys.authenticate(session=s, token=wrong) is None
        assert api_keys.authenticate(session=s, token="rk_zz") is None
        assert api_keys.authenticate(session=s, token=None) is None
        assert api_keys.authenticate(session=s, token=created.key, now=datetime(2030, 1, 31, 23, tzinfo=UTC))
        assert api_keys.authenticate(session=s, token=created.key, now=datetime(2030, 2, 1, 0, 1, tzinfo=UTC)) is None
    with db(write=True) as s:
        api_keys.revoke_key(session=s, actor=admin, key_id=created.id)
    with db() as s:
        assert api_keys.authenticate(session=s, token=created.key, now=datetime(2030, 1, 2, tzinfo=UTC)) is None
        rows = api_keys.list_keys(session=s, actor=admin)
    assert rows[0].revoked_at is not None and not rows[0].active


def test_only_administrators_manage_keys(db):
    _, created = _create(db, Scope.CUSTOMERS_READ)
    with db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        for call in (lambda: api_keys.list_keys(session=s, actor=office),
                     lambda: api_keys.revoke_key(session=s, actor=office, key_id=created.id),
                     lambda: api_keys.create_key(session=s, actor=office, name="x", scopes=["customers:read"])):
            with pytest.raises(Forbidden):
                call()


def test_what_a_new_key_needs(db):
    with db(write=True) as s:
        admin = factories.actor(s, Role.ADMIN)
        with pytest.raises(DomainError) as refused:
            api_keys.create_key(session=s, actor=admin, name=" ", scopes=["everything"], expires_on=date(2020, 1, 1),
                                webhook_url="ftp://example.com/x")
    assert set(refused.value.errors) == {"name", "scopes", "expires_on", "webhook_url"}


def test_the_last_use_is_written_at_most_once_a_minute(db):
    _, created = _create(db, Scope.CUSTOMERS_READ)
    start = datetime(2031, 5, 1, 10, tzinfo=UTC)
    for seconds, stale in ((0, True), (30, False), (59, False), (61, True)):
        now = start + timedelta(seconds=seconds)
        with db() as s:
            caller = api_keys.authenticate(session=s, token=created.key, now=now)
        assert caller.stale_last_use is stale, seconds
        if stale:
            with db(write=True) as s:
                api_keys.touch(session=s, key_id=created.id, now=now)
    with db() as s:
        assert s.get(ApiKey, created.id).last_used_at.replace(tzinfo=UTC) == start + timedelta(seconds=61)


def test_a_key_may_do_exactly_what_its_scopes_allow(db):
    _, created = _create(db, Scope.CONSENTS_WRITE)
    with db() as s:
        actor = api_keys.authenticate(session=s, token=created.key).actor
    assert has_perm(actor, Perm.CONSENTS_RECORD) and has_perm(actor, Perm.CUSTOMERS_READ)
    for perm in set(Perm) - {Perm.CONSENTS_RECORD, Perm.CUSTOMERS_READ}:
        assert not has_perm(actor, perm), perm
