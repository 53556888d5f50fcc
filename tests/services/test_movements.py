"""The customer's timeline, filtered by the groups the card offers."""

from app.domain.permissions import Role
from app.domain.vocabularies import MovementGroup
from app.services import customers, documents, movements
from tests import factories


def test_each_group_filters_its_own_kinds(db):
    with db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        customer = customers.create_customer(session=s, actor=office, raw={
            "kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157"})
        customers.save_contact(session=s, actor=office, customer_id=customer.id,
                               raw={"first_name": "Anna", "last_name": "Neri"})
        documents.save_contract(session=s, actor=office, customer_id=customer.id, raw={
            "number": "K-1", "title": "Manutenzione", "start_on": "2026-01-01", "expires_on": "2027-01-01"})
        documents.save_report(session=s, actor=office, customer_id=customer.id, raw={
            "title": "Verifica", "kind": "verification", "report_date": "2026-02-01"})

    def kinds(group: str) -> list[str]:
        with db() as s:
            page = movements.list_movements(session=s, actor=office, customer_id=customer.id, group=group)
        return sorted(row.kind for row in page.rows)

    assert kinds(MovementGroup.DOCUMENT) == ["contract.added", "report.added"]
    assert kinds(MovementGroup.CONTACT) == ["contact.added"]
    assert kinds(MovementGroup.CUSTOMER) == ["customer.created"]
    assert len(kinds("")) == len(kinds("no-such-group")) == 4


def test_work_done_by_the_app_itself_stores_no_name_to_translate(db):
    with db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        customer = customers.create_customer(session=s, actor=office, raw={
            "kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157"})
        system = movements.record(session=s, customer_id=customer.id, actor=None, source="system",
                                  kind="customer.updated", field="notes", after="x")
        assert system.actor_name == ""
    with db() as s:
        rows = movements.list_movements(session=s, actor=office, customer_id=customer.id).rows
    assert [r.actor_name for r in rows] == [None, office.name]
