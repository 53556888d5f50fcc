"""Blocks set and lifted by the people allowed to, each a movement, and enforced by the services."""

import pytest
from sqlmodel import select

from app.domain.errors import DomainError, Forbidden
from app.domain.permissions import Role
from app.domain.vocabularies import CreditAction, Effect
from app.models import Customer, Movement, Ticket
from app.services import blocks, customers, tickets
from tests import factories

ACME = {"kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157"}


@pytest.fixture
def world(db):
    with db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        acme = customers.create_customer(session=s, actor=office, raw=ACME)
        return {
            "office": office, "acme": acme.id,
            "credit": factories.actor(s, Role.CREDIT_MANAGER), "admin": factories.actor(s, Role.ADMIN),
            "technician": factories.actor(s, Role.TECHNICIAN),
            "customer": factories.actor(s, Role.CUSTOMER, customer_id=acme.id),
        }


def _level(db, customer_id):
    with db() as s:
        return s.get(Customer, customer_id).block_level


def test_a_credit_manager_sets_and_lifts_blocks_and_the_highest_is_the_customers_level(db, world):
    with db(write=True) as s:
        assistance = blocks.set_block(session=s, actor=world["credit"], customer_id=world["acme"],
                                      raw={"level": "assistance", "reason": "Contratto scaduto"})
        assistance_id = assistance.id
    assert _level(db, world["acme"]) == "assistance"
    with db(write=True) as s:
        unpaid = blocks.set_block(session=s, actor=world["admin"], customer_id=world["acme"],
                                  raw={"level": "unpaid", "reason": "RiBa insoluta"}).id
    assert _level(db, world["acme"]) == "unpaid"
    with db(write=True) as s:
        blocks.lift_block(session=s, actor=world["credit"], customer_id=world["acme"], block_id=unpaid,
                          raw={"note": "Pagato con bonifico"})
    assert _level(db, world["acme"]) == "assistance"
    with db() as s:
        rows = blocks.list_blocks(session=s, actor=world["office"], customer_id=world["acme"])
        kinds = [m.kind for m in s.exec(select(Movement).where(Movement.kind.startswith("block.")))]
    assert [(r.level, r.active) for r in rows] == [("assistance", True), ("unpaid", False)]
    assert rows[1].lift_note == "Pagato con bonifico" and rows[1].lifted_by == world["credit"].name
    assert kinds == ["block.set", "block.set", "block.lifted"]
    with db(write=True) as s:
        blocks.lift_block(session=s, actor=world["credit"], customer_id=world["acme"], block_id=assistance_id)
    assert _level(db, world["acme"]) is None


@pytest.mark.parametrize("who", ["office", "technician", "customer"])
def test_nobody_else_sets_or_lifts_a_block(db, world, who):
    with db(write=True) as s:
        block_id = blocks.set_block(session=s, actor=world["credit"], customer_id=world["acme"],
                                    raw={"level": "unpaid", "reason": "RiBa insoluta"}).id
    with db(write=True) as s, pytest.raises(Forbidden):
        blocks.set_block(session=s, actor=world[who], customer_id=world["acme"],
                         raw={"level": "stuck", "reason": "x"})
    with db(write=True) as s, pytest.raises(Forbidden):
        blocks.lift_block(session=s, actor=world[who], customer_id=world["acme"], block_id=block_id)
    assert _level(db, world["acme"]) == "unpaid"


def test_bad_input_is_named_and_nothing_is_written(db, world):
    for raw, expected in (({"level": "nope", "reason": "x"}, {"level": "blocks.err.level"}),
                          ({"level": "unpaid", "reason": "  "}, {"reason": "form.err.required"}),
                          ({"level": ["unpaid"], "reason": "x" * 501},
                           {"level": "form.err.value", "reason": "form.err.too_long"})):
        with db(write=True) as s, pytest.raises(DomainError) as refused:
            blocks.set_block(session=s, actor=world["credit"], customer_id=world["acme"], raw=raw)
        assert refused.value.errors == expected
    with db(write=True) as s:
        blocks.set_block(session=s, actor=world["credit"], customer_id=world["acme"],
                         raw={"level": "unpaid", "reason": "RiBa"})
    with db(write=True) as s, pytest.raises(DomainError) as refused:
        blocks.set_block(session=s, actor=world["credit"], customer_id=world["acme"],
                         raw={"level": "unpaid", "reason": "di nuovo"})
    assert refused.value.errors == {"level": "blocks.err.already_active"}
    with db(write=True) as s, pytest.raises(DomainError):
        blocks.lift_block(session=s, actor=world["credit"], customer_id=world["acme"], block_id=999_999)
    with db() as s:
        assert len(blocks.list_blocks(session=s, actor=world["credit"], customer_id=world["acme"])) == 1


def test_a_block_of_another_customer_cannot_be_lifted_through_this_one(db, world):
    with db(write=True) as s:
        other = customers.create_customer(session=s, actor=world["office"], raw={
            **ACME, "company_name": "Beta", "vat_number": "01114601006"}).id
        foreign = blocks.set_block(session=s, actor=world["credit"], customer_id=other,
                                   raw={"level": "stuck", "reason": "x"}).id
    with db(write=True) as s, pytest.raises(DomainError):
        blocks.lift_block(session=s, actor=world["credit"], customer_id=world["acme"], block_id=foreign)
    assert _level(db, other) == "stuck"


def test_an_assistance_block_refuses_support_requests_in_the_service(db, world):
    with db(write=True) as s:
        blocks.set_block(session=s, actor=world["credit"], customer_id=world["acme"],
                         raw={"level": "assistance", "reason": "Contratto scaduto"})
    with db(write=True) as s, pytest.raises(DomainError) as refused:
        tickets.open_ticket(session=s, actor=world["customer"], raw={"subject": "Guasto", "body": "Non parte"})
    assert refused.value.message_key == "blocks.refused.new_ticket"
    with db() as s:
        assert s.exec(select(Ticket)).all() == []
        assert blocks.effect_for(s, world["acme"], CreditAction.NEW_ORDER) is Effect.ALLOW


def test_the_settings_table_changes_what_a_block_does(db, world):
    with db(write=True) as s:
        blocks.set_block(session=s, actor=world["credit"], customer_id=world["acme"],
                         raw={"level": "assistance", "reason": "x"})
        with pytest.raises(Forbidden):
            blocks.save_effects(session=s, actor=world["credit"], choices={"assistance:new_ticket": "allow"})
        table = blocks.save_effects(session=s, actor=world["admin"], choices={"assistance:new_ticket": "allow"})
        assert table["assistance", "new_ticket"] is Effect.ALLOW and table["unpaid", "new_order"] is Effect.REFUSE
    with db(write=True) as s:
        tickets.open_ticket(session=s, actor=world["customer"], raw={"subject": "Guasto", "body": "Non parte"})
        blocks.forget_effects(session=s, actor=world["admin"])
    with db() as s:
        assert blocks.effect_for(s, world["acme"], CreditAction.NEW_TICKET) is Effect.REFUSE


def test_the_list_filters_and_shows_blocked_customers(db, world):
    with db(write=True) as s:
        blocks.set_block(session=s, actor=world["credit"], customer_id=world["acme"],
                         raw={"level": "overdue", "reason": "x"})
        customers.create_customer(session=s, actor=world["office"], raw={
            **ACME, "company_name": "Beta", "vat_number": "01114601006"})
    with db() as s:
        def names(**kw):
            return [(r.name, r.block_level) for r in customers.search_customers(session=s, actor=world["office"],
                                                                                **kw).rows]
        assert names(block="any") == [("Acme S.r.l.", "overdue")]
        assert names(block="overdue") == [("Acme S.r.l.", "overdue")]
        assert names(block="unpaid") == []
        assert len(names(block="nonsense")) == 2
        assert names(query="acme", block="any") == [("Acme S.r.l.", "overdue")]
