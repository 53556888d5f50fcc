"""Every reserved-area handler that takes an id, called by a user of customer A with A's own id,
customer B's, one that does not exist and malformed ones: only A's own ever does anything."""

import inspect
from datetime import date, timedelta

import pytest
from sqlmodel import select

from app.domain.permissions import Role
from app.models import ConsentEvent, ConsentType, Reminder, TicketMessage, User
from app.services import auth, consents, customers, portal_accesses, reminders, tickets
from app.services.auth import actor_of
from app.services.security import hash_password
from app.state.consents import PortalConsentsState
from app.state.reminders import RemindersState, ReminderView
from app.state.tickets import SupportState
from tests import factories
from tests.state.conftest import state_of

# Reminders are for today or later.
SOON, LATER = ((date.today() + timedelta(days=d)).isoformat() for d in (3, 26))

ACME = {"kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157"}
MALFORMED = ["1 OR 1=1", -1, 0, None, [1], {"id": 1}, 10**30, True, "1.5"]


@pytest.fixture
def world(app_db):
    """Users of customers A and B (and a colleague in A who sees only their own records), each with
    a reminder, a support request and a contact person of their own."""
    with app_db(write=True) as s:
        consents.ensure_default_types(s)
        office = factories.actor(s, Role.OFFICE)
        ids = {}
        for name, vat in (("a", "00743110157"), ("b", "01114601006")):
            customer = customers.create_customer(session=s, actor=office, raw={**ACME, "company_name": name,
                                                                                "vat_number": vat})
            saved = portal_accesses.save_access(session=s, actor=office, customer_id=customer.id, raw={
                "full_name": f"User {name}", "email": f"{name}@example.com", "active": "on",
                "visibility": "company"})
            actor = actor_of(s.get(User, saved.user_id))
            contact = customers.save_contact(session=s, actor=office, customer_id=customer.id, raw={
                "first_name": "C", "last_name": name, "email": f"{name}@example.com"})
            ids[name] = {
                "actor": actor, "customer": customer.id, "contact": contact.id,
                "reminder": reminders.save_reminder(session=s, actor=actor,
                                                    raw={"due_on": SOON, "text": f"r-{name}"}).id,
                "ticket": tickets.open_ticket(session=s, actor=actor, raw={"subject": f"t-{name}", "body": "x"}).id,
            }
        colleague = portal_accesses.save_access(session=s, actor=office, customer_id=ids["a"]["customer"], raw={
            "full_name": "Own only", "email": "own@example.com", "active": "on", "visibility": "own"})
        ids["own"] = {"actor": actor_of(s.get(User, colleague.user_id))}
        ids["newsletter"] = s.exec(select(ConsentType.id).where(ConsentType.code == "newsletter")).one()
        ids["profiling"] = s.exec(select(ConsentType.id).where(ConsentType.code == "profilazione")).one()
        return ids


def _token(db, actor):
    """Signs the invited user in, as if they had set their password through the invitation."""
    with db(write=True) as s:
        user = s.get(User, actor.user_id)
        user.password_hash = hash_password(factories.PASSWORD)
        email = user.email
    return auth.authenticate(sessions=db, email=email, password=factories.PASSWORD).token


def _snapshot(db):
    with db() as s:
        return (
            sorted((r.id, r.text, r.due_on) for r in s.exec(select(Reminder))),
            len(s.exec(select(TicketMessage)).all()),
            len(s.exec(select(ConsentEvent)).all()),
        )


@pytest.mark.parametrize("which", ["own", "other", "missing", "malformed"])
async def test_reminder_handlers(app_db, world, which):
    state = state_of(RemindersState, _token(app_db, world["a"]["actor"]))
    await state.load_reminders()
    target = {"own": world["a"]["reminder"], "other": world["b"]["reminder"], "missing": 999_999}.get(which)
    before = _snapshot(app_db)
    for bad in ([target] if which != "malformed" else MALFORMED):
        await state.load_reminders()
        state.open_dialogs = []
        state.edit_values = {}
        await state.edit_reminder(bad)
        await state.ask_delete(bad)
        if which == "own":
            assert state.open_dialogs == ["edit", "confirm"]
            continue
        assert state.open_dialogs == [] and state.edit_values == {}
        # Even with the id slipped into the rows shown on the page, the service refuses it.
        state.reminder_rows = [ReminderView(999_999 if bad is None else bad, "", SOON, "x", False)]
        await state.edit_reminder(999_999 if bad is None else bad)
        await state.save_edit({"due_on": LATER, "text": "presa"})
        await state.ask_delete(999_999 if bad is None else bad)
        await state.confirm_delete()
        assert _snapshot(app_db) == before
    if which == "own":
        await state.confirm_delete()
        assert len(_snapshot(app_db)[0]) == len(before[0]) - 1


@pytest.mark.parametrize("which", ["own", "other", "colleague", "missing", "malformed"])
async def test_support_handlers(app_db, world, which):
    actor = world["own"]["actor"] if which == "colleague" else world["a"]["actor"]
    state = state_of(SupportState, _token(app_db, actor))
    await state.load_support()
    target = {"own": world["a"]["ticket"], "other": world["b"]["ticket"], "colleague": world["a"]["ticket"],
              "missing": 999_999}.get(which)
    before = _snapshot(app_db)
    for bad in ([target] if which != "malformed" else MALFORMED):
        await state.show_ticket(bad)
        await state.send_reply({"body": "intrusione"})
        if which == "own":
            assert state.open_dialogs == ["thread"] and state.thread_title.endswith("t-a")
            assert _snapshot(app_db)[1] == before[1] + 1
            return
        assert state.open_dialogs == [] and state.thread_messages == [] and state.thread_title == ""
        assert _snapshot(app_db) == before
    if which == "colleague":  # "only my records": the colleague's list is empty, A's request unseen
        assert state.ticket_rows == []


@pytest.mark.parametrize("which", ["own", "other", "missing", "malformed"])
async def test_consent_handlers(app_db, world, which):
    state = state_of(PortalConsentsState, _token(app_db, world["a"]["actor"]))
    await state.load_portal_consents()
    newsletter = world["newsletter"]
    keys = {"own": [f"{world['a']['contact']}:{newsletter}", f"0:{world['profiling']}"],
            "other": [f"{world['b']['contact']}:{newsletter}"], "missing": ["999999:1", f"0:{999_999}"],
            "malformed": [str(m) for m in MALFORMED] + [f"{m}:{newsletter}" for m in MALFORMED]}[which]
    before = _snapshot(app_db)
    for key in keys:
        await state.answer(key, True)
    expected = before[2] + (2 if which == "own" else 0)
    assert _snapshot(app_db)[2] == expected
    with app_db() as s:
        foreign = s.exec(select(ConsentEvent).where(ConsentEvent.customer_id == world["b"]["customer"])).all()
    assert foreign == []


def test_the_matrix_covers_every_reserved_area_handler_that_takes_an_id():
    covered = {"edit_reminder", "ask_delete", "show_ticket", "answer"}
    taking_ids = set()
    for state_class in (RemindersState, SupportState, PortalConsentsState):
        for name, handler in state_class.event_handlers.items():
            params = list(inspect.signature(handler.fn).parameters)[1:]
            if any(p.endswith("_id") or p == "key" for p in params):
                taking_ids.add(name)
    assert taking_ids <= covered, taking_ids - covered


async def test_a_customer_closes_only_the_requests_they_opened(app_db, world):
    from app.models import Ticket

    with app_db(write=True) as s:  # a request a colleague of the same company opened
        colleague = tickets.open_ticket(session=s, actor=world["own"]["actor"], raw={"subject": "t-own", "body": "x"}).id
    state = state_of(SupportState, _token(app_db, world["a"]["actor"]))
    await state.load_support()
    await state.show_ticket(colleague)  # seen (company visibility), but not theirs to close
    assert state.open_dialogs == ["thread"] and not state.thread_can_close
    await state.ask_close()
    assert "confirm" not in state.open_dialogs
    state._confirming, state.open_dialogs = (colleague,), ["thread", "confirm"]
    await state.confirm_close()
    await state.show_ticket(world["a"]["ticket"])
    assert state.thread_can_close
    await state.ask_close()
    await state.confirm_close()
    assert state.thread_closed and not state.thread_can_close
    with app_db() as s:
        assert {t.id: t.status for t in s.exec(select(Ticket))}[colleague] == "open"
        assert s.get(Ticket, world["a"]["ticket"]).status == "closed"


class _Upload:
    """What Reflex hands an upload handler: a name and the bytes to read."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name, self._data = name, data

    async def read(self, size: int = -1) -> bytes:
        return self._data if size < 0 else self._data[:size]


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def upload_dir(tmp_path, monkeypatch):
    from app.services import documents

    chosen = documents.get_settings().__class__(**{**documents.get_settings().__dict__,
                                                   "upload_dir": tmp_path / "uploads"})
    monkeypatch.setattr(documents, "get_settings", lambda: chosen)
    return chosen.upload_dir / "files"


def _files(db):
    from app.models import Attachment

    with db() as s:
        return [(a.owner_kind, a.original_name) for a in s.exec(select(Attachment))]


@pytest.mark.parametrize("which", ["own", "other", "colleague", "missing"])
async def test_reply_files_follow_the_thread_the_user_may_see(app_db, world, upload_dir, which):
    actor = world["own"]["actor"] if which == "colleague" else world["a"]["actor"]
    state = state_of(SupportState, _token(app_db, actor))
    await state.load_support()
    target = {"own": world["a"]["ticket"], "other": world["b"]["ticket"], "colleague": world["a"]["ticket"],
              "missing": 999_999}[which]
    await state.show_ticket(target)
    await state.receive_files([_Upload("foto.png", PNG)])
    if which == "own":
        assert [(f.name, f.size) for f in state.staged_files] == [("foto.png", "72 B")]
        await state.send_reply({"body": "ecco la foto"})
        assert _files(app_db) == [("ticket_msg", "foto.png")]
        assert [f.name for f in state.thread_messages[-1].files] == ["foto.png"]
        assert "/api/attachments/" in state.thread_messages[-1].files[0].url
        assert state.staged_files == []
        return
    assert state.staged_files == [] and _files(app_db) == []
    # Even with the foreign thread slipped into the server's state, the service refuses the file.
    state._thread_id = target
    state.open_dialogs = ["thread"]
    await state.receive_files([_Upload("foto.png", PNG)])
    assert state.staged_files == [] and state.file_errors
    assert not upload_dir.exists() or list(upload_dir.iterdir()) == []


async def test_a_bad_file_is_named_next_to_the_field_and_a_good_one_can_be_taken_back(app_db, world, upload_dir):
    state = state_of(SupportState, _token(app_db, world["a"]["actor"]))
    await state.load_support()
    await state.toggle_new()
    await state.receive_files([_Upload("script.pdf", b"<script>x</script>"), _Upload("ok.png", PNG)])
    assert [f.name for f in state.staged_files] == ["ok.png"]
    assert len(state.file_errors) == 1 and state.file_errors[0].startswith("script.pdf: ")
    for bad in (5, -1, "0", None, True):
        await state.remove_file(bad)
    assert len(state.staged_files) == 1
    await state.remove_file(0)
    assert state.staged_files == []
    await state.receive_files([_Upload("ok.png", PNG)])
    await state.open_new_ticket({"subject": "Con allegato", "body": "vedi foto"})
    assert _files(app_db) == [("ticket_msg", "ok.png")]


async def test_files_the_browser_refused_are_named_in_the_users_language(app_db, world):
    state = state_of(SupportState, _token(app_db, world["a"]["actor"]))
    await state.load_support()
    await state.files_rejected([{"file": {"path": "enorme.pdf"}, "errors": [{"message": "File is larger than"}]}])
    assert len(state.file_errors) == 1 and state.file_errors[0].startswith("enorme.pdf: Il file supera il limite")
    for bad in (None, "x", [1, "a", {"file": "x"}], {"file": {}}):
        await state.files_rejected(bad)
        assert state.file_errors == []


async def test_the_upload_bar_shows_a_transfer_and_goes_when_it_ends(app_db, world):
    state = state_of(SupportState, _token(app_db, world["a"]["actor"]))
    await state.load_support()
    await state.upload_progressed({"progress": 0.4})
    assert state.upload_progress == 40
    for last in ({"progress": 1}, {"progress": 1.0}, {"progress": "x"}, None):
        await state.upload_progressed({"progress": 0.4})
        await state.upload_progressed(last)
        assert state.upload_progress == 0
