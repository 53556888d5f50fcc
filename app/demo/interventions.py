"""The demo's interventions, placed around the day the demo is created (Europe/Rome): the technicians'
day and week, the demo customer's signed visits and the next one, the office's month in two colours.
Everything goes through the services, with the same checks a planner and a technician meet."""

from __future__ import annotations

import base64
import io
import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from PIL import Image, ImageDraw
from sqlmodel import Session, col, select

from app.domain.permissions import Actor
from app.i18n.formats import TIME_ZONE
from app.models import Contact, Customer, CustomerBlock, Intervention, Site
from app.services import customers, documents, interventions

CANCEL_REASON = "Il cliente ha chiesto di rimandare: locale chiuso per ristrutturazione."
OTHER_CUSTOMERS = 8  # generated customers with a site that the technicians visit

MATERIALS = {
    "maintenance": [{"description": "Kit manutenzione annuale caldaia", "quantity": "1", "unit": "pz"},
                    {"description": "Guarnizione bruciatore", "quantity": "2", "unit": "pz"}],
    "repair": [{"description": "Valvola termostatica 1/2", "quantity": "1", "unit": "pz"},
               {"description": "Tubo rame 14 mm", "quantity": "1,5", "unit": "m"}],
    "verification": [],
    "installation": [{"description": "Climatizzatore split 12000 BTU", "quantity": "1", "unit": "pz"},
                     {"description": "Staffe a muro", "quantity": "2", "unit": "pz"}],
}
WORK = {
    "maintenance": "Pulizia scambiatore e bruciatore, controllo tiraggio, analisi fumi nella norma.",
    "repair": "Sostituita valvola termostatica difettosa, verificata la tenuta dell'impianto.",
    "verification": "Verifica fumi e compilazione del libretto d'impianto: rendimento 96%, CO nella norma.",
    "installation": "Installato climatizzatore, eseguito vuoto e collaudo, spiegato l'uso al cliente.",
}
DESCRIPTION = {
    "maintenance": "Manutenzione programmata della caldaia",
    "repair": "Perdita d'acqua dalla caldaia segnalata dal cliente",
    "verification": "Verifica periodica fumi e libretto d'impianto",
    "installation": "Installazione climatizzatore nell'ufficio al primo piano",
}


def signature_png(name: str) -> str:
    """A signature as the sheet's canvas sends it: a few pen strokes, different for each signer."""
    rng = random.Random(name)
    image = Image.new("RGBA", (360, 140), (255, 255, 255, 0))
    pen = ImageDraw.Draw(image)
    x = 20
    for _ in range(3 + len(name) % 3):
        points = [(x, rng.randint(60, 100))]
        for _ in range(rng.randint(4, 7)):
            x = min(x + rng.randint(12, 26), 340)
            points.append((x, rng.randint(25, 115)))
        pen.line(points, fill=(20, 30, 90, 255), width=3, joint="curve")
        x = min(x + 10, 330)
    pen.line([(30, 122), (x, 118)], fill=(20, 30, 90, 255), width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@dataclass(frozen=True)
class Place:
    customer_id: int
    site_id: int
    contact_id: int
    contact_name: str


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TIME_ZONE)


def _place(session: Session, admin: Actor, customer: Customer) -> Place:
    """The customer's default (or first) site and a contact on site with a phone, added when missing."""
    site = session.exec(select(Site).where(Site.customer_id == customer.id)
                        .order_by(col(Site.is_default).desc(), Site.id)).first()
    contact = session.exec(select(Contact).where(Contact.customer_id == customer.id, col(Contact.phone).is_not(None))
                           .order_by(Contact.id)).first()
    if contact is None:
        contact = customers.save_contact(session=session, actor=admin, customer_id=customer.id, raw={
            "first_name": "Franco", "last_name": "Esposito", "role": "Responsabile tecnico",
            "phone": "+39 333 104 2290"})
    return Place(customer.id, site.id, contact.id, f"{contact.first_name} {contact.last_name}")


def _other_places(session: Session, admin: Actor) -> list[Place]:
    """Generated business customers with a site and no block, in code order: the same ones every time."""
    blocked = select(CustomerBlock.customer_id).where(col(CustomerBlock.lifted_at).is_(None))
    found = session.exec(
        select(Customer).where(Customer.code > "C000006", col(Customer.id).not_in(blocked),
                               col(Customer.id).in_(select(Site.customer_id)))
        .order_by(Customer.code).limit(OTHER_CUSTOMERS)).all()
    return [_place(session, admin, customer) for customer in found]


class _Planner:
    def __init__(self, session: Session, office: Actor, kinds: dict[str, int]) -> None:
        self.session, self.office, self.kinds = session, office, kinds

    def plan(self, place: Place, tech: Actor, starts: datetime, hours: float, kind: str,
             description: str | None = None) -> Intervention:
        return interventions.plan(session=self.session, actor=self.office, customer_id=place.customer_id, raw={
            "site_id": str(place.site_id), "type_id": str(self.kinds[kind]), "technician_ids": [tech.user_id],
            "starts_at": starts, "ends_at": starts + timedelta(hours=hours),
            "description": description or DESCRIPTION[kind], "contact_id": str(place.contact_id)})

    def done(self, place: Place, tech: Actor, starts: datetime, hours: float, kind: str) -> Intervention:
        """A past visit, started and closed by its technician at the times it really took, with the signed
        sheet those times are printed on."""
        intervention = self.plan(place, tech, starts, hours, kind)
        started = starts + timedelta(minutes=5)
        minutes = int(hours * 60) - 10
        interventions.start(session=self.session, actor=tech, intervention_id=intervention.id, now=started)
        return interventions.close(session=self.session, actor=tech, intervention_id=intervention.id, raw={
            "work_done": WORK[kind], "minutes_spent": str(minutes), "materials": MATERIALS[kind],
            "signer_name": place.contact_name, "signature": signature_png(place.contact_name),
            "close_token": uuid.uuid4().hex}, now=started + timedelta(minutes=minutes)).intervention


def seed_interventions(*, session: Session, office: Actor, admin: Actor, technicians: tuple[Actor, Actor],
                       today: date) -> None:
    tech, second = technicians
    kinds = {k.code: k.id for k in interventions.list_types(session=session)}
    planner = _Planner(session, office, kinds)
    rossi = _place(session, admin, session.exec(select(Customer).where(Customer.code == "C000001")).one())
    others = _other_places(session, admin)

    # The demo customer: three signed visits (their sheets reach cliente@demo.it), a report on the last
    # verification, and the next maintenance inside the 7-day reminder window.
    planner.done(rossi, tech, _local(today - timedelta(days=75), 9), 2, "maintenance")
    planner.done(rossi, second, _local(today - timedelta(days=33), 14), 1.5, "repair")
    verified = planner.done(rossi, tech, _local(today - timedelta(days=9), 10), 1, "verification")
    report = documents.save_report(session=session, actor=admin, customer_id=rossi.customer_id, raw={
        "title": "Rapporto di verifica fumi caldaia", "kind": "verification",
        "report_date": (today - timedelta(days=9)).isoformat(), "shared": "on",
        "notes": "Rendimento di combustione 96%, nessuna anomalia."})
    # The report form has no intervention field yet: the link is set on the row the service just wrote.
    report.intervention_id = verified.id
    session.add(report)
    planner.plan(rossi, tech, _local(today + timedelta(days=3), 9, 30), 2, "maintenance",
                 "Manutenzione annuale dei condizionatori del magazzino")

    # The demo technician's day and week, the first visit of the day already under way.
    first = planner.plan(others[0], tech, _local(today, 9), 2, "repair")
    interventions.start(session=session, actor=tech, intervention_id=first.id)
    planner.plan(others[1], tech, _local(today, 14, 30), 2, "maintenance")
    planner.plan(others[2], tech, _local(today + timedelta(days=1), 10), 3, "installation")
    planner.plan(others[3], tech, _local(today + timedelta(days=5), 8, 30), 1, "verification")
    # The second technician works the same days, so the office's calendar shows both colours.
    planner.plan(others[4], second, _local(today, 8, 30), 3, "installation")
    planner.plan(others[5], second, _local(today + timedelta(days=1), 15), 1.5, "repair")
    cancelled = planner.plan(others[6], second, _local(today + timedelta(days=2), 11), 2, "maintenance")
    interventions.cancel(session=session, actor=office, intervention_id=cancelled.id, raw={"reason": CANCEL_REASON})

    # The rest of the month, past visits closed and signed, the coming ones planned; late afternoons, so
    # they never clash with the week above.
    month_start = today.replace(day=1)
    month_end = (month_start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    spread = (2, 4, 7, 10, 13, 16, 19, 22, 25, 27)
    for index, day_of_month in enumerate(spread):
        day = min(month_start + timedelta(days=day_of_month - 1), month_end)
        if abs((day - today).days) <= 1:
            continue
        who = (tech, second)[index % 2]
        place = others[(index + 1) % len(others)]
        kind = ("maintenance", "repair", "verification", "installation")[index % 4]
        if day < today:
            planner.done(place, who, _local(day, 16, 30), 1.5, kind)
        else:
            planner.plan(place, who, _local(day, 16, 30), 1.5, kind)
