"""Demo data for a first look: one user per role, two hand-made customers and a few hundred
generated ones. Safe to run again: what exists is left alone."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import select

from app.db import get_engine, session_scope
from app.demo.generator import bulk_load
from app.demo.interventions import seed_interventions
from app.domain.permissions import Role
from app.i18n.formats import TIME_ZONE
from app.models import Article, ConsentType, Customer, CustomerBlock, Intervention, Receivable, SalesDocument, User
from app.services import blocks, change_requests, consents, credit, customers, documents, receivables, sales
from app.services.auth import actor_of
from app.services.users import create_user

DEMO_PASSWORD = "Demo-Anagrafica-2026"
GENERATED_CUSTOMERS = 300

DEMO_CUSTOMERS = [
    {
        "kind": "business", "company_name": "Rossi Impianti S.r.l.", "vat_number": "00743110157",
        "tax_code": "00743110157", "sdi_code": "M5UXCR1", "pec": "rossiimpianti@pec.example.com",
        "email": "amministrazione@rossiimpianti.example.com", "phone": "02 4851 2210", "mobile": "335 612 4477",
        "street": "Via Giuseppe Mazzini 14", "cap": "20123", "city": "Milano", "province": "MI",
        "notes": "Cliente storico: manutenzione caldaie e impianti di condizionamento.",
    },
    {
        "kind": "private", "first_name": "Giulia", "last_name": "Bianchi", "tax_code": "BNCGLI88M52L219Z",
        "email": "giulia.bianchi@example.com", "mobile": "347 220 1938", "street": "Corso Vittorio Emanuele II 88",
        "cap": "10121", "city": "Torino", "province": "TO",
    },
]

DEMO_USERS = [
    ("admin@demo.it", "Alessandra Conti", Role.ADMIN),
    ("ufficio@demo.it", "Marco Ferri", Role.OFFICE),
    ("crediti@demo.it", "Elena Galli", Role.CREDIT_MANAGER),
    ("tecnico@demo.it", "Luca Moretti", Role.TECHNICIAN),
    ("tecnico2@demo.it", "Sara Colombo", Role.TECHNICIAN),
]
CUSTOMER_USER = ("cliente@demo.it", "Paolo Rossi")
# A private customer with her own reserved-area login and a change request waiting for the office.
PRIVATE_USER = ("giulia@demo.it", "Giulia Bianchi")
# A small catalogue for the office's quotes and orders.
DEMO_ARTICLES = [
    ("CAL-24", "8001234500011", "Caldaia a condensazione 24 kW", "1450.00", "22", "potenza=24kW; classe=A"),
    ("CAL-35", "8001234500028", "Caldaia a condensazione 35 kW", "1890.00", "22", "potenza=35kW; classe=A"),
    ("CLIM-12", "8001234500035", "Climatizzatore split 12000 BTU", "780.00", "22", "btu=12000; colore=bianco"),
    ("FILT-M", "8001234500042", "Filtro defangatore magnetico", "95.50", "22", "attacco=3/4"),
    ("KIT-MAN", None, "Kit manutenzione annuale caldaia", "120.00", "22", None),
    ("VALV-TS", "8001234500059", "Valvola termostatica", "38.90", "22", "attacco=1/2"),
    ("ORE-TEC", None, "Ora di manodopera tecnico specializzato", "42.00", "22", None),
    ("VERIF-F", None, "Verifica fumi e libretto d'impianto", "85.00", "10", None),
]
DEMO_BLOCK_REASON = "Pratica affidata al legale dopo tre solleciti."


def _invoiced(session, actor, customer_id: int, lines: list[dict], term: str, days_ago: int) -> SalesDocument:  # noqa: ANN001
    """An order invoiced and approved `days_ago` days back, so its instalments age like real ones."""
    order = sales.create_document(session=session, actor=actor, customer_id=customer_id, kind="order",
                                  raw={"payment_term": term, "lines": lines})
    sales.move_document(session=session, actor=actor, customer_id=customer_id, document_id=order.id, status="open")
    invoice = sales.invoice_from_order(session=session, actor=actor, customer_id=customer_id, order_id=order.id)
    invoice.document_date = date.today() - timedelta(days=days_ago)
    session.add(invoice)
    sales.move_document(session=session, actor=actor, customer_id=customer_id, document_id=invoice.id,
                        status="approved")
    return invoice


def _demo_credit(session, admin) -> None:  # noqa: ANN001
    """What the credit manager's page shows on a new demo: ageing receivables, a returned RiBa that blocked
    its customer by itself, a customer over their limit with an order waiting, and a stuck-credit block."""
    credit_manager = actor_of(session.exec(select(User).where(User.email == "crediti@demo.it")).one())
    ids = dict(session.exec(select(Customer.code, Customer.id).where(
        Customer.code.in_(("C000001", "C000003", "C000004", "C000005", "C000006")))).all())
    work = [{"description": "Manutenzione programmata impianto", "quantity": "1", "unit_price": "1800"}]
    _invoiced(session, admin, ids["C000001"], work, "RIBA6090", 20)
    credit.save_terms(session=session, actor=credit_manager, customer_id=ids["C000001"],
                      raw={"credit_limit": "15000", "payment_term": "RIBA6090", "shipping_costs": "35"})
    # C000003: a RiBa came back; the unpaid item blocks the customer by itself.
    invoice = _invoiced(session, admin, ids["C000003"], work, "RIBA60", 75)
    first = session.exec(select(Receivable).where(Receivable.invoice_id == invoice.id)).first()
    receivables.record_payment(session=session, actor=admin, customer_id=ids["C000003"], receivable_id=first.id,
                               raw={"amount": str(first.amount), "paid_on": first.due_on})
    receivables.register_unpaid(session=session, actor=credit_manager, customer_id=ids["C000003"],
                                receivable_id=first.id, raw={"kind": "riba", "returned_on": first.due_on,
                                                             "amount": str(first.amount), "charges": "8,50"})
    # C000004: over their limit, with a new order waiting for the credit manager.
    credit.save_terms(session=session, actor=credit_manager, customer_id=ids["C000004"], raw={"credit_limit": "3000"})
    _invoiced(session, admin, ids["C000004"], work, "BT30", 45)
    sales.create_document(session=session, actor=admin, customer_id=ids["C000004"], kind="order", raw={
        "payment_term": "BT30", "lines": [{"description": "Sostituzione bruciatore", "quantity": "1",
                                           "unit_price": "950"}]})
    _invoiced(session, admin, ids["C000005"], work, "CASH", 130)
    credit.save_terms(session=session, actor=credit_manager, customer_id=ids["C000005"], raw={"credit_limit": "1500"})
    blocks.set_block(session=session, actor=credit_manager, customer_id=ids["C000006"],
                     raw={"level": "stuck", "reason": DEMO_BLOCK_REASON})
PRIVATE_REQUEST = {"email": "giulia.bianchi@posta.example.com", "mobile": "347 220 1940",
                   "street": "Via Po 21", "cap": "10124", "city": "Torino", "province": "TO"}


def seed_demo() -> list[tuple[str, str]]:
    with session_scope(write=True) as session:
        for email, name, role in DEMO_USERS:
            if session.exec(select(User).where(User.email == email)).first() is None:
                create_user(session=session, email=email, full_name=name, role=role, password=DEMO_PASSWORD)
        admin = actor_of(session.exec(select(User).where(User.email == "admin@demo.it")).one())
        consents.ensure_default_types(session)
        if session.exec(select(func.count()).select_from(Customer)).one() == 0:
            rossi = customers.create_customer(session=session, actor=admin, raw=DEMO_CUSTOMERS[0])
            customers.save_contact(session=session, actor=admin, customer_id=rossi.id, raw={
                "first_name": "Paolo", "last_name": "Rossi", "role": "Titolare",
                "email": "paolo@rossiimpianti.example.com", "phone": "335 612 4477"})
            customers.save_site(session=session, actor=admin, customer_id=rossi.id, raw={
                "name": "Magazzino di Sesto", "street": "Via Edison 220", "cap": "20099",
                "city": "Sesto San Giovanni", "province": "MI", "is_default": True})
            customers.create_customer(session=session, actor=admin, raw=DEMO_CUSTOMERS[1])
            today = date.today()
            documents.save_contract(session=session, actor=admin, customer_id=rossi.id, raw={
                "number": "CT-2026-014", "title": "Manutenzione caldaie e condizionatori",
                "start_on": today.replace(year=today.year - 1), "expires_on": today + timedelta(days=20),
                "shared": True})
            types = {t.code: t.id for t in session.exec(select(ConsentType))}
            for code, state, signed in (("trattamento_dati", "granted", True), ("newsletter", "granted", False),
                                        ("marketing", "refused", False)):
                consents.record_consent(session=session, actor=admin, customer_id=rossi.id, contact_id=None,
                                        type_id=types[code], state=state, signature_collected=signed)
    with session_scope() as session:
        generated = session.exec(select(func.count()).select_from(Customer)).one() > len(DEMO_CUSTOMERS)
    if not generated:
        bulk_load(get_engine(), GENERATED_CUSTOMERS, start=len(DEMO_CUSTOMERS) + 1)
    with session_scope(write=True) as session:
        if session.exec(select(User).where(User.email == CUSTOMER_USER[0])).first() is None:
            rossi_id = session.exec(select(Customer.id).where(Customer.code == "C000001")).one()
            create_user(session=session, email=CUSTOMER_USER[0], full_name=CUSTOMER_USER[1], role=Role.CUSTOMER,
                        password=DEMO_PASSWORD, customer_id=rossi_id)
        if session.exec(select(User).where(User.email == PRIVATE_USER[0])).first() is None:
            bianchi_id = session.exec(select(Customer.id).where(Customer.code == "C000002")).one()
            giulia = create_user(session=session, email=PRIVATE_USER[0], full_name=PRIVATE_USER[1],
                                 role=Role.CUSTOMER, password=DEMO_PASSWORD, customer_id=bianchi_id)
            change_requests.submit_request(session=session, actor=actor_of(giulia), customer_id=bianchi_id,
                                           raw=PRIVATE_REQUEST)
        if session.exec(select(Article.id)).first() is None:
            for code, ean, description, price, vat, properties in DEMO_ARTICLES:
                sales.save_article(session=session, actor=admin, raw={
                    "code": code, "ean": ean, "description": description, "unit_price": price, "vat_rate": vat,
                    "properties": properties})
        if session.exec(select(SalesDocument.id)).first() is None:
            rossi_id = session.exec(select(Customer.id).where(Customer.code == "C000001")).one()
            boiler = session.exec(select(Article.id).where(Article.code == "CAL-24")).one()
            sales.create_document(session=session, actor=admin, customer_id=rossi_id, kind="order", raw={
                "payment_term": "RIBA6090", "shipping_costs": "35", "lines": [
                    {"article_id": str(boiler), "quantity": "1", "discount": "5"},
                    {"description": "Installazione e collaudo", "quantity": "6", "unit_price": "42"}]})
        if session.exec(select(CustomerBlock.id)).first() is None:
            _demo_credit(session, admin)
    with session_scope(write=True) as session:
        if session.exec(select(Intervention.id)).first() is None:
            staff = {u.email: actor_of(u) for u in session.exec(select(User).where(User.email.in_(
                ("admin@demo.it", "ufficio@demo.it", "tecnico@demo.it", "tecnico2@demo.it"))))}
            seed_interventions(session=session, office=staff["ufficio@demo.it"], admin=staff["admin@demo.it"],
                               technicians=(staff["tecnico@demo.it"], staff["tecnico2@demo.it"]),
                               today=datetime.now(TIME_ZONE).date())
    return [(email, role.value) for email, _, role in DEMO_USERS] + [
        (CUSTOMER_USER[0], Role.CUSTOMER.value), (PRIVATE_USER[0], Role.CUSTOMER.value)]


if __name__ == "__main__":
    from app.migrate import upgrade_to_head_locked

    upgrade_to_head_locked()
    logins = seed_demo()
    print(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, role in logins:
        print(f"  {role:<15} {email}")
