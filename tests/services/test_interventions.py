import base64
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from PIL import Image, ImageDraw
from pypdf import PdfReader
from sqlmodel import select

from app.domain.errors import DomainError, Forbidden
from app.domain.permissions import Role
from app.models import (
    Attachment,
    Customer,
    Intervention,
    InterventionTechnician,
    Movement,
    OutboxAttachment,
    OutboxMessage,
    User,
)
from app.services import (
    blocks,
    customers,
    documents,
    interventions,
    portal_accesses,
    portal_profiles,
    tickets,
)
from app.services.auth import actor_of
from app.settings import get_settings
from tests import factories

ROME_NOON = "2026-12-02T09:00"


def signature(ink: bool = True) -> str:
    image = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    if ink:
        ImageDraw.Draw(image).line([(20, 80), (120, 30), (200, 90), (280, 40)], fill=(10, 10, 60, 255), width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@pytest.fixture
def settings(tmp_path):
    return get_settings().__class__(**{**get_settings().__dict__, "upload_dir": tmp_path / "uploads",
                                       "intervention_reminder_days": "30,7"})


@pytest.fixture
def world(db):
    with db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        admin = factories.actor(s, Role.ADMIN)
        tech = factories.actor(s, Role.TECHNICIAN)
        other_tech = factories.actor(s, Role.TECHNICIAN)
        acme = customers.create_customer(session=s, actor=office, raw={
            "kind": "business", "company_name": "Acme Caldaie S.r.l.", "vat_number": "00743110157"})
        beta = customers.create_customer(session=s, actor=office, raw={
            "kind": "business", "company_name": "Beta", "vat_number": "01114601006"})
        site = customers.save_site(session=s, actor=office, customer_id=acme.id, raw={
            "name": "Magazzino", "street": "Via Roma 1", "cap": "20121", "city": "Milano", "province": "MI"})
        beta_site = customers.save_site(session=s, actor=office, customer_id=beta.id, raw={"name": "Sede"})
        contact = customers.save_contact(session=s, actor=office, customer_id=acme.id, raw={
            "first_name": "Laura", "last_name": "Neri", "email": "laura@acme.it", "phone": "+390248512210"})
        people = {}
        for name, sheets, reminders, visibility in (("boss", "on", "on", "company"), ("laura", "on", "on", "own"),
                                                    ("quiet", "", "", "company"), ("stranger", "on", "on", "own")):
            saved = portal_accesses.save_access(session=s, actor=office, customer_id=acme.id, raw={
                "full_name": name.title(), "email": f"{name}@acme.it", "active": "on",
                "receives_signed_sheets": sheets, "receives_reminders": reminders, "visibility": visibility})
            people[name] = actor_of(s.get(User, saved.user_id))
        beta_user = portal_accesses.save_access(session=s, actor=office, customer_id=beta.id, raw={
            "full_name": "Beta", "email": "b@beta.it", "active": "on", "visibility": "company"})
        people["beta"] = actor_of(s.get(User, beta_user.user_id))
        portal_profiles.default_profile(s)
        kinds = interventions.list_types(session=s)
        return {"office": office, "admin": admin, "tech": tech, "other_tech": other_tech, "acme": acme.id,
                "beta": beta.id, "site": site.id, "beta_site": beta_site.id, "contact": contact.id,
                "type": kinds[0].id, "people": people}


def plan(db, world, **extra):
    raw = {"site_id": str(world["site"]), "type_id": str(world["type"]), "technician_ids": [world["tech"].user_id],
           "starts_at": ROME_NOON, "ends_at": "2026-12-02T11:00", "description": "Controllo caldaia",
           "contact_id": str(world["contact"]), **extra}
    with db(write=True) as s:
        return interventions.plan(session=s, actor=world["office"], customer_id=world["acme"], raw=raw).id


def close_raw(**extra):
    return {"work_done": "Sostituita valvola", "minutes_spent": "90", "signer_name": "Laura Neri",
            "signature": signature(), "close_token": "tok-1",
            "materials": [{"description": "Valvola 3/4", "quantity": "1", "unit": "pz"}], **extra}


def test_types_are_seeded_in_both_languages(db):
    with db() as s:
        codes = {k.code: (k.name_it, k.name_en) for k in interventions.list_types(session=s)}
    assert codes["maintenance"] == ("Manutenzione", "Maintenance")
    assert set(codes) == {"maintenance", "repair", "verification", "installation"}


def test_plan_stores_utc_times_numbers_and_a_movement(db, world):
    intervention_id = plan(db, world)
    with db() as s:
        row = s.get(Intervention, intervention_id)
        assert row.number == "INT-2026-00001"
        assert row.starts_at.astimezone(UTC) == datetime(2026, 12, 2, 8, 0, tzinfo=UTC)  # 09:00 in Rome, winter
        assert row.status == "planned"
        crew = s.exec(select(InterventionTechnician).where(InterventionTechnician.intervention_id == row.id)).all()
        assert [c.user_id for c in crew] == [world["tech"].user_id]
        kinds = [m.kind for m in s.exec(select(Movement).where(Movement.customer_id == world["acme"]))]
    assert "intervention.planned" in kinds


def test_times_across_the_october_change_keep_their_real_length(db, world):
    # 01:30 to 03:30 on 25 October 2026 is three hours: the clock goes back at 03:00.
    intervention_id = plan(db, world, starts_at="2026-10-25T01:30", ends_at="2026-10-25T03:30")
    with db() as s:
        row = s.get(Intervention, intervention_id)
        assert row.ends_at - row.starts_at == timedelta(hours=3)
    start, end = interventions.local_day_bounds(date(2026, 10, 25))
    assert end - start == timedelta(hours=25)
    with pytest.raises(DomainError) as refused:
        plan(db, world, starts_at="2026-03-29T02:30", ends_at="2026-03-29T04:00")
    assert refused.value.errors == {"starts_at": "form.err.time_skipped"}


@pytest.mark.parametrize("extra, field", [
    ({"ends_at": "2026-12-02T08:00"}, "ends_at"),
    ({"site_id": "beta"}, "site_id"),
    ({"technician_ids": []}, "technician_ids"),
    ({"description": ""}, "description"),
    ({"contact_id": "999999"}, "contact_id"),
    ({"starts_at": "domani"}, "starts_at"),
])
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_written(db, world, extra, field):
    if extra.get("site_id") == "beta":
        extra = {"site_id": str(world["beta_site"])}
    with pytest.raises(DomainError) as refused:
        plan(db, world, **extra)
    assert field in refused.value.errors
    with db() as s:
        assert s.exec(select(Intervention)).all() == []


def test_a_technician_cannot_be_an_office_user(db, world):
    with pytest.raises(DomainError) as refused:
        plan(db, world, technician_ids=[world["office"].user_id])
    assert "technician_ids" in refused.value.errors


def test_double_booking_names_the_other_intervention_and_may_be_accepted(db, world):
    plan(db, world)
    with pytest.raises(DomainError) as refused:
        plan(db, world, starts_at="2026-12-02T10:00", ends_at="2026-12-02T12:00")
    assert refused.value.errors == {"technician_ids": "interventions.err.double_booked"}
    assert refused.value.params["number"] == "INT-2026-00001"
    assert refused.value.params["customer"] == "Acme Caldaie S.r.l."
    plan(db, world, starts_at="2026-12-02T10:00", ends_at="2026-12-02T12:00", accept_overlap="on")
    plan(db, world, starts_at="2026-12-02T12:00", ends_at="2026-12-02T13:00", accept_overlap="")  # back to back
    with db() as s:
        assert len(s.exec(select(Intervention)).all()) == 3


def test_an_assistance_block_refuses_new_interventions(db, world):
    with db(write=True) as s:
        blocks.set_block(session=s, actor=world["admin"], customer_id=world["acme"],
                         raw={"level": "assistance", "reason": "Contratto scaduto"})
    with pytest.raises(DomainError) as refused:
        plan(db, world)
    assert refused.value.message_key == "blocks.refused.new_intervention"


def test_only_the_office_plans_and_a_technician_sees_only_their_own(db, world):
    intervention_id = plan(db, world)
    for who in (world["tech"], world["people"]["boss"]):
        with db(write=True) as s, pytest.raises(Forbidden):
            interventions.plan(session=s, actor=who, customer_id=world["acme"], raw={})
    with db(write=True) as s:
        for call in (lambda: interventions.start(session=s, actor=world["other_tech"], intervention_id=intervention_id),
                     lambda: interventions.detail(session=s, actor=world["other_tech"],
                                                  intervention_id=intervention_id),
                     lambda: interventions.close(session=s, actor=world["other_tech"],
                                                 intervention_id=intervention_id, raw=close_raw())):
            with pytest.raises(DomainError) as refused:
                call()
            assert refused.value.message_key == "interventions.not_found"
        with pytest.raises(Forbidden):
            customers.get_customer(session=s, actor=world["tech"], customer_id=world["acme"])
        assert interventions.detail(session=s, actor=world["tech"], intervention_id=intervention_id).row.number


def test_status_moves_only_forward(db, world, settings):
    intervention_id = plan(db, world)
    with db(write=True) as s, pytest.raises(DomainError) as refused:
        interventions.close(session=s, actor=world["tech"], intervention_id=intervention_id, raw=close_raw(),
                            settings=settings)
    assert refused.value.message_key == "interventions.err.not_running"
    with db(write=True) as s:
        interventions.start(session=s, actor=world["tech"], intervention_id=intervention_id)
    with db(write=True) as s, pytest.raises(DomainError) as refused:
        interventions.start(session=s, actor=world["tech"], intervention_id=intervention_id)
    assert refused.value.message_key == "interventions.err.status"
    with db(write=True) as s:
        interventions.close(session=s, actor=world["tech"], intervention_id=intervention_id, raw=close_raw(),
                            settings=settings)
    with db(write=True) as s, pytest.raises(DomainError) as refused:
        interventions.cancel(session=s, actor=world["office"], intervention_id=intervention_id,
                             raw={"reason": "errore"})
    assert refused.value.message_key == "interventions.err.status"
    with db(write=True) as s, pytest.raises(DomainError) as refused:
        interventions.update(session=s, actor=world["office"], intervention_id=intervention_id, raw={})
    assert refused.value.message_key == "interventions.err.not_editable"


def test_cancelling_asks_for_a_reason_and_frees_the_technician(db, world):
    intervention_id = plan(db, world)
    with db(write=True) as s, pytest.raises(DomainError) as refused:
        interventions.cancel(session=s, actor=world["office"], intervention_id=intervention_id, raw={"reason": ""})
    assert refused.value.errors == {"reason": "form.err.required"}
    with db(write=True) as s:
        interventions.cancel(session=s, actor=world["office"], intervention_id=intervention_id,
                             raw={"reason": "Cliente assente"})
    plan(db, world)  # the same slot no longer clashes
    with db() as s:
        assert s.get(Intervention, intervention_id).status == "cancelled"


def test_reschedule_is_a_movement_with_both_times(db, world):
    intervention_id = plan(db, world)
    raw = {"site_id": str(world["site"]), "type_id": str(world["type"]), "technician_ids": [world["tech"].user_id],
           "starts_at": "2026-12-03T14:00", "ends_at": "2026-12-03T15:00", "description": "Controllo caldaia"}
    with db(write=True) as s:
        interventions.update(session=s, actor=world["office"], intervention_id=intervention_id, raw=raw,
                             expected_version=1)
    with db(write=True) as s, pytest.raises(DomainError) as refused:
        interventions.update(session=s, actor=world["office"], intervention_id=intervention_id, raw=raw,
                             expected_version=1)
    assert refused.value.message_key == "interventions.err.stale"
    with db() as s:
        moved = s.exec(select(Movement).where(Movement.kind == "intervention.rescheduled")).one()
        assert (moved.before, moved.after) == ("02/12/2026 09:00", "03/12/2026 14:00")
        crew = s.exec(select(InterventionTechnician)).one()
        assert crew.starts_at == s.get(Intervention, intervention_id).starts_at


def test_closing_makes_one_signed_sheet_mailed_to_the_flagged_users_who_see_it(db, world, settings):
    intervention_id = plan(db, world)
    with db(write=True) as s:
        interventions.start(session=s, actor=world["tech"], intervention_id=intervention_id)
    with db(write=True) as s, pytest.raises(DomainError) as refused:
        interventions.close(session=s, actor=world["tech"], intervention_id=intervention_id,
                            raw=close_raw(signature=signature(ink=False), signer_name=""), settings=settings)
    assert refused.value.errors == {"signer_name": "form.err.required", "signature": "interventions.err.signature_empty"}
    with db(write=True) as s:
        first = interventions.close(session=s, actor=world["tech"], intervention_id=intervention_id,
                                    raw=close_raw(), settings=settings)
        assert first.created
    with db(write=True) as s:  # the same closing again, as after a dropped connection
        again = interventions.close(session=s, actor=world["tech"], intervention_id=intervention_id,
                                    raw=close_raw(), settings=settings)
        assert not again.created
    with db(write=True) as s, pytest.raises(DomainError) as refused:
        interventions.close(session=s, actor=world["tech"], intervention_id=intervention_id,
                            raw=close_raw(close_token="tok-2"), settings=settings)
    assert refused.value.message_key == "interventions.err.already_closed"
    with db() as s:
        sheets = s.exec(select(Attachment).where(Attachment.owner_kind == "intervention_sheet")).all()
        assert len(sheets) == 1
        row = s.get(Intervention, intervention_id)
        assert row.sheet_attachment_id == sheets[0].id and len(row.sheet_sha256) == 64
        mails = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "intervention_sheet")).all()
        # boss sees the whole company; laura is the contact on site; quiet asked for nothing; stranger sees
        # only what concerns them, which this is not.
        assert sorted(m.to_address for m in mails) == ["boss@acme.it", "laura@acme.it"]
        files = s.exec(select(OutboxAttachment)).all()
        assert len(files) == 2 and all(f.content_type == "application/pdf" for f in files)
        download = documents.open_download(session=s, actor=world["people"]["laura"], attachment_id=sheets[0].id,
                                           settings=settings)
        pdf = PdfReader(download.path)
    text = pdf.pages[0].extract_text()
    assert "Laura Neri" in text and "Sostituita valvola" in text and "Valvola 3/4" in text
    assert row.sheet_sha256 in text.replace("\n", "")
    assert pdf.pages[0].images, "the signature is embedded as an image"


def test_no_sheet_mail_for_a_customer_that_blocks_automatic_emails(db, world, settings):
    with db(write=True) as s:
        s.get(Customer, world["acme"]).block_automatic_emails = True
    intervention_id = plan(db, world)
    with db(write=True) as s:
        interventions.start(session=s, actor=world["tech"], intervention_id=intervention_id)
        interventions.close(session=s, actor=world["tech"], intervention_id=intervention_id, raw=close_raw(),
                            settings=settings)
    with db() as s:
        assert s.exec(select(OutboxMessage).where(OutboxMessage.kind == "intervention_sheet")).all() == []


def test_a_closed_intervention_is_corrected_only_by_a_logged_note(db, world, settings):
    intervention_id = plan(db, world)
    with db(write=True) as s:
        interventions.start(session=s, actor=world["tech"], intervention_id=intervention_id)
        interventions.close(session=s, actor=world["tech"], intervention_id=intervention_id, raw=close_raw(),
                            settings=settings)
    with db(write=True) as s, pytest.raises(DomainError):
        interventions.save_work(session=s, actor=world["tech"], intervention_id=intervention_id,
                                raw={"work_done": "altro"})
    with db(write=True) as s:
        note = interventions.add_note(session=s, actor=world["tech"], intervention_id=intervention_id,
                                      raw={"body": "La valvola era da 1/2"})
        assert note.is_correction
    with db() as s:
        detail = interventions.detail(session=s, actor=world["office"], intervention_id=intervention_id)
        assert detail.notes[0].body == "La valvola era da 1/2"
        assert s.exec(select(Movement).where(Movement.kind == "intervention.note")).one()


def test_photos_are_content_checked_and_kept_from_customers(db, world, settings):
    intervention_id = plan(db, world)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="JPEG")
    with db(write=True) as s:
        interventions.start(session=s, actor=world["tech"], intervention_id=intervention_id)
        photo = interventions.add_photo(session=s, actor=world["tech"], intervention_id=intervention_id,
                                        filename="caldaia.jpg", data=buffer.getvalue(), settings=settings)
    with db(write=True) as s, pytest.raises(DomainError):
        interventions.add_photo(session=s, actor=world["tech"], intervention_id=intervention_id,
                                filename="x.jpg", data=b"MZ\x90\x00 not an image", settings=settings)
    with db() as s:
        assert documents.open_download(session=s, actor=world["office"], attachment_id=photo.id, settings=settings)
        with pytest.raises(Forbidden):
            documents.open_download(session=s, actor=world["people"]["boss"], attachment_id=photo.id,
                                    settings=settings)


def test_the_reserved_area_sees_its_company_within_each_users_scope(db, world):
    mine = plan(db, world)
    with db(write=True) as s:
        ticket = tickets.open_ticket(session=s, actor=world["people"]["stranger"],
                                     raw={"subject": "Perdita", "body": "Perde acqua"})
    with db() as s:
        assert tickets.plannable_tickets(session=s, actor=world["office"], customer_id=world["acme"]) == [
            (ticket.id, "Perdita")]
        for refused in (world["tech"], world["people"]["stranger"]):
            with pytest.raises(Forbidden):
                tickets.plannable_tickets(session=s, actor=refused, customer_id=world["acme"])
    asked = plan(db, world, contact_id="", ticket_id=str(ticket.id), starts_at="2026-12-04T09:00",
                 ends_at="2026-12-04T10:00")
    with db() as s:
        def seen(who):
            upcoming, past = interventions.portal_interventions(session=s, actor=world["people"][who])
            return {r.id for r in upcoming + past}
        assert seen("boss") == {mine, asked}
        assert seen("laura") == {mine}
        assert seen("stranger") == {asked}
        assert seen("beta") == set()
        with pytest.raises(DomainError):
            interventions.detail(session=s, actor=world["people"]["beta"], intervention_id=mine)
        with pytest.raises(DomainError):
            interventions.detail(session=s, actor=world["people"]["stranger"], intervention_id=mine)


def test_the_section_needs_its_module_in_the_profile(db, world):
    plan(db, world)
    with db(write=True) as s:
        portal_profiles.default_profile(s).modules = "my_data"
    with db() as s, pytest.raises(Forbidden):
        interventions.portal_interventions(session=s, actor=world["people"]["boss"])


def test_a_linked_report_is_narrowed_like_its_intervention(db, world):
    intervention_id = plan(db, world, contact_id="")
    with db(write=True) as s:
        documents.save_report(session=s, actor=world["office"], customer_id=world["acme"], raw={
            "title": "Verifica fumi", "kind": "verification", "report_date": "2026-12-02", "shared": "on",
            "intervention_id": str(intervention_id)})
        with pytest.raises(DomainError) as refused:  # only one of the customer's own interventions
            documents.save_report(session=s, actor=world["office"], customer_id=world["beta"], raw={
                "title": "Altro", "kind": "report", "report_date": "2026-12-02", "intervention_id": str(intervention_id)})
        assert refused.value.errors == {"intervention_id": "documents.err.intervention"}
        documents.save_report(session=s, actor=world["office"], customer_id=world["acme"], raw={
            "title": "Relazione annuale", "kind": "report", "report_date": "2026-12-01", "shared": "on"})
        portal_profiles.default_profile(s).modules = "interventions,reports"
    with db() as s:
        def titles(who):
            return {r.title for r in documents.shared_documents(session=s, actor=world["people"][who], kind="report")}
        assert titles("boss") == {"Verifica fumi", "Relazione annuale"}
        assert titles("laura") == {"Relazione annuale"}


def test_agenda_lists_today_then_the_week_of_the_technician_only(db, world):
    today = date(2026, 12, 2)
    plan(db, world)
    plan(db, world, starts_at="2026-12-05T09:00", ends_at="2026-12-05T10:00")
    plan(db, world, starts_at="2026-12-20T09:00", ends_at="2026-12-20T10:00")
    plan(db, world, starts_at="2026-12-02T15:00", ends_at="2026-12-02T16:00",
         technician_ids=[world["other_tech"].user_id])
    with db() as s:
        agenda = interventions.agenda(session=s, actor=world["tech"], today=today)
        assert [r.starts_at.astimezone(UTC).hour for r in agenda.today] == [8]
        assert len(agenda.week) == 1
        other = interventions.agenda(session=s, actor=world["other_tech"], today=today)
        assert len(other.today) == 1 and other.week == []


def test_calendar_returns_the_range_filtered_by_technician_and_type(db, world):
    plan(db, world)
    plan(db, world, starts_at="2026-12-10T09:00", ends_at="2026-12-10T10:00",
         technician_ids=[world["other_tech"].user_id])
    plan(db, world, starts_at="2027-01-10T09:00", ends_at="2027-01-10T10:00")
    start, end = datetime(2026, 11, 30, tzinfo=UTC), datetime(2027, 1, 4, tzinfo=UTC)
    with db() as s:
        assert len(interventions.calendar(session=s, actor=world["office"], start=start, end=end)) == 2
        mine = interventions.calendar(session=s, actor=world["office"], start=start, end=end,
                                      technician_ids=(world["tech"].user_id,))
        assert [r.technicians for r in mine] == [("Utente " + world["tech"].name.split()[-1],)]
        with pytest.raises(Forbidden):
            interventions.calendar(session=s, actor=world["tech"], start=start, end=end)


def test_list_pages_by_keyset_with_filters(db, world):
    for day in range(1, 8):
        plan(db, world, starts_at=f"2026-12-{day:02d}T09:00", ends_at=f"2026-12-{day:02d}T09:30")
    with db() as s:
        filters = interventions.ListFilters(customer_text="acme", date_from=date(2026, 12, 2))
        first, after = interventions.list_page(session=s, actor=world["office"], filters=filters, limit=4)
        second, end = interventions.list_page(session=s, actor=world["office"], filters=filters, after=after, limit=4)
        assert len(first) == 4 and len(second) == 2 and end is None
        assert first[0].starts_at > second[-1].starts_at
        none, _ = interventions.list_page(session=s, actor=world["office"],
                                          filters=interventions.ListFilters(customer_text="beta"))
        assert none == []


def test_reminders_go_once_per_offset_again_after_a_reschedule_never_after_cancel(db, world, settings):
    intervention_id = plan(db, world, starts_at="2027-01-20T09:00", ends_at="2027-01-20T10:00")
    starts = datetime(2027, 1, 20, 8, tzinfo=UTC)

    def run(now):
        with db(write=True) as s:
            return interventions.send_reminders(session=s, now=now, settings=settings)

    assert run(starts - timedelta(days=31)) == 0
    assert run(starts - timedelta(days=30)) == 2  # boss and laura receive reminders and see it
    assert run(starts - timedelta(days=29)) == 0
    assert run(starts - timedelta(days=6)) == 2
    assert run(starts - timedelta(days=5)) == 0
    with db() as s:
        message = s.exec(select(OutboxMessage).where(OutboxMessage.to_address == "boss@acme.it",
                                                     OutboxMessage.kind == "intervention_reminder")
                         .order_by(OutboxMessage.id)).first()
        ics = s.exec(select(OutboxAttachment).where(OutboxAttachment.message_id == message.id)).one()
    event = Calendar.from_ical(ics.data).walk("VEVENT")[0]
    assert event.decoded("dtstart") == starts
    assert "Magazzino" in str(event.get("location"))
    with db(write=True) as s:
        raw = {"site_id": str(world["site"]), "type_id": str(world["type"]),
               "technician_ids": [world["tech"].user_id], "starts_at": "2027-01-27T09:00",
               "ends_at": "2027-01-27T10:00", "description": "Controllo", "contact_id": str(world["contact"])}
        interventions.update(session=s, actor=world["office"], intervention_id=intervention_id, raw=raw)
    assert run(starts + timedelta(days=7) - timedelta(days=6)) == 2  # the new date's 7-day reminder
    with db(write=True) as s:
        interventions.cancel(session=s, actor=world["office"], intervention_id=intervention_id,
                             raw={"reason": "Annullato dal cliente"})
    assert run(starts + timedelta(days=7) - timedelta(days=3)) == 0


def test_a_visit_planned_close_to_its_date_gets_only_the_reminder_that_still_makes_sense(db, world, settings):
    plan(db, world, starts_at="2027-01-20T09:00", ends_at="2027-01-20T10:00")
    with db(write=True) as s:
        assert interventions.send_reminders(session=s, now=datetime(2027, 1, 15, tzinfo=UTC),
                                            settings=settings) == 2
    with db() as s:
        keys = [m.dedupe_key for m in s.exec(select(OutboxMessage).where(OutboxMessage.kind == "intervention_reminder"))]
    assert all(":7:" in key for key in keys)
