"""The signed intervention sheet (PDF) and the calendar entry (.ics) sent with reminders."""

from __future__ import annotations

import io

from icalendar import Calendar, Event
from sqlmodel import Session, select

from app.domain import interventions as rules
from app.i18n import t
from app.i18n.formats import format_datetime, format_quantity
from app.models import Contact, Customer, Intervention, InterventionMaterial, InterventionTechnician, Site, User
from app.models.base import as_utc
from app.services.pdf import PdfForm, latin1


def sheet_lines(session: Session, intervention: Intervention, lang: str) -> list[tuple[str, str]]:
    """Every labelled line the sheet shows, in order: what is printed and what its fingerprint covers."""
    customer = session.get(Customer, intervention.customer_id)
    site = session.get(Site, intervention.site_id)
    contact = session.get(Contact, intervention.contact_id) if intervention.contact_id else None
    technicians = session.exec(select(User.full_name).join(
        InterventionTechnician, InterventionTechnician.user_id == User.id)
        .where(InterventionTechnician.intervention_id == intervention.id).order_by(User.full_name)).all()
    from app.services.interventions import site_address

    lines = [
        (t("interventions.sheet.number", lang), intervention.number),
        (t("interventions.sheet.customer", lang), f"{customer.display_name} ({customer.code})"),
        (t("interventions.sheet.ids", lang), " - ".join(p for p in (customer.vat_number, customer.tax_code) if p)),
        (t("interventions.sheet.site", lang), f"{site.name} - {site_address(site)}"),
        (t("interventions.sheet.contact", lang), f"{contact.first_name} {contact.last_name}" if contact else ""),
        (t("interventions.sheet.technicians", lang), ", ".join(technicians)),
        (t("interventions.sheet.planned", lang),
         f"{format_datetime(intervention.starts_at, lang)} - {format_datetime(intervention.ends_at, lang)}"),
        (t("interventions.sheet.started", lang), format_datetime(intervention.started_at, lang)),
        (t("interventions.sheet.closed", lang), format_datetime(intervention.closed_at, lang)),
        (t("interventions.sheet.minutes", lang), str(intervention.minutes_spent or "")),
        (t("interventions.sheet.description", lang), intervention.description),
        (t("interventions.sheet.work", lang), intervention.work_done or ""),
    ]
    for material in session.exec(select(InterventionMaterial).where(
            InterventionMaterial.intervention_id == intervention.id).order_by(InterventionMaterial.position)):
        amount = " ".join(p for p in (format_quantity(material.quantity), material.unit) if p)
        lines.append((t("interventions.sheet.material", lang), f"{amount} {material.description}"))
    lines.append((t("interventions.sheet.signer", lang), intervention.signer_name or ""))
    return lines


def render(*, session: Session, intervention: Intervention, signature: bytes, issuer: str,
           lang: str) -> tuple[bytes, str]:
    """The sheet's PDF and the SHA-256 printed on it."""
    lines = sheet_lines(session, intervention, lang)
    digest = rules.sheet_digest((f"{label}: {value}" for label, value in lines), signature)
    title = t("interventions.sheet.title", lang)
    pdf = PdfForm(issuer, title)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, latin1(f"{title} {intervention.number}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for label, value in lines[1:-1]:
        pdf.set_font("Helvetica", "B", 9)
        pdf.cell(42, 5.5, latin1(label))
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(0, 5.5, latin1(value) or "-", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 6, latin1(t("interventions.sheet.signature", lang)), new_x="LMARGIN", new_y="NEXT")
    top = pdf.get_y()
    pdf.image(io.BytesIO(signature), x=pdf.l_margin, y=top, w=70)
    pdf.set_y(pdf.get_y() + 2 if pdf.get_y() > top else top + 30)
    pdf.set_font("Helvetica", "", 10)
    signed = f"{lines[-1][1]} - {format_datetime(intervention.closed_at, lang)}"
    pdf.multi_cell(0, 5.5, latin1(f"{lines[-1][0]}: {signed}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Courier", "", 7)
    pdf.multi_cell(0, 4, latin1(f"SHA-256: {digest}"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output()), digest


def calendar_entry(intervention: Intervention, row: object, company: str, lang: str) -> bytes:
    """An iCalendar event for the visit. Its UID stays the same and its sequence grows with every change,
    so a calendar that has it moves it when it is rescheduled."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{company}//Interventi//IT")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"intervention-{intervention.id}@{company.replace(' ', '-').lower()}")
    event.add("sequence", intervention.version)
    event.add("dtstamp", as_utc(intervention.updated_at))
    event.add("dtstart", as_utc(intervention.starts_at))
    event.add("dtend", as_utc(intervention.ends_at))
    event.add("summary", t("interventions.ics.summary", lang, kind=row.type_name, number=intervention.number))
    event.add("location", f"{row.site_name}, {row.site_address}")
    event.add("description", intervention.description)
    calendar.add_component(event)
    return calendar.to_ical()
