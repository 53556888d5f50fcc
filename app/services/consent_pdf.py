"""The printable consent form: for the customer and each of its contacts, every consent's exact text
version and current state, boxes to tick for the ones not given yet, and one signature line per person, so
the paper can be filled in and signed at a counter."""

from __future__ import annotations

from datetime import date

from fpdf import FPDF
from sqlmodel import Session, col, select

from app.domain import consent_rules as rules
from app.domain.errors import DomainError
from app.domain.permissions import Actor
from app.i18n import N_, t
from app.i18n.formats import format_datetime, format_short_date
from app.models import ConsentText, Contact, Customer
from app.services import consents
from app.services.pdf import PdfForm, latin1


def consent_form(
    *, session: Session, actor: Actor, customer_id: int, issuer: str, lang: str = "it",
    today: date | None = None,
) -> tuple[bytes, str]:
    """The PDF and a file name for it. Whoever may read the customer's consents may print them."""
    current = consents.current_consents(session=session, actor=actor, customer_id=customer_id)
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise DomainError("customer.not_found")
    contacts = {c.id: c for c in session.exec(select(Contact).where(Contact.customer_id == customer_id))}
    texts = {x.consent_type_id: x for x in (consents.latest_text(session, row.type_id)
                                             for row in current[None])}
    stated = [row.text_id for rows in current.values() for row in rows if row.text_id]
    versions = {x.id: x for x in session.exec(select(ConsentText).where(col(ConsentText.id).in_(stated)))}
    day = today or date.today()

    pdf = PdfForm(issuer, t("consents.pdf.title", lang))
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, latin1(t("consents.pdf.title", lang)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    ids = " - ".join(p for p in (customer.code, customer.vat_number, customer.tax_code) if p)
    pdf.multi_cell(0, 5, latin1(f"{customer.display_name}\n{ids}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    for contact_id, rows in current.items():
        if contact_id is None:
            subject = customer.display_name
        else:
            contact = contacts[contact_id]
            subject = f"{contact.first_name} {contact.last_name} ({t(f'contacts.kind.{contact.kind}', lang)})"
        pdf.set_font("Helvetica", "B", 12)
        pdf.set_fill_color(235, 237, 250)
        pdf.multi_cell(0, 7, latin1(subject), fill=True, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        for row in rows:
            text = versions.get(row.text_id) or texts[row.type_id]
            state = t(f"consents.state.{row.state}", lang)
            when = format_datetime(row.recorded_at, lang) if row.recorded_at else ""
            pdf.set_font("Helvetica", "B", 10)
            pdf.multi_cell(0, 5, latin1(f"{row.title} - {t('consents.pdf.version', lang, version=text.version)}"),
                           new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "", 9)
            pdf.multi_cell(0, 4.5, latin1(text.body), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "B", 9)
            mark = {rules.GRANTED: "[X]", rules.REFUSED: "[-]"}.get(row.state, "[ ]")
            line = f"{mark} {t('consents.pdf.state', lang)}: {state}" + (f" ({when})" if when else "")
            pdf.multi_cell(0, 5, latin1(line), new_x="LMARGIN", new_y="NEXT")
            if row.state != rules.GRANTED:
                _tick_boxes(pdf, lang)
            pdf.ln(2)
        _signature_line(pdf, subject, day, lang)
        pdf.ln(2)
    return bytes(pdf.output()), f"consensi-{customer.code}.pdf"


def _tick_boxes(pdf: FPDF, lang: str) -> None:
    """Two empty boxes the person ticks on paper: the answer not given yet."""
    pdf.set_font("Helvetica", "", 9)
    y = pdf.get_y() + 1
    x = pdf.l_margin
    for key in (N_("consents.pdf.agree"), N_("consents.pdf.disagree")):
        pdf.rect(x, y, 3.5, 3.5)
        pdf.set_xy(x + 5, y - 0.5)
        label = latin1(t(key, lang))
        pdf.cell(pdf.get_string_width(label) + 2, 4.5, label)
        x += pdf.get_string_width(label) + 14
    pdf.set_xy(pdf.l_margin, y + 5)


def _signature_line(pdf: FPDF, subject: str, day: date, lang: str) -> None:
    """Each person signs for their own consents."""
    if pdf.get_y() > pdf.h - 40:
        pdf.add_page()
    pdf.set_font("Helvetica", "", 9)
    pdf.cell(70, 6, latin1(f"{t('consents.pdf.date', lang)}: {format_short_date(day, lang)}"))
    pdf.cell(0, 6, latin1(t("consents.pdf.signature_of", lang, name=subject)), new_x="LMARGIN", new_y="NEXT")
    pdf.line(pdf.l_margin + 70, pdf.get_y() + 10, pdf.w - pdf.r_margin, pdf.get_y() + 10)
    pdf.ln(14)

