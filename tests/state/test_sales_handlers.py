"""Quotes and orders written on the card, through the handlers the browser calls."""

import pytest
from sqlmodel import select

from app.domain.errors import Forbidden
from app.domain.permissions import Role
from app.models import SalesDocument
from app.services import customers, sales
from app.state.sales import SalesTab
from tests import factories
from tests.state.conftest import card_tab, opened_card, signed_in_token


@pytest.fixture
def acme(app_db):
    with app_db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        customer = customers.create_customer(session=s, actor=office, raw={
            "kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157"})
        article = sales.save_article(session=s, actor=office, raw={
            "code": "CAL-24", "description": "Caldaia 24 kW", "unit_price": "1250", "vat_rate": "22"})
        return {"id": customer.id, "article": article.id}


def _documents(db):
    with db() as s:
        return [(d.kind, d.status, str(d.gross_total)) for d in s.exec(select(SalesDocument))]


async def test_an_office_clerk_writes_an_order_line_by_line(app_db, acme):
    _, token = signed_in_token(app_db, Role.OFFICE)
    _, tab = await opened_card(token, acme["id"], SalesTab)
    await tab.new_document("order")
    assert tab.open_dialogs == ["editor"] and len(tab.editor_lines) == 1
    await tab.search_articles("caldaia")
    assert [h.label for h in tab.article_hits] == ["CAL-24 · Caldaia 24 kW"]
    await tab.add_article(tab.article_hits[0].id)
    first, second = tab.editor_lines
    await tab.set_line(first.key, "description", "Manodopera")
    await tab.set_line(first.key, "unit_price", "abc")
    await tab.set_line(first.key, "article_id", "999")  # only typed fields: an article is picked, not typed
    form = {"date": "2026-11-28", "payment_term": "BT30", "shipping_site_id": "default", "shipping_costs": "0"}
    await tab.save_document(form)
    assert tab.editor_errors == {f"unit_price-{first.key}": "Numero non valido (per esempio 1.234,50)."}
    assert tab.open_dialogs == ["editor"] and _documents(app_db) == []
    await tab.save_document({**form, f"unit_price-{first.key}": "80,00", f"quantity-{second.key}": "2"})
    assert tab.open_dialogs == [] and _documents(app_db) == [("order", "draft", "3147.60")]
    assert [(r.number, r.status) for r in tab.document_rows] == [("ORD-2026/00001", "Bozza")]
    await tab.ask_move(tab.document_rows[0].id, "open")
    await tab.confirm_move()
    assert _documents(app_db) == [("order", "open", "3147.60")]


@pytest.mark.parametrize("role", [Role.CREDIT_MANAGER, Role.TECHNICIAN, Role.CUSTOMER])
async def test_only_the_office_writes_documents(app_db, acme, role):
    kw = {"customer_id": acme["id"]} if role is Role.CUSTOMER else {}
    _, token = signed_in_token(app_db, role, **kw)
    tab = card_tab(SalesTab, token, acme["id"])
    tab._editing, tab.open_dialogs = ("order",), ["editor"]
    for call in (lambda: tab.new_document("order"), tab.add_free_line,
                 lambda: tab.save_document({"date": "2026-11-28"})):
        with pytest.raises(Forbidden):
            await call()
    assert _documents(app_db) == []


async def test_an_open_order_is_invoiced_approved_and_paid_from_the_card(app_db, acme):
    from app.state.receivables import ReceivablesPanel

    _, token = signed_in_token(app_db, Role.OFFICE)
    with app_db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        order = sales.create_document(session=s, actor=office, customer_id=acme["id"], kind="order", raw={
            "payment_term": "CASH", "lines": [{"description": "Impianto", "quantity": "1", "unit_price": "100"}]})
        sales.move_document(session=s, actor=office, customer_id=acme["id"], document_id=order.id, status="open")
    _, tab, panel = await opened_card(token, acme["id"], SalesTab, ReceivablesPanel)
    await tab.ask_invoice(order.id)
    await tab.confirm_move()
    invoice = next(r for r in tab.document_rows if r.kind == "Fattura")
    assert [m[0] for m in invoice.moves] == ["approved", "cancelled"]
    await tab.ask_move(invoice.id, "approved")
    await tab.confirm_move()
    await panel.load()
    [due] = panel.receivable_rows
    assert (due.outstanding, due.settled) == ("122,00\xa0€", False)
    await panel.ask_payment(due.id)
    assert panel.open_dialogs == ["payment"] and panel.payment_values["amount"] == "122,00"
    await panel.record_payment({"amount": "200", "paid_on": panel.payment_values["paid_on"]})
    assert panel.payment_errors["amount"].startswith("Al massimo quanto resta da pagare: 122.00")
    await panel.record_payment(panel.payment_values | {"amount": "122,00"})
    assert panel.open_dialogs == [] and panel.receivable_rows[0].settled


async def test_a_technician_records_no_payment(app_db, acme):
    from app.state.receivables import ReceivablesPanel

    _, token = signed_in_token(app_db, Role.TECHNICIAN)
    panel = card_tab(ReceivablesPanel, token, acme["id"])
    panel._confirming, panel.open_dialogs = (1,), ["payment"]
    with pytest.raises(Forbidden):
        await panel.record_payment({"amount": "1", "paid_on": "2026-01-01"})


async def test_an_unpaid_item_from_the_card_blocks_the_customer(app_db, acme):
    from app.models import Customer
    from app.state.receivables import ReceivablesPanel

    _, token = signed_in_token(app_db, Role.OFFICE)
    with app_db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        order = sales.create_document(session=s, actor=office, customer_id=acme["id"], kind="order", raw={
            "payment_term": "CASH", "lines": [{"description": "Impianto", "quantity": "1", "unit_price": "100"}]})
        sales.move_document(session=s, actor=office, customer_id=acme["id"], document_id=order.id, status="open")
        invoice = sales.invoice_from_order(session=s, actor=office, customer_id=acme["id"], order_id=order.id)
        sales.move_document(session=s, actor=office, customer_id=acme["id"], document_id=invoice.id,
                            status="approved")
    _, panel = await opened_card(token, acme["id"], ReceivablesPanel)
    await panel.ask_unpaid(panel.receivable_rows[0].id)  # nothing paid yet: nothing can come back
    assert panel.open_dialogs == []
    await panel.ask_payment(panel.receivable_rows[0].id)
    await panel.record_payment(panel.payment_values)
    await panel.ask_unpaid(panel.receivable_rows[0].id)
    assert panel.open_dialogs == ["unpaid"] and panel.unpaid_values["amount"] == "122,00"
    events = await panel.register_unpaid(panel.unpaid_values | {"charges": "5"})
    assert panel.open_dialogs == [] and panel.receivable_rows[0].unpaid
    assert "BlocksTab" in str(events)
    with app_db() as s:
        assert s.get(Customer, acme["id"]).block_level == "unpaid"
