"""The transaction history tab called as the browser would: filters, preview, complaint, credit note; and
only staff who may read the customer see it."""

import pytest
from sqlmodel import select

from app.domain.errors import Forbidden, NotSignedIn
from app.domain.permissions import Role
from app.models import SalesDocument
from app.services import customers, sales
from app.state.history import HistoryTab
from tests import factories
from tests.state.conftest import card_tab, opened_card, signed_in_token

ACME = {"kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157"}


@pytest.fixture
def acme(app_db):
    with app_db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        customer = customers.create_customer(session=s, actor=office, raw=ACME).id
        order = sales.create_document(session=s, actor=office, customer_id=customer, kind="order", raw={"lines": [
            {"description": "Scarponi taglia 42", "quantity": "2", "unit_price": "80"},
            {"description": "Guanti", "quantity": "10", "unit_price": "12"}]})
        sales.move_document(session=s, actor=office, customer_id=customer, document_id=order.id, status="open")
        invoice = sales.invoice_from_order(session=s, actor=office, customer_id=customer, order_id=order.id)
        sales.move_document(session=s, actor=office, customer_id=customer, document_id=invoice.id,
                            status="approved")
        return customer


async def test_an_office_clerk_filters_previews_and_registers_a_complaint(app_db, acme):
    _, token = signed_in_token(app_db, Role.OFFICE)
    _, tab = await opened_card(token, acme, HistoryTab)
    assert [r.article for r in tab.history_rows] == ["Guanti", "Scarponi taglia 42"]
    assert tab.history_rows[0].status == "Venduto" and tab.can_act
    result = await tab.apply_filters({"q": "scarponi", "price_min": "molto"})
    assert [r.article for r in tab.history_rows] == ["Scarponi taglia 42"]
    assert tab.filter_errors == {"price_min": "Numero non valido (per esempio 1.234,50)."}
    assert "replaceState" in str(result) and "q=scarponi" in str(result) and tab.export_query == "q=scarponi"
    line = tab.history_rows[0].line_id
    await tab.preview(line)
    assert tab.open_dialogs == ["preview"] and [p.description for p in tab.preview_lines] == [
        "Scarponi taglia 42", "Guanti"]
    tab.open_dialogs = []
    await tab.ask_complaint(line)
    await tab.save_complaint({"quantity": "5", "defective": "on", "notes": "Suola scollata"})
    assert tab.complaint_errors == {"quantity": "Tra zero e la quantità venduta (2)."}
    await tab.save_complaint({"quantity": "1", "defective": "on", "notes": "Suola scollata"})
    assert tab.open_dialogs == [] and {r.status for r in tab.history_rows} == {"Venduto", "Reclamo in corso"}
    await tab.apply_filters({"defective": "on"})
    [complaint] = tab.history_rows
    await tab.ask_credit_note(complaint.line_id)
    await tab.confirm_credit_note()
    with app_db() as s:
        assert s.exec(select(SalesDocument.kind).where(SalesDocument.kind == "credit_note")).all() == ["credit_note"]
    await tab.clear_filters()
    assert len(tab.history_rows) == 3 and tab.filter_values["status"] == "all"


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.CUSTOMER, None])
async def test_others_cannot_read_or_act(app_db, acme, role):
    kw = {"customer_id": acme} if role is Role.CUSTOMER else {}
    token = signed_in_token(app_db, role, **kw)[1] if role else ""
    tab = card_tab(HistoryTab, token, acme)
    tab.open_dialogs, tab._confirming = ["complaint"], (1,)
    expected = NotSignedIn if role is None else Forbidden
    for call in (lambda: tab.apply_filters({"q": "x"}), lambda: tab.preview(1), lambda: tab.ask_complaint(1),
                 lambda: tab.save_complaint({"quantity": "1"}), tab.confirm_credit_note, tab.next_page):
        with pytest.raises(expected):
            await call()
    with app_db() as s:
        assert s.exec(select(SalesDocument.kind).where(SalesDocument.kind == "complaint")).all() == []
