"""Block handlers called as the browser could call them: only credit managers and administrators act."""

import pytest
from sqlmodel import select

from app.domain.errors import Forbidden, NotSignedIn
from app.domain.permissions import Role
from app.models import Customer, CustomerBlock, CustomerCredit
from app.services import blocks, customers
from app.state.blocks import BlockEffectsState, BlocksTab
from tests import factories
from tests.state.conftest import card_tab, opened_card, signed_in_token, state_of

ACME = {"kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157"}


@pytest.fixture
def acme(app_db):
    with app_db(write=True) as s:
        customer = customers.create_customer(session=s, actor=factories.actor(s, Role.OFFICE), raw=ACME)
        block = blocks.set_block(session=s, actor=factories.actor(s, Role.CREDIT_MANAGER), customer_id=customer.id,
                                 raw={"level": "unpaid", "reason": "RiBa insoluta"})
        return {"id": customer.id, "block": block.id}


def _blocks(db):
    with db() as s:
        return [(b.level, b.lifted_at is None) for b in s.exec(select(CustomerBlock))]


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.OFFICE, Role.CUSTOMER, None])
async def test_only_credit_managers_and_administrators_set_or_lift(app_db, acme, role):
    kw = {"customer_id": acme["id"]} if role is Role.CUSTOMER else {}
    token = signed_in_token(app_db, role, **kw)[1] if role else ""
    tab = card_tab(BlocksTab, token, acme["id"])
    tab._confirming, tab.open_dialogs = (acme["block"],), ["lift", "block"]
    expected = NotSignedIn if role is None else Forbidden
    for call in (tab.new_block, lambda: tab.save_block({"level": "stuck", "reason": "x"}),
                 lambda: tab.ask_lift(acme["block"]), lambda: tab.confirm_lift({"note": "x"})):
        with pytest.raises(expected):
            await call()
    settings = state_of(BlockEffectsState, token)
    with pytest.raises(expected):
        await settings.save_effects()
    assert _blocks(app_db) == [("unpaid", True)]


async def test_a_credit_manager_sets_and_lifts_from_the_card(app_db, acme):
    _, token = signed_in_token(app_db, Role.CREDIT_MANAGER)
    card, tab = await opened_card(token, acme["id"], BlocksTab)
    assert tab.can_manage_blocks and [r.level for r in tab.block_rows] == ["Blocco per insoluti"]
    assert tab.block_label == "Blocco per insoluti"
    await tab.new_block()
    await tab.save_block({"level": "stuck", "reason": "Pratica al legale"})
    assert tab.open_dialogs == [] and tab.block_label == "Incagliato"
    for bad in (999_999, "x", None, [acme["block"]]):
        await tab.ask_lift(bad)
        assert "lift" not in tab.open_dialogs
    await tab.ask_lift(acme["block"])
    await tab.confirm_lift({"note": "Pagato"})
    assert sorted(_blocks(app_db)) == [("stuck", True), ("unpaid", False)]
    with app_db() as s:
        assert s.get(Customer, acme["id"]).block_level == "stuck"
    await tab.confirm_lift({"note": "di nuovo"})  # nothing remembered any more: nothing lifted
    assert sorted(_blocks(app_db)) == [("stuck", True), ("unpaid", False)]


async def test_an_office_clerk_reads_blocks_but_cannot_act(app_db, acme):
    _, token = signed_in_token(app_db, Role.OFFICE)
    _, tab = await opened_card(token, acme["id"], BlocksTab)
    assert not tab.can_manage_blocks and len(tab.block_rows) == 1


async def test_the_held_queue_is_the_credit_managers(app_db, acme):
    from app.services import sales
    from app.state.held_documents import HeldDocumentsState

    with app_db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        blocks.set_block(session=s, actor=factories.actor(s, Role.CREDIT_MANAGER), customer_id=acme["id"],
                         raw={"level": "overdue", "reason": "Scaduti"})
        held = sales.create_document(session=s, actor=office, customer_id=acme["id"], kind="quote", raw={
            "lines": [{"description": "Verifica", "quantity": "1", "unit_price": "80"}]}).id
    _, office_token = signed_in_token(app_db, Role.OFFICE)
    refused = state_of(HeldDocumentsState, office_token)
    assert "/office" in str((await refused.load_held()).args)
    refused._confirming, refused.open_dialogs = (held, "release"), ["decision"]
    with pytest.raises(Forbidden):
        await refused.decide({"note": "x"})
    _, token = signed_in_token(app_db, Role.CREDIT_MANAGER)
    queue = state_of(HeldDocumentsState, token)
    await queue.load_held()
    assert [r.reasons for r in queue.held_rows] == ["Blocco del cliente"]
    await queue.ask_decision(held, "explode")
    assert queue.open_dialogs == []
    await queue.ask_decision(held, "release")
    assert queue.decision_reasons == [["block", "Blocco del cliente"]]
    await queue.decide({"note": "Garanzia ricevuta"})  # every reason unticked: nothing to release
    assert queue.decision_errors == {"reasons": "Scegliere almeno uno dei motivi del documento."}
    await queue.decide({"note": "Garanzia ricevuta", "reason-block": "on"})
    assert queue.held_rows == [] and queue.open_dialogs == []


async def test_the_held_queue_is_read_a_page_at_a_time(app_db, acme):
    from app.services import sales
    from app.state.held_documents import PAGE_SIZE, HeldDocumentsState

    with app_db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        blocks.set_block(session=s, actor=factories.actor(s, Role.CREDIT_MANAGER), customer_id=acme["id"],
                         raw={"level": "overdue", "reason": "Scaduti"})
        held = [sales.create_document(session=s, actor=office, customer_id=acme["id"], kind="quote", raw={
            "lines": [{"description": f"Verifica {n}", "quantity": "1", "unit_price": "80"}]}).id
            for n in range(PAGE_SIZE + 2)]
    queue = state_of(HeldDocumentsState, signed_in_token(app_db, Role.CREDIT_MANAGER)[1])
    await queue.load_held()
    assert [r.id for r in queue.held_rows] == held[:PAGE_SIZE] and queue.has_next and not queue.has_previous
    assert str(PAGE_SIZE + 2) in queue.count_text
    await queue.next_page()
    assert [r.id for r in queue.held_rows] == held[PAGE_SIZE:] and queue.has_previous and not queue.has_next
    for document_id in held[PAGE_SIZE:]:  # the last page emptied: the one before is shown
        await queue.ask_decision(document_id, "reject")
        await queue.decide({"note": "Non confermato"})
    assert [r.id for r in queue.held_rows] == held[:PAGE_SIZE] and not queue.has_next


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.OFFICE, Role.CUSTOMER, None])
async def test_only_credit_managers_and_administrators_change_terms_or_see_the_overview(app_db, acme, role):
    from app.state.credit_overview import CreditOverviewState
    from app.state.credit_terms import CreditTermsPanel
    from app.state.held_documents import HeldDocumentsState

    kw = {"customer_id": acme["id"]} if role is Role.CUSTOMER else {}
    token = signed_in_token(app_db, role, **kw)[1] if role else ""
    panel = card_tab(CreditTermsPanel, token, acme["id"])
    panel.open_dialogs = ["terms"]
    expected = NotSignedIn if role is None else Forbidden
    for call in (panel.ask_terms, lambda: panel.save_terms({"credit_limit": "1"})):
        with pytest.raises(expected):
            await call()
    queue = state_of(HeldDocumentsState, token)
    queue._confirming, queue.open_dialogs = (1, "release"), ["decision"]
    with pytest.raises(expected):
        await queue.decide({"note": "x", "reason-block": "on"})
    overview = state_of(CreditOverviewState, token)
    await overview.load_overview()  # a page load is sent elsewhere, not served
    assert overview.blocked_levels == [] and overview.ageing_chart == []
    with app_db() as s:
        assert s.exec(select(CustomerCredit)).all() == []


async def test_a_credit_manager_sets_the_limit_and_sees_the_exposure(app_db, acme):
    from app.state.credit_overview import CreditOverviewState
    from app.state.credit_terms import CreditTermsPanel

    _, token = signed_in_token(app_db, Role.CREDIT_MANAGER)
    _, panel = await opened_card(token, acme["id"], CreditTermsPanel)
    assert panel.can_edit_terms and panel.limit_text == "Nessun fido" and panel.exposure_text == "0,00\xa0€"
    await panel.ask_terms()
    await panel.save_terms({"credit_limit": "abc", "payment_term": "none", "shipping_costs": ""})
    assert panel.terms_errors == {"credit_limit": "Numero non valido (per esempio 1.234,50)."}
    assert panel.terms_values["credit_limit"] == "abc" and "terms" in panel.open_dialogs
    await panel.save_terms({"credit_limit": "2.500", "payment_term": "RIBA60", "shipping_costs": "12,50"})
    assert panel.open_dialogs == [] and panel.limit_text == "2.500,00\xa0€"
    assert (panel.usual_terms_text, panel.usual_shipping_text) == ("Ri.Ba. 60 giorni data fattura", "12,50\xa0€")
    overview = state_of(CreditOverviewState, token)
    await overview.load_overview()
    assert overview.over_limit_count == 0 and overview.blocked_total == 1
