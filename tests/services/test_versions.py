"""The card as of a date: a customer goes through a scripted history, and the card rebuilt for the moment
after each step equals what the card showed at that step."""

import json
import time

import pytest
from sqlmodel import select

from app.domain.errors import Forbidden
from app.domain.permissions import Role
from app.models import ChangeRequestItem, Customer
from app.models.base import utcnow
from app.services import blocks, change_requests, consents, customers, versions
from tests import factories

ACME = {"kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157", "email": "info@acme.it",
        "phone": "02 1234567", "city": "Milano", "province": "MI"}


def _shown(session, customer_id) -> dict:
    """What the card shows today, read the ordinary way."""
    office = factories.actor(session, Role.OFFICE)
    customer = session.get(Customer, customer_id)
    plain = lambda record, names: json.loads(versions._data(record, names))  # noqa: E731
    titles = {row.type_id: row.title for row in consents.current_consents(session=session, actor=office,
                                                                           customer_id=customer_id)[None]}
    current = consents.current_consents(session=session, actor=office, customer_id=customer_id)
    return {
        "fields": plain(customer, versions.TRACKED[Customer][1]),
        "contacts": {c.id: plain(c, versions.TRACKED[type(c)][1])
                     for c in customers.list_contacts(session=session, actor=office, customer_id=customer_id)},
        "sites": {s.id: plain(s, versions.TRACKED[type(s)][1])
                  for s in customers.list_sites(session=session, actor=office, customer_id=customer_id)},
        "consents": {(subject, titles[row.type_id]): row.state for subject, rows in current.items() for row in rows
                     if row.state != "unknown"},
        "blocks": {(b.level, b.reason) for b in blocks.list_blocks(session=session, actor=office,
                                                                    customer_id=customer_id) if b.active},
    }


def _then(card: versions.CardThen) -> dict:
    return {
        "fields": {f.name: f.then for f in card.fields},
        "contacts": {r.subject_id: r.then for r in card.contacts if r.then is not None},
        "sites": {r.subject_id: r.then for r in card.sites if r.then is not None},
        "consents": {(c.contact_id, c.type_title): c.then for c in card.consents if c.then != "unknown"},
        "blocks": {(b.level, b.reason) for b in card.blocks if b.active_then},
    }


def test_the_card_at_every_step_of_a_scripted_history(db):
    with db(write=True) as s:
        consents.ensure_default_types(s)
        office, admin = factories.actor(s, Role.OFFICE), factories.actor(s, Role.ADMIN)
        credit = factories.actor(s, Role.CREDIT_MANAGER)
        before_anything = utcnow()
        acme = customers.create_customer(session=s, actor=office, raw=ACME).id
        client = factories.actor(s, Role.CUSTOMER, customer_id=acme)
    types = {}
    state = {"contact": None, "site": None, "block": None, "version": 1}

    def request_and(decision, raw):
        with db(write=True) as s:
            change_requests.submit_request(session=s, actor=client, customer_id=acme, raw=raw, source="portal")
            pending = s.exec(select(ChangeRequestItem).where(ChangeRequestItem.customer_id == acme,
                                                             ChangeRequestItem.state == "pending")).all()
            assert pending, "the portal's change waits for the office"
            change_requests.decide(session=s, actor=office, customer_id=acme,
                                   decisions={item.id: decision for item in pending})

    def edit(**changes):
        with db(write=True) as s:
            customer = s.get(Customer, acme)
            raw = {**customers.current_values(customer), **changes}
            customers.update_customer(session=s, actor=office, customer_id=acme, raw=raw,
                                      expected_version=customer.version)

    def consent(code, value):
        with db(write=True) as s:
            if not types:
                types.update({row.code: row.type_id for row in consents.current_consents(
                    session=s, actor=office, customer_id=acme)[None]})
            consents.record_consent(session=s, actor=office, customer_id=acme, contact_id=None,
                                    type_id=types[code], state=value)

    def add_contact():
        with db(write=True) as s:
            state["contact"] = customers.save_contact(session=s, actor=office, customer_id=acme, raw={
                "first_name": "Mario", "last_name": "Verdi", "email": "mario@acme.it"}).id

    def edit_contact():
        with db(write=True) as s:
            customers.save_contact(session=s, actor=office, customer_id=acme, contact_id=state["contact"], raw={
                "first_name": "Mario", "last_name": "Verdi", "email": "mario@acme.it", "role": "Acquisti"})

    def sites():
        with db(write=True) as s:
            first = customers.save_site(session=s, actor=office, customer_id=acme, raw={
                "name": "Magazzino", "city": "Lodi", "province": "LO", "is_default": True}).id
            state["site"] = customers.save_site(session=s, actor=office, customer_id=acme, raw={
                "name": "Cantiere", "city": "Pavia", "province": "PV", "is_default": True}).id
            assert first != state["site"]

    def block():
        with db(write=True) as s:
            state["block"] = blocks.set_block(session=s, actor=credit, customer_id=acme,
                                              raw={"level": "assistance", "reason": "Contratto scaduto"}).id

    def lift_and_remove():
        with db(write=True) as s:
            blocks.lift_block(session=s, actor=credit, customer_id=acme, block_id=state["block"])
            customers.remove_site(session=s, actor=office, customer_id=acme, site_id=state["site"])

    steps = [
        lambda: edit(phone="02 7654321"),
        add_contact,
        lambda: request_and("accept", {"email": "amministrazione@acme.it"}),
        lambda: request_and("ignore", {"pec": "acme@pec.it"}),
        lambda: consent("newsletter", "granted"),
        sites,
        block,
        edit_contact,
        lambda: consent("newsletter", "refused"),
        lift_and_remove,
    ]
    moments, expected = [], []
    for step in [lambda: None, *steps]:
        step()
        time.sleep(0.002)  # each moment strictly between two steps
        moments.append(utcnow())
        with db() as s:
            expected.append(_shown(s, acme))
        time.sleep(0.002)
    with db() as s:
        for number, (moment, shown) in enumerate(zip(moments, expected, strict=True)):
            card = versions.card_as_of(session=s, actor=office, customer_id=acme, at=moment)
            assert card.existed and _then(card) == shown, f"step {number}"
        before = versions.card_as_of(session=s, actor=admin, customer_id=acme, at=before_anything)
        assert not before.existed and all(r.then is None for r in before.contacts)
        after_edit = versions.card_as_of(session=s, actor=office, customer_id=acme, at=moments[1])
        assert [f.name for f in after_edit.fields if f.changed] == ["email"]  # changed since, by the request
        states = {r.subject_id: r.state for r in after_edit.sites}
        assert set(states.values()) == {"added"}  # both sites came later; one was removed again
    assert {e["fields"]["email"] for e in expected} == {"info@acme.it", "amministrazione@acme.it"}
    assert expected[4]["fields"]["pec"] is None  # the ignored request changed nothing


def test_only_staff_who_read_the_customer_see_its_past(db):
    with db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        acme = customers.create_customer(session=s, actor=office, raw=ACME).id
        technician = factories.actor(s, Role.TECHNICIAN)
        client = factories.actor(s, Role.CUSTOMER, customer_id=acme)
    with db() as s:
        for who in (technician, client):
            with pytest.raises(Forbidden):
                versions.card_as_of(session=s, actor=who, customer_id=acme, at=utcnow())
