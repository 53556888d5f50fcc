import hashlib

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from app.domain import consent_rules as rules
from app.domain.errors import DomainError, Forbidden
from app.domain.permissions import Role
from app.models import ConsentEvent, ConsentText, ConsentType, Movement
from app.services import consents, customers
from tests import factories

ACME = {"kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157", "phone": "02 7654321"}


@pytest.fixture
def world(db):
    with db(write=True) as s:
        consents.ensure_default_types(s)
        office = factories.actor(s, Role.OFFICE)
        admin = factories.actor(s, Role.ADMIN)
        acme = customers.create_customer(session=s, actor=office, raw=ACME)
        anna = customers.save_contact(session=s, actor=office, customer_id=acme.id, raw={
            "first_name": "Anna", "last_name": "Neri", "email": "anna@acme.it"})
        types = {t.code: t.id for t in s.exec(select(ConsentType))}
        return {"office": office, "admin": admin, "acme": acme.id, "anna": anna.id, "types": types}


def record(db, world, code, state, contact=None, actor=None, **kw):
    with db(write=True) as s:
        return consents.record_consent(session=s, actor=actor or world["office"], customer_id=world["acme"],
                                       contact_id=contact, type_id=world["types"][code], state=state, **kw)


def states(db, world, contact=None):
    with db() as s:
        current = consents.current_consents(session=s, actor=world["office"], customer_id=world["acme"])
    return {row.code: row.state for row in current[contact]}


def test_every_consent_starts_unknown_for_the_customer_and_each_contact(db, world):
    assert set(states(db, world).values()) == {"unknown"}
    assert set(states(db, world, world["anna"]).values()) == {"unknown"}
    assert set(states(db, world)) == {"trattamento_dati", "newsletter", "marketing", "profilazione", "fattura_email"}


def test_current_state_is_the_newest_event(db, world):
    record(db, world, "marketing", "granted")
    record(db, world, "marketing", "refused")
    record(db, world, "newsletter", "granted", contact=world["anna"])
    assert states(db, world)["marketing"] == "refused"
    assert states(db, world, world["anna"])["newsletter"] == "granted"
    assert states(db, world)["newsletter"] == "unknown"  # the customer's own is a different subject
    with db() as s:
        rows = consents.history(session=s, actor=world["office"], customer_id=world["acme"], contact_id=None,
                                type_id=world["types"]["marketing"])
    assert [event.state for event, _ in rows] == ["refused", "granted"]
    assert record(db, world, "marketing", "refused") is None  # the same state again proves nothing new


def test_a_channel_consent_needs_its_contact_data(db, world):
    with pytest.raises(DomainError) as err:
        record(db, world, "newsletter", "granted")  # Acme has no e-mail
    assert err.value.errors == {"state": "consents.err.needs_email"}
    record(db, world, "newsletter", "refused")  # refusing needs nothing
    record(db, world, "marketing", "granted")  # phone channel: Acme has a phone
    with pytest.raises(DomainError) as err:
        record(db, world, "marketing", "granted", contact=world["anna"])  # Anna has no phone
    assert err.value.errors == {"state": "consents.err.needs_phone"}


def test_only_users_with_the_right_record_consents_and_only_for_real_subjects(db, world):
    with db(write=True) as s:
        credit = factories.actor(s, Role.CREDIT_MANAGER)
        other = customers.create_customer(session=s, actor=world["office"], raw={
            **ACME, "company_name": "Beta", "vat_number": "01114601006"})
        foreign = customers.save_contact(session=s, actor=world["office"], customer_id=other.id,
                                         raw={"first_name": "Bea", "last_name": "Bo"})
        client = factories.actor(s, Role.CUSTOMER, customer_id=other.id)
    with pytest.raises(Forbidden):
        record(db, world, "profilazione", "granted", actor=credit)
    with pytest.raises(Forbidden):
        record(db, world, "profilazione", "granted", actor=client)
    with pytest.raises(DomainError) as err:
        record(db, world, "profilazione", "granted", contact=foreign.id)
    assert err.value.errors == {"": "consents.err.subject_not_found"}
    with pytest.raises(DomainError):
        record(db, world, "profilazione", "maybe")
    with db() as s:
        assert s.exec(select(ConsentEvent)).all() == []


@pytest.mark.parametrize("statement", [
    "UPDATE consent_event SET state = 'granted'",
    "DELETE FROM consent_event",
])
def test_the_ledger_refuses_updates_and_deletes_in_the_database_itself(db, world, statement):
    record(db, world, "profilazione", "refused")
    with pytest.raises(DBAPIError), db(write=True) as s:
        s.exec(sa.text(statement))
    with db() as s:
        [event] = s.exec(select(ConsentEvent)).all()
    assert event.state == "refused"


def test_text_versions_and_their_hashes(db, world):
    type_id = world["types"]["newsletter"]
    with db() as s:
        original = consents.latest_text(s, type_id)
    record(db, world, "newsletter", "granted", contact=world["anna"])
    new_body = original.body + " Frequenza: mensile."
    with db(write=True) as s:
        consent_type = s.get(ConsentType, type_id)
        consents.save_type(session=s, actor=world["admin"], type_id=type_id, raw={
            "code": consent_type.code, "title": consent_type.title, "channel": consent_type.channel,
            "body": new_body, "position": consent_type.position, "active": True})
    with db() as s:
        texts = s.exec(select(ConsentText).where(ConsentText.consent_type_id == type_id)
                       .order_by(ConsentText.version)).all()
        [event] = s.exec(select(ConsentEvent)).all()
    assert [t.version for t in texts] == [1, 2]
    assert texts[0].body == original.body  # the old version stays readable
    assert texts[1].sha256 == hashlib.sha256(new_body.encode()).hexdigest()
    assert event.text_sha256 == texts[0].sha256 and event.consent_text_id == texts[0].id
    with db() as s:
        current = consents.current_consents(session=s, actor=world["office"], customer_id=world["acme"])
    anna = next(r for r in current[world["anna"]] if r.code == "newsletter")
    assert (anna.version, anna.latest_version) == (1, 2)


def test_who_consented_to_an_older_text_must_be_asked_again(db, world):
    type_id = world["types"]["profilazione"]
    record(db, world, "profilazione", "granted")
    record(db, world, "profilazione", "refused", contact=world["anna"])
    with db(write=True) as s:
        t = s.get(ConsentType, type_id)
        consents.save_type(session=s, actor=world["admin"], type_id=type_id, raw={
            "code": t.code, "title": t.title, "channel": t.channel, "body": "Testo nuovo.", "active": True})
    with db() as s:
        [stale] = consents.reconsent_list(session=s, actor=world["office"], type_id=type_id)
    assert (stale.customer_id, stale.contact_id) == (world["acme"], None)  # a refusal needs no new ask
    record(db, world, "profilazione", "granted")  # asked again, on the new text
    with db() as s:
        assert consents.reconsent_list(session=s, actor=world["office"], type_id=type_id) == []


def test_signature_missing_where_required(db, world):
    record(db, world, "trattamento_dati", "granted")
    with db() as s:
        row = next(r for r in consents.current_consents(session=s, actor=world["office"],
                                                        customer_id=world["acme"])[None]
                   if r.code == "trattamento_dati")
    assert row.signature_missing
    record(db, world, "trattamento_dati", "granted", signature_collected=True)
    with db() as s:
        row = next(r for r in consents.current_consents(session=s, actor=world["office"],
                                                        customer_id=world["acme"])[None]
                   if r.code == "trattamento_dati")
    assert not row.signature_missing


def test_each_change_is_a_movement(db, world):
    record(db, world, "marketing", "granted")
    with db() as s:
        [movement] = s.exec(select(Movement).where(Movement.kind == "consent.changed")).all()
        title = s.get(ConsentType, world["types"]["marketing"]).title
    assert (movement.field, movement.before, movement.after) == (None, "unknown", "granted")
    assert movement.summary.startswith(f"{title} · Acme S.r.l.")


def test_consent_types_are_managed_by_administrators_with_valid_data(db, world):
    with db(write=True) as s, pytest.raises(Forbidden):
        consents.save_type(session=s, actor=world["office"], raw={"code": "x1", "title": "X", "body": "B"})
    with db(write=True) as s, pytest.raises(DomainError) as err:
        consents.save_type(session=s, actor=world["admin"], raw={"code": "Bad Code", "title": "", "body": "",
                                                                  "channel": "fax"})
    assert set(err.value.errors) == {"code", "title", "body", "channel"}
    with db(write=True) as s, pytest.raises(DomainError) as err:
        consents.save_type(session=s, actor=world["admin"], raw={"code": "newsletter", "title": "X", "body": "B"})
    assert err.value.errors == {"code": "consents.err.code_taken"}
    assert rules.channel_needs("post", {"street": "Via Roma 1", "city": "Roma"}) is None


def test_customer_users_answer_for_their_company_and_themselves_from_the_reserved_area(db, world):
    with db(write=True) as s:
        client = factories.actor(s, Role.CUSTOMER, customer_id=world["acme"], email="anna@acme.it")
        other_contact = customers.save_contact(session=s, actor=world["office"], customer_id=world["acme"],
                                               raw={"first_name": "Ugo", "last_name": "Blu", "email": "ugo@acme.it"})
    record(db, world, "newsletter", "granted", contact=world["anna"], actor=client, source="portal")
    record(db, world, "newsletter", "refused", contact=world["anna"], actor=client, source="portal")
    record(db, world, "profilazione", "refused", actor=client, source="portal")
    with pytest.raises(Forbidden):
        record(db, world, "profilazione", "granted", actor=client, source="office")
    with pytest.raises(Forbidden):
        record(db, world, "newsletter", "refused", contact=other_contact.id, actor=client, source="portal")
    with db() as s:
        mine = consents.portal_consents(session=s, actor=client)
        [last] = s.exec(select(ConsentEvent).order_by(ConsentEvent.id.desc()).limit(1)).all()
    assert set(mine.subjects) == {None, world["anna"]}
    assert {r.code: r.state for r in mine.subjects[world["anna"]][1]}["newsletter"] == "refused"
    assert last.source == "portal" and last.actor_label == client.name and last.actor_name == ""
    assert "newsletter" in " ".join(mine.texts.values()).lower()
