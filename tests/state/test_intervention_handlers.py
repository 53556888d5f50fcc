"""The interventions' handlers as the browser calls them: the field area's matrix (a technician's own
intervention, a colleague's, a missing one, malformed ids), the reserved area's scope, and the office's
planning refused to anyone who may not plan."""

import base64
import io

import pytest
from PIL import Image, ImageDraw
from reflex.istate.data import ReflexURL, URLData
from sqlmodel import select

from app.domain.errors import Forbidden
from app.domain.permissions import Role
from app.models import Attachment, Customer, Intervention, InterventionNote, User
from app.services import auth, customers, interventions, portal_accesses, tickets
from app.services.security import hash_password
from app.state.interventions import (
    FieldAgendaState,
    FieldInterventionState,
    InterventionsTab,
    OfficeInterventionsState,
    PortalInterventionsState,
)
from tests import factories
from tests.state.conftest import card_tab, state_of

MALFORMED = ["1 OR 1=1", -1, 0, None, [1], {"id": 1}, 10**30, True, "1.5"]


def _signature() -> str:
    image = Image.new("RGBA", (200, 80), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(10, 60), (90, 10), (190, 70)], fill=(0, 0, 80, 255), width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _token(db, user_id: int) -> str:
    with db(write=True) as s:
        user = s.get(User, user_id)
        user.password_hash = hash_password(factories.PASSWORD)
        email = user.email
    return auth.authenticate(sessions=db, email=email, password=factories.PASSWORD).token


@pytest.fixture
def world(app_db):
    with app_db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        mario = factories.user(s, Role.TECHNICIAN)
        luigi = factories.user(s, Role.TECHNICIAN)
        ids = {"office": office.user_id, "mario": mario.id, "luigi": luigi.id}
        for name, vat in (("a", "00743110157"), ("b", "01114601006")):
            customer = customers.create_customer(session=s, actor=office, raw={
                "kind": "business", "company_name": f"Cliente {name}", "vat_number": vat})
            site = customers.save_site(session=s, actor=office, customer_id=customer.id, raw={"name": f"Sede {name}"})
            saved = portal_accesses.save_access(session=s, actor=office, customer_id=customer.id, raw={
                "full_name": f"Utente {name}", "email": f"{name}@example.com", "active": "on",
                "visibility": "company"})
            technician = mario if name == "a" else luigi
            planned = interventions.plan(session=s, actor=office, customer_id=customer.id, raw={
                "site_id": str(site.id), "type_id": str(interventions.list_types(session=s)[0].id),
                "technician_ids": [technician.id], "starts_at": "2026-12-02T09:00", "ends_at": "2026-12-02T10:00",
                "description": f"Lavoro {name}"})
            ids[name] = {"customer": customer.id, "site": site.id, "user": saved.user_id, "intervention": planned.id}
        own = portal_accesses.save_access(session=s, actor=office, customer_id=ids["a"]["customer"], raw={
            "full_name": "Solo miei", "email": "own@example.com", "active": "on", "visibility": "own"})
        ids["own"] = own.user_id
    return ids


def _code(db, world, name: str) -> str:
    with db() as s:
        return s.get(Customer, world[name]["customer"]).code


def _field(db, world, who: str, intervention_id: object) -> FieldInterventionState:
    state = state_of(FieldInterventionState, _token(db, world[who]))
    state.rx_router_url = URLData.from_url(ReflexURL(f"http://localhost/field/intervention?id={intervention_id}"))
    return state


@pytest.mark.parametrize("which", ["own", "colleague", "missing", "malformed"])
async def test_field_handlers_act_only_on_the_technicians_own_intervention(app_db, world, which):
    target = {"own": world["a"]["intervention"], "colleague": world["b"]["intervention"], "missing": 999999,
              "malformed": "1 OR 1=1"}[which]
    state = _field(app_db, world, "mario", target)
    await state.load_intervention()
    await state.start_work()
    await state.add_field_note({"body": "nota"})
    await state.close_intervention({"work_done": "fatto", "minutes_spent": "30", "signer_name": "Rossi",
                                    "signature": _signature(), "close_token": "t-1"})
    with app_db() as s:
        mine = s.get(Intervention, world["a"]["intervention"])
        theirs = s.get(Intervention, world["b"]["intervention"])
        notes = s.exec(select(InterventionNote)).all()
        sheets = s.exec(select(Attachment).where(Attachment.owner_kind == "intervention_sheet")).all()
    assert theirs.status == "planned"
    if which == "own":
        assert state.item.number == mine.number
        assert mine.status == "closed" and len(sheets) == 1 and len(notes) == 1
    else:
        assert state.item is None
        assert mine.status == "planned" and sheets == [] and notes == []


async def test_the_same_closing_sent_twice_makes_one_sheet(app_db, world):
    state = _field(app_db, world, "mario", world["a"]["intervention"])
    await state.load_intervention()
    await state.start_work()
    form = {"work_done": "fatto", "minutes_spent": "30", "signer_name": "Rossi", "signature": _signature(),
            "close_token": "t-1", "material_0_description": "Tubo", "material_0_quantity": "2",
            "material_0_unit": "m"}
    await state.close_intervention(form)
    again = _field(app_db, world, "mario", world["a"]["intervention"])
    await again.load_intervention()
    await again.close_intervention(form)  # the queued event arriving after a reconnection
    assert again.errors == {}
    with app_db() as s:
        assert len(s.exec(select(Attachment).where(Attachment.owner_kind == "intervention_sheet")).all()) == 1
    assert [m.description for m in again.materials] == ["Tubo"]


async def test_an_empty_signature_is_refused_next_to_its_field(app_db, world):
    state = _field(app_db, world, "mario", world["a"]["intervention"])
    await state.load_intervention()
    await state.start_work()
    blank = io.BytesIO()
    Image.new("RGBA", (200, 80), (0, 0, 0, 0)).save(blank, format="PNG")
    await state.close_intervention({"work_done": "fatto", "minutes_spent": "30", "signer_name": "Rossi",
                                    "close_token": "t-1",
                                    "signature": "data:image/png;base64," + base64.b64encode(blank.getvalue()).decode()})
    assert state.errors["signature"] == "Il cliente deve firmare nel riquadro"
    with app_db() as s:
        assert s.get(Intervention, world["a"]["intervention"]).status == "in_progress"


async def test_the_agenda_shows_only_the_technicians_own(app_db, world):
    state = state_of(FieldAgendaState, _token(app_db, world["luigi"]))
    await state.load_agenda()
    shown = [v.id for v in state.agenda_today + state.agenda_week]
    assert world["a"]["intervention"] not in shown


async def test_office_handlers_refuse_who_may_not_plan(app_db, world):
    for who in ("mario",):
        state = state_of(OfficeInterventionsState, _token(app_db, world[who]))
        for call in (state.plan_new(), state.save_plan({"description": "x"}), state.open_intervention(1),
                     state.cancel_shown({"reason": "x"})):
            with pytest.raises(Forbidden):
                await call
    customer_user = state_of(OfficeInterventionsState, _token(app_db, world["a"]["user"]))
    with pytest.raises(Forbidden):
        await customer_user.plan_at({"start": "2026-12-03T09:00:00+01:00", "end": "2026-12-03T10:00:00+01:00"})


async def test_the_office_plans_from_a_calendar_slot_and_cancels_with_a_reason(app_db, world):
    state = state_of(OfficeInterventionsState, _token(app_db, world["office"]))
    await state.load_page()
    await state.range_changed({"start": "2026-11-30T00:00:00+01:00", "end": "2027-01-11T00:00:00+01:00"})
    assert {e["id"] for e in state.events} == {str(world["a"]["intervention"]), str(world["b"]["intervention"])}
    await state.plan_at({"start": "2026-12-03T14:00:00+01:00", "end": "2026-12-03T15:30:00+01:00", "all_day": False})
    assert state.form_values["starts_at"] == "2026-12-03T14:00"
    await state.find_customer("Cliente")
    assert [hit.label for hit in state.customer_hits][:2] == [f"Cliente a ({_code(app_db, world, 'a')})",
                                                              f"Cliente b ({_code(app_db, world, 'b')})"]
    await state.pick_customer(str(world["a"]["customer"]))
    state.form_technicians = [str(world["mario"])]
    await state.save_plan({"site_id": str(world["a"]["site"]), "type_id": state.form_values["type_id"],
                           "starts_at": "2026-12-02T09:30", "ends_at": "2026-12-02T10:30", "description": "Urgente"})
    assert "INT-2026-00001" in state.overlap_warning  # Mario is already at customer A then
    await state.save_plan({"site_id": str(world["a"]["site"]), "type_id": state.form_values["type_id"],
                           "starts_at": "2026-12-02T09:30", "ends_at": "2026-12-02T10:30", "description": "Urgente",
                           "accept_overlap": "on"})
    assert "plan" not in state.open_dialogs
    assert len(state.events) == 3
    await state.open_intervention(str(world["b"]["intervention"]))
    await state.cancel_shown({"reason": ""})
    assert state.cancel_error
    await state.cancel_shown({"reason": "Cliente in ferie"})
    with app_db() as s:
        assert s.get(Intervention, world["b"]["intervention"]).status == "cancelled"


async def test_the_list_keeps_its_filters_in_the_address(app_db, world):
    state = state_of(OfficeInterventionsState, _token(app_db, world["office"]))
    state.rx_router_url = URLData.from_url(ReflexURL("http://localhost/office/interventions?view=list&q=Cliente+b"))
    await state.load_page()
    assert state.view == "list"
    assert [r.id for r in state.rows] == [world["b"]["intervention"]]
    script = await state.apply_filters({"q": "Cliente a", "status": "planned"})
    assert "q=Cliente+a" in str(script) and "status=planned" in str(script)
    assert [r.id for r in state.rows] == [world["a"]["intervention"]]


async def test_the_card_tab_plans_for_its_own_customer_only(app_db, world):
    tab = card_tab(InterventionsTab, _token(app_db, world["office"]), world["a"]["customer"])
    await tab.load()
    assert [r.id for r in tab.card_rows] == [world["a"]["intervention"]]
    await tab.plan_for_card()
    assert tab.form_customer.startswith("Cliente a")
    await tab.pick_customer(str(world["b"]["customer"]))  # only the calendar picks a customer
    assert tab.form_customer.startswith("Cliente a") and tab._form_customer_id == world["a"]["customer"]


async def test_an_intervention_planned_from_a_support_request_reaches_who_asked(app_db, world):
    with app_db(write=True) as s:
        asker = auth.actor_of(s.get(User, world["own"]))
        asked = tickets.open_ticket(session=s, actor=asker, raw={"subject": "Caldaia ferma", "body": "Non parte"})
        other = auth.actor_of(s.get(User, world["b"]["user"]))
        tickets.open_ticket(session=s, actor=other, raw={"subject": "Altro cliente", "body": "Non mostrare"})
    tab = card_tab(InterventionsTab, _token(app_db, world["office"]), world["a"]["customer"])
    await tab.load()
    await tab.plan_for_card()
    assert [c.label for c in tab.ticket_choices][1:] == [f"#{asked.id} Caldaia ferma"]
    tab.form_technicians = [str(world["mario"])]
    await tab.save_plan({"site_id": str(world["a"]["site"]), "type_id": tab.form_values["type_id"],
                         "starts_at": "2026-12-09T09:00", "ends_at": "2026-12-09T10:00", "description": "Caldaia",
                         "ticket_id": str(asked.id)})
    assert "plan" not in tab.open_dialogs
    portal = state_of(PortalInterventionsState, _token(app_db, world["own"]))
    await portal.load_portal_interventions()
    assert [v.description for v in portal.upcoming] == ["Caldaia"]  # "only what concerns them" now sees it


@pytest.mark.parametrize("who, expected", [("a", {"a"}), ("own", set()), ("b", {"b"})])
async def test_the_reserved_area_shows_the_company_within_the_scope(app_db, world, who, expected):
    user_id = world["own"] if who == "own" else world[who]["user"]
    state = state_of(PortalInterventionsState, _token(app_db, user_id))
    await state.load_portal_interventions()
    shown = {v.id for v in state.upcoming + state.past}
    assert shown == {world[name]["intervention"] for name in expected}


async def test_malformed_ids_do_nothing(app_db, world):
    state = state_of(OfficeInterventionsState, _token(app_db, world["office"]))
    await state.load_page()
    for bad in MALFORMED:
        await state.open_intervention(bad)
        assert "detail" not in state.open_dialogs
        await state.pick_customer(bad)
        assert state.form_customer == ""
