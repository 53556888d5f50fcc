"""Anonymization: a customer with data in every table and every kind of stored file is anonymized, then every
text column of every table and every stored file is scanned for what identified them. Also one contact alone,
the refusals, and what an anonymized customer no longer allows."""

import base64
import hashlib
import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from PIL import Image, ImageDraw
from sqlmodel import SQLModel, select
from sqlmodel.sql.sqltypes import AutoString

from app.domain.errors import DomainError, Forbidden
from app.domain.history import HistoryFilter
from app.domain.permissions import Role
from app.models import (
    AuthSession,
    ConsentEvent,
    ConsentType,
    Contact,
    Customer,
    LedgerValue,
    Movement,
    OutboxMessage,
    Receivable,
    RecordVersion,
    SalesDocument,
    User,
    UserEvent,
)
from app.models.base import utcnow
from app.services import (
    anonymization,
    blocks,
    change_requests,
    consents,
    customers,
    documents,
    history,
    interventions,
    movements,
    portal_accesses,
    receivables,
    reminders,
    sales,
    tickets,
)
from app.services.auth import actor_of, issue_password_token
from app.settings import get_settings
from tests import factories

PERSON = {"kind": "private", "first_name": "Mario", "last_name": "Rossi", "tax_code": "RSSMRA85D03H501M",
          "email": "mario.rossi@example.com", "pec": "mario.rossi@pec.example.com", "phone": "+39 347 123 4567",
          "mobile": "+39 333 765 4321", "street": "Via Garibaldi 12", "cap": "20121", "city": "Milano",
          "province": "MI", "notes": "Cliente storico, chiede sempre di Rossi junior"}
FAMILY = {"kind": "family_member", "first_name": "Giulia", "last_name": "Bianchi",
          "email": "giulia.bianchi@example.com", "phone": "+39 347 999 8888"}
PDF = b"%PDF-1.4\n1 0 obj << /Title (Contratto Mario Rossi RSSMRA85D03H501M) >> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64 + b"tEXt Comment Mario Rossi mario.rossi@example.com"
# What identified the customer and its contact, as it may be stored anywhere (lower case; phones as digits).
NEEDLES = ("rossi", "rssmra85d03h501m", "mario.rossi@example.com", "mario.rossi@pec.example.com", "3471234567",
           "3337654321", "bianchi", "giulia.bianchi@example.com", "3479998888", "via garibaldi")
# Places the plan says the law keeps, and the columns where the customer's words may then still be.
HELD = {"documents": {("sales_document", "notes")}}


@pytest.fixture
def settings(tmp_path):
    return get_settings().__class__(**{**get_settings().__dict__, "upload_dir": tmp_path / "uploads",
                                       "notify_email": "ufficio@azienda.example.com"})


@pytest.fixture
def world(db, settings):
    with db(write=True) as s:
        consents.ensure_default_types(s)
        office = factories.actor(s, Role.OFFICE)
        admin = factories.actor(s, Role.ADMIN)
        credit = factories.actor(s, Role.CREDIT_MANAGER)
        rossi = customers.create_customer(session=s, actor=office, raw=PERSON)
        beta = customers.create_customer(session=s, actor=office, raw={
            "kind": "business", "company_name": "Beta S.p.A.", "vat_number": "01114601006",
            "email": "info@beta.example.com"})
        giulia = customers.save_contact(session=s, actor=office, customer_id=rossi.id, raw=FAMILY)
        other = customers.save_contact(session=s, actor=office, customer_id=beta.id, raw={
            "kind": "contact_person", "first_name": "Piero", "last_name": "Verdi", "email": "piero@beta.example.com"})
        article = sales.save_article(session=s, actor=office, raw={
            "code": "CAL-1", "description": "Caldaia a condensazione", "unit_price": "1200", "vat_rate": "22"}).id
        access = portal_accesses.save_access(session=s, actor=office, customer_id=rossi.id, raw={
            "full_name": "Mario Rossi", "email": "mario.rossi@example.com", "active": "on", "visibility": "company"})
        return {"office": office, "admin": admin, "credit": credit, "rossi": rossi.id, "beta": beta.id,
                "giulia": giulia.id, "verdi": other.id, "article": article, "portal_user": access.user_id}


def _fill(db, world, settings) -> dict:
    """Personal data of the customer in every place the app keeps it, through the app's own services."""
    office, rossi = world["office"], world["rossi"]
    with db(write=True) as s:
        portal = actor_of(s.get(User, world["portal_user"]))
        customers.save_site(session=s, actor=office, customer_id=rossi, raw={
            "name": "Casa al mare Rossi", "street": "Via Garibaldi 40", "cap": "16121", "city": "Genova",
            "province": "GE"})
        customers.save_contact(session=s, actor=office, customer_id=rossi, contact_id=world["giulia"],
                               raw={**FAMILY, "phone": "+39 347 999 8888"})
        types = {t.code: t.id for t in s.exec(select(ConsentType))}
        consents.record_consent(session=s, actor=office, customer_id=rossi, contact_id=None,
                                type_id=types["newsletter"], state="granted")
        consents.record_consent(session=s, actor=office, customer_id=rossi, contact_id=world["giulia"],
                                type_id=types["newsletter"], state="granted")
        consents.record_consent(session=s, actor=portal, customer_id=rossi, contact_id=None,
                                type_id=types["marketing"], state="refused", source="portal")
        change_requests.submit_request(session=s, actor=portal, customer_id=rossi,
                                       raw={"email": "m.rossi@example.com", "mobile": "+39 347 123 4567"})
        reminders.save_reminder(session=s, actor=portal, raw={"due_on": "2026-12-01", "text": "Revisione Rossi"},
                                today=date(2026, 11, 28))
        ticket = tickets.open_ticket(session=s, actor=portal, raw={"subject": "Caldaia di Mario Rossi",
                                                                   "body": "Chiamatemi al 347 1234567"})
        tickets.reply(session=s, actor=office, ticket_id=ticket.id, body="Gentile sig. Rossi, passiamo domani")
        contract = documents.save_contract(session=s, actor=office, customer_id=rossi, raw={
            "number": "CT-2026-001", "title": "Manutenzione caldaia Rossi", "start_on": "2026-01-01",
            "expires_on": (date.today() + timedelta(days=10)).isoformat(), "notes": "Firmato da Mario Rossi",
            "shared": "on"})
        report = documents.save_report(session=s, actor=office, customer_id=rossi, raw={
            "title": "Verifica impianto Rossi", "kind": "verification", "report_date": "2026-03-01",
            "notes": "Presente la sig.ra Bianchi"})
        documents.store_attachment(session=s, actor=office, owner_kind="contract", owner_id=contract.id,
                                   filename="contratto-rossi.pdf", data=PDF, settings=settings)
        documents.store_attachment(session=s, actor=office, owner_kind="report", owner_id=report.id,
                                   filename="foto-rossi.png", data=PNG, settings=settings)
        documents.warn_expiring_contracts(session=s, today=date.today(), settings=settings)
        portal_accesses.resend_invitation(session=s, actor=office, customer_id=rossi, user_id=world["portal_user"],
                                          settings=settings)
        user = s.get(User, world["portal_user"])
        issue_password_token(session=s, user=user, purpose="reset", valid_for=timedelta(hours=1))
        s.add(AuthSession(user_id=user.id, token_hash=hashlib.sha256(b"t").hexdigest(), user_agent="Firefox di Rossi",
                          expires_at=utcnow() + timedelta(days=1)))
        s.add(UserEvent(user_id=user.id, kind="enabled", actor_user_id=office.user_id, actor_name=office.name))
        blocks.set_block(session=s, actor=world["credit"], customer_id=rossi, raw={
            "level": "assistance", "reason": "Rossi contesta la fattura"})
        order = sales.create_document(session=s, actor=office, customer_id=rossi, kind="order", raw={
            "notes": "Consegnare a Mario Rossi, citofono Bianchi",
            "lines": [{"article_id": str(world["article"]), "quantity": "1"}]})
        sales.move_document(session=s, actor=office, customer_id=rossi, document_id=order.id, status="open")
        blocks_list = blocks.list_blocks(session=s, actor=world["credit"], customer_id=rossi)
        blocks.lift_block(session=s, actor=world["credit"], customer_id=rossi, block_id=blocks_list[0].id,
                          raw={"note": "Rossi ha pagato"})
    with db(write=True) as s:
        invoice = sales.invoice_from_order(session=s, actor=office, customer_id=rossi, order_id=order.id)
        sales.move_document(session=s, actor=office, customer_id=rossi, document_id=invoice.id, status="approved")
        quote = sales.create_document(session=s, actor=office, customer_id=rossi, kind="quote", raw={
            "notes": "Preventivo per la sig.ra Bianchi", "lines": [{"description": "Sopralluogo", "quantity": "1",
                                                                    "unit_price": "50"}]})
        [receivable, *_] = s.exec(select(Receivable).where(Receivable.invoice_id == invoice.id)).all()
        receivables.record_payment(session=s, actor=office, customer_id=rossi, receivable_id=receivable.id,
                                   raw={"amount": "100", "paid_on": date.today().isoformat()})
        receivables.register_unpaid(session=s, actor=office, customer_id=rossi, receivable_id=receivable.id, raw={
            "kind": "riba", "returned_on": date.today().isoformat(), "amount": "100", "charges": "5",
            "note": "RiBa di Mario Rossi tornata"})
        [line] = history.search(session=s, actor=office, customer_id=rossi, flt=HistoryFilter()).rows[:1]
        # An intervention at the seaside house, Giulia on site, Mario signing, with a photo and the sheet.
        site = customers.list_sites(session=s, actor=office, customer_id=rossi)[0]
        technician = factories.actor(s, Role.TECHNICIAN)
        visit = interventions.plan(session=s, actor=office, customer_id=rossi, raw={
            "site_id": str(site.id), "type_id": str(interventions.list_types(session=s)[0].id),
            "technician_ids": [technician.user_id], "starts_at": "2026-12-02T09:00", "ends_at": "2026-12-02T10:00",
            "description": "Caldaia di Mario Rossi, chiamare la sig.ra Bianchi al 347 999 8888",
            "contact_id": str(world["giulia"])})
        interventions.start(session=s, actor=technician, intervention_id=visit.id)
        interventions.add_photo(session=s, actor=technician, intervention_id=visit.id, filename="caldaia-rossi.png",
                                data=PNG, settings=settings)
        interventions.close(session=s, actor=technician, intervention_id=visit.id, settings=settings, raw={
            "work_done": "Pulita la caldaia in Via Garibaldi", "minutes_spent": "60", "signer_name": "Mario Rossi",
            "signature": _signature(), "close_token": "anon-1"})
        interventions.add_note(session=s, actor=technician, intervention_id=visit.id,
                               raw={"body": "Rossi chiede un preventivo"})
    return {"invoice": invoice.id, "quote": quote.id, "line": line.line_id, "order": order.id}


def _signature() -> str:
    image = Image.new("RGBA", (120, 60), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(5, 50), (60, 5), (115, 55)], fill=(0, 0, 0, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _is_text(column: sa.Column) -> bool:
    return isinstance(column.type, sa.String | sa.Text | AutoString)


def _hits(db, settings) -> set[tuple[str, str]]:
    """(table, column) of every stored text holding one of NEEDLES, and ("file", name) of every stored file."""
    found = set()
    with db() as s:
        for table in SQLModel.metadata.sorted_tables:
            for column in filter(_is_text, table.columns):
                for (value,) in s.execute(sa.select(column).where(column.is_not(None))):
                    plain = value.lower()
                    digits = "".join(ch for ch in plain if ch.isdigit())
                    if any(n in plain or (n.isdigit() and n in digits) for n in NEEDLES):
                        found.add((table.name, column.name))
    for path in settings.upload_dir.rglob("*"):
        if path.is_file() and any(n.encode() in path.read_bytes().lower() for n in NEEDLES):
            found.add(("file", path.name))
    return found


def _execute(db, world, settings, contact_id=None, code=None, actor=None):
    with db(write=True) as s:
        customer = s.get(Customer, world["rossi"])
        return anonymization.execute(session=s, actor=actor or world["admin"], customer_id=world["rossi"],
                                     contact_id=contact_id, confirmation_code=code or customer.code.lower(),
                                     settings=settings)


def test_a_customer_anonymized_leaves_nothing_but_what_the_law_keeps(db, world, settings):
    made = _fill(db, world, settings)
    assert {"customer", "contact", "site", "movement", "ledger_value", "consent_event", "record_version",
            "outbox_message", "ticket", "ticket_message", "reminder", "change_request_item", "file"} <= {
        table for table, _ in _hits(db, settings)} | {"consent_event", "movement"}
    with db() as s:
        plan = anonymization.plan(session=s, actor=world["admin"], customer_id=world["rossi"])
        proofs = {e.id: e.subject_name for e in s.exec(select(ConsentEvent).where(
            ConsentEvent.customer_id == world["rossi"]))}
    lines = {line.key: line for line in plan.lines}
    assert plan.pseudonym.startswith("Cliente anonimizzato 0") and plan.subject_label == "Mario Rossi"
    assert {"registry", "contacts", "sites", "users", "sessions", "password_tokens", "user_events", "reminders",
            "change_requests", "movements", "consent_events", "record_versions", "tickets", "outbox", "attachments",
            "reports", "contracts", "blocks", "documents", "receivables"} <= set(lines)
    assert lines["documents"].outcome == "kept" and lines["documents"].kept_until.year == date.today().year + 10
    assert lines["receivables"].outcome == "kept" and lines["attachments"].outcome == "erased"
    assert lines["attachments"].count == 2 and lines["outbox"].count >= 2

    _execute(db, world, settings)

    kept = {key for key, line in lines.items() if line.outcome == "kept"}
    allowed = set().union(*(HELD.get(key, set()) for key in kept))
    assert _hits(db, settings) <= allowed
    with db() as s:
        customer = s.get(Customer, world["rossi"])
        assert (customer.status, customer.display_name) == ("anonymized", plan.pseudonym)
        user = s.get(User, world["portal_user"])
        assert not user.is_active and user.password_hash is None
        assert all(x.ended_at is not None for x in s.exec(select(AuthSession).where(AuthSession.user_id == user.id)))
        # The fiscal documents stay, under the pseudonym; the quote lost its notes.
        assert s.get(SalesDocument, made["invoice"]).gross_total > 0
        assert s.get(SalesDocument, made["quote"]).notes is None
        # The ledgers kept every row; the movement of the anonymization names nobody.
        [last] = s.exec(select(Movement).where(Movement.customer_id == world["rossi"])
                        .order_by(Movement.id.desc()).limit(1)).all()
        assert (last.kind, last.values_id, last.actor_name) == ("customer.anonymized", None, world["admin"].name)
        events = list(s.exec(select(ConsentEvent).where(ConsentEvent.customer_id == world["rossi"])))
        assert len(events) == len(proofs) and all(e.subject_name == "" for e in events)
        # The proof of each consent survives as a hash: the former name still matches it, another does not.
        assert all(consents.proof_matches(e, proofs[e.id]) for e in events)
        assert not any(consents.proof_matches(e, "Luigi Verdi") for e in events)
        timeline = movements.list_movements(session=s, actor=world["office"], customer_id=world["rossi"], limit=100)
        assert any(r.erased for r in timeline.rows) and all(not r.before and not r.summary for r in timeline.rows)
        assert s.exec(select(RecordVersion).where(RecordVersion.customer_id == world["rossi"])).all() == []
        # Out of the list and the search; another customer untouched.
        listed = customers.search_customers(session=s, actor=world["office"])
        assert [r.id for r in listed.rows] == [world["beta"]]
        for query in ("rossi", "RSSMRA85D03H501M", "anonimizzato", customer.code):
            assert customers.search_customers(session=s, actor=world["office"], query=query).rows == []
        assert s.get(Contact, world["verdi"]) is not None
        assert s.exec(select(OutboxMessage).where(OutboxMessage.to_address == "ufficio@azienda.example.com")
                      ).all() == []  # the contract's expiry warning named the customer


def test_an_anonymized_customer_gets_no_new_document_and_no_complaint(db, world, settings):
    made = _fill(db, world, settings)
    _execute(db, world, settings)
    office, rossi = world["office"], world["rossi"]
    attempts = [
        lambda s: sales.create_document(session=s, actor=office, customer_id=rossi, kind="order", raw={
            "lines": [{"article_id": str(world["article"]), "quantity": "1"}]}),
        lambda s: sales.credit_note_from_invoice(session=s, actor=office, customer_id=rossi,
                                                 invoice_id=made["invoice"]),
        lambda s: sales.credit_note_from_line(session=s, actor=office, customer_id=rossi, line_id=made["line"]),
    ]
    for attempt in attempts:
        with db(write=True) as s, pytest.raises(DomainError) as err:
            attempt(s)
        assert err.value.errors == {"customer": "sales.err.anonymized"}
    with db(write=True) as s, pytest.raises(DomainError) as err:
        sales.complaint_from_line(session=s, actor=office, customer_id=rossi, line_id=made["line"],
                                  raw={"quantity": "1", "notes": "Rotto"})
    assert err.value.errors == {"customer": "history.err.customer_anonymized"}
    with db(write=True) as s, pytest.raises(DomainError):
        customers.save_contact(session=s, actor=office, customer_id=rossi, raw=FAMILY)
    with db() as s:
        assert s.exec(select(SalesDocument).where(SalesDocument.customer_id == rossi,
                                                  SalesDocument.kind.in_(("complaint", "credit_note")))).all() == []


def test_one_contact_anonymized_leaves_the_customer_as_it_was(db, world, settings):
    _fill(db, world, settings)
    with db() as s:
        plan = anonymization.plan(session=s, actor=world["admin"], customer_id=world["rossi"],
                                  contact_id=world["giulia"])
        giulia_event = s.exec(select(ConsentEvent).where(ConsentEvent.contact_id == world["giulia"])).first()
        name = giulia_event.subject_name
    keys = {line.key for line in plan.lines}
    assert plan.subject_label == "Giulia Bianchi" and "contact" in keys and "consent_events" in keys
    assert not keys & {"registry", "documents", "sites", "tickets"}
    _execute(db, world, settings, contact_id=world["giulia"])
    with db() as s:
        assert s.get(Contact, world["giulia"]) is None
        customer = s.get(Customer, world["rossi"])
        assert (customer.status, customer.display_name) == ("active", "Mario Rossi")
        left = [v.data for v in s.exec(select(LedgerValue).where(LedgerValue.customer_id == world["rossi"]))]
        assert left and not any("Bianchi" in data or "giulia" in data for data in left)
        assert any("Rossi" in data for data in left)  # the customer's own values stay
        assert s.exec(select(RecordVersion).where(RecordVersion.subject == "contact",
                                                  RecordVersion.subject_id == world["giulia"])).all() == []
        event = s.get(ConsentEvent, giulia_event.id)
        assert event.subject_name == "" and consents.proof_matches(event, name)
        [last] = s.exec(select(Movement).order_by(Movement.id.desc()).limit(1)).all()
        assert (last.kind, last.values_id) == ("contact.anonymized", None)
        assert s.get(User, world["portal_user"]).is_active  # another person's account


@pytest.mark.parametrize("role", [Role.OFFICE, Role.CREDIT_MANAGER, Role.TECHNICIAN])
def test_only_administrators_anonymize(db, world, settings, role):
    with db(write=True) as s:
        someone = factories.actor(s, role)
    with db() as s, pytest.raises(Forbidden):
        anonymization.plan(session=s, actor=someone, customer_id=world["rossi"])
    with pytest.raises(Forbidden):
        _execute(db, world, settings, actor=someone)
    with db(write=True) as s:
        portal = actor_of(s.get(User, world["portal_user"]))
    with pytest.raises(Forbidden):
        _execute(db, world, settings, actor=portal)
    with db() as s:
        assert s.get(Customer, world["rossi"]).status == "active"


def test_the_customer_code_confirms_and_nothing_is_written_without_it(db, world, settings):
    _fill(db, world, settings)
    for wrong in ("", "C000000", None, ["x"]):
        with pytest.raises(DomainError) as err:
            _execute(db, world, settings, code=wrong or "nope")
        assert err.value.errors == {"confirmation": "anon.err.confirmation"}
    with db() as s:
        assert s.get(Customer, world["rossi"]).status == "active"
        assert s.get(Contact, world["giulia"]) is not None
    assert any(path.is_file() for path in (settings.upload_dir / "files").iterdir())
    with db() as s, pytest.raises(DomainError):
        anonymization.plan(session=s, actor=world["admin"], customer_id=world["rossi"], contact_id=world["verdi"])
    _execute(db, world, settings)
    assert not any((settings.upload_dir / "files").iterdir())
    with pytest.raises(DomainError) as err:
        _execute(db, world, settings)
    assert err.value.message_key == "anon.err.already"


def test_a_place_can_be_added_in_one_spot(db, world):
    seen = []
    extra = anonymization.Place(
        "extra", "anon.place.extra", anonymization.Outcome.ERASED, frozenset({anonymization.Scope.CUSTOMER}),
        lambda session, s: 3, lambda session, s: seen.append(s.customer.id))
    anonymization.register(extra)
    try:
        with db() as s:
            plan = anonymization.plan(session=s, actor=world["admin"], customer_id=world["rossi"])
        assert [(line.key, line.count) for line in plan.lines if line.key == "extra"] == [("extra", 3)]
    finally:
        anonymization.PLACES.remove(extra)
