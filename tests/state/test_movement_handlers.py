"""The Movements tab shows every recorded value as the card does, in the reader's language."""

from sqlmodel import select

from app.domain.permissions import Role
from app.models import ConsentType, PaymentTerm
from app.services import consents, credit, customers, portal_accesses
from app.state.movements import MovementsTab, shown_value
from tests import factories
from tests.state.conftest import opened_card, signed_in_token

ACME = {"kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157"}
CODES = ("+39", "True", "False", "granted", "unknown", "refused", "private", "business", "family_member",
         "contact_person", "field.", "movements.")


async def test_every_movement_shows_labels_and_values_not_codes(app_db):
    with app_db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        clerk = factories.user(s, Role.OFFICE)
        consents.ensure_default_types(s)
        acme = customers.create_customer(session=s, actor=office, raw=ACME)
        customers.update_customer(session=s, actor=office, customer_id=acme.id, expected_version=acme.version, raw={
            **ACME, "kind": "private", "first_name": "Mario", "last_name": "Rossi", "phone": "333 123 4567",
            "block_automatic_emails": True, "assigned_user_id": str(clerk.id)})
        anna = customers.save_contact(session=s, actor=office, customer_id=acme.id,
                                      raw={"first_name": "Anna", "last_name": "Neri"})
        customers.save_contact(session=s, actor=office, customer_id=acme.id, contact_id=anna.id, raw={
            "first_name": "Anna", "last_name": "Neri", "kind": "family_member", "phone": "02 1234 5678"})
        site = customers.save_site(session=s, actor=office, customer_id=acme.id, raw={"name": "Sede"})
        customers.save_site(session=s, actor=office, customer_id=acme.id, site_id=site.id,
                            raw={"name": "Sede", "is_default": not site.is_default})
        profiling = s.exec(select(ConsentType.id).where(ConsentType.code == "profilazione")).one()
        consents.record_consent(session=s, actor=office, customer_id=acme.id, contact_id=None, type_id=profiling,
                                state="granted")
        access = portal_accesses.save_access(session=s, actor=office, customer_id=acme.id, raw={
            "full_name": "Mario Rossi", "email": "mario@rossi.it", "language": "it", "visibility": "own"})
        portal_accesses.save_access(session=s, actor=office, customer_id=acme.id, user_id=access.user_id, raw={
            "full_name": "Mario Rossi", "email": "mario@rossi.it", "language": "en", "visibility": "company",
            "may_see_contracts": True})
        term = s.exec(select(PaymentTerm).order_by(PaymentTerm.position)).first()
        credit.save_terms(session=s, actor=factories.actor(s, Role.CREDIT_MANAGER), customer_id=acme.id,
                          raw={"credit_limit": "5000", "payment_term": term.code})
        acme_id, clerk_id, clerk_name = acme.id, clerk.id, clerk.full_name
    _, token = signed_in_token(app_db, Role.OFFICE)
    _, tab = await opened_card(token, acme_id, MovementsTab)

    def shown():
        return {(m.field, m.before, m.after) for m in tab.movement_rows}

    rows = shown()
    assert ("Telefono", "", "333 123 4567") in rows
    assert ("Tipo", "Azienda", "Privato") in rows
    assert ("Assegnato a", "", clerk_name) in rows
    assert ("Blocca e-mail automatiche", "No", "Sì") in rows
    assert ("Tipo", "Referente", "Familiare") in rows
    assert ("Telefono", "", "02 1234 5678") in rows
    assert ("", "Non richiesto", "Dato") in rows
    assert any(f == "Lingua" and (b, a) == ("Italiano", "English") for f, b, a in rows)
    assert ("Fido", "", "5.000,00\xa0€") in rows
    assert ("Pagamento abituale", "", term.description) in rows
    assert ("Visibilità", "Solo ciò che lo riguarda", "Tutta l'azienda") in rows
    assert not [r for r in rows if any(code in text for text in r for code in CODES)], rows
    assert str(clerk_id) not in {text for r in rows for text in r}
    tab.lang = "en"
    await tab.filter_movements("all")
    rows = shown()
    assert ("Phone", "", "333 123 4567") in rows and ("", "Not asked", "Granted") in rows
    assert not [r for r in rows if any(code in text for text in r for code in CODES)], rows


def test_a_value_without_a_label_is_shown_as_recorded():
    assert shown_value("customer.updated", "city", "Milano", {}, "it") == "Milano"
    assert shown_value("customer.updated", "kind", "not-a-kind", {}, "it") == "not-a-kind"
    assert shown_value("credit.updated", "credit_limit", "abc", {}, "it") == "abc"
    assert shown_value("customer.updated", "notes", None, {}, "it") == ""
