"""The demo data a first visitor signs in to: built through the services, the same again when run twice."""

from datetime import datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlmodel import func, select

from app import seed
from app.domain.vocabularies import InterventionStatus
from app.i18n.formats import TIME_ZONE
from app.models import Intervention, OutboxMessage, Report, User
from app.models.base import as_utc
from app.services import documents, interventions
from app.services.auth import actor_of
from app.services.interventions import local_day_bounds


@pytest.fixture
def seeded(app_db, engine, monkeypatch):
    monkeypatch.setattr(seed, "get_engine", lambda: engine)
    seed.seed_demo()
    return app_db


def actor(session, email):
    return actor_of(session.exec(select(User).where(User.email == email)).one())


def test_running_the_demo_again_adds_nothing(seeded):
    with seeded() as s:
        counts = [s.exec(select(func.count()).select_from(table)).one() for table in (Intervention, User, Report)]
    seed.seed_demo()
    with seeded() as s:
        assert [s.exec(select(func.count()).select_from(table)).one() for table in (Intervention, User, Report)] \
            == counts


def test_the_technician_has_today_and_this_week_at_several_sites_one_already_running(seeded):
    today = datetime.now(TIME_ZONE).date()
    with seeded() as s:
        tech = actor(s, "tecnico@demo.it")
        agenda = interventions.agenda(session=s, actor=tech, today=today)
        assert len(agenda.today) >= 2 and len(agenda.week) >= 2
        assert [r.status for r in agenda.today].count(InterventionStatus.IN_PROGRESS.value) == 1
        assert len({r.customer_id for r in agenda.today + agenda.week}) >= 3
        for row in agenda.today + agenda.week:
            assert interventions.detail(session=s, actor=tech, intervention_id=row.id).contact_phone


def test_the_demo_customer_has_signed_sheets_a_report_and_a_visit_inside_the_reminder_window(seeded):
    with seeded() as s:
        client = actor(s, "cliente@demo.it")
        upcoming, past = interventions.portal_interventions(session=s, actor=client)
        closed = [r for r in past if r.status == InterventionStatus.CLOSED.value]
        assert len(closed) >= 2 and all(r.has_sheet for r in closed)
        sheet = interventions.detail(session=s, actor=client, intervention_id=closed[0].id)
        download = documents.open_download(session=s, actor=client, attachment_id=sheet.sheet_id)
        text = PdfReader(download.path).pages[0].extract_text()
        assert sheet.signer_name in text and sheet.row.number in text
        # The printed times are the visit's own, in the past, not the day the demo was built.
        assert as_utc(sheet.closed_at) < datetime.now(TIME_ZONE) - timedelta(days=1)
        soon = [r for r in upcoming if r.status == InterventionStatus.PLANNED.value
                and r.starts_at - datetime.now(TIME_ZONE) < timedelta(days=7)]
        assert soon
        report = s.exec(select(Report).where(Report.intervention_id.is_not(None))).one()
        assert report.intervention_id in {r.id for r in closed}
        sheets = s.exec(select(OutboxMessage).where(OutboxMessage.to_address == "cliente@demo.it",
                                                    OutboxMessage.kind == "intervention_sheet")).all()
        assert len(sheets) == len(closed)
    with seeded(write=True) as s:
        assert interventions.send_reminders(session=s) >= 1
        assert s.exec(select(OutboxMessage).where(OutboxMessage.to_address == "cliente@demo.it",
                                                  OutboxMessage.kind == "intervention_reminder")).first()


def test_the_office_month_has_two_technicians_and_a_cancelled_visit_with_its_reason(seeded):
    today = datetime.now(TIME_ZONE).date()
    with seeded() as s:
        office = actor(s, "ufficio@demo.it")
        start = local_day_bounds(today.replace(day=1))[0]
        rows = interventions.calendar(session=s, actor=office, start=start, end=start + timedelta(days=31),
                                      include_cancelled=True)
        assert len({r.technician_ids for r in rows}) == 2
        cancelled = [r for r in rows if r.status == InterventionStatus.CANCELLED.value]
        assert cancelled
        assert interventions.detail(session=s, actor=office, intervention_id=cancelled[0].id).cancel_reason
        assert len({r.customer_id for r in rows}) >= 5
