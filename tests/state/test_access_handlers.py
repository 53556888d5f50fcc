"""Access handlers called as the browser could call them: wrong people, foreign and malformed ids."""

import pytest
from sqlmodel import select

from app.domain.errors import Forbidden, NotSignedIn
from app.domain.permissions import Role
from app.models import OutboxMessage, User
from app.services import customers, portal_accesses
from app.state.accesses import AccessesTab
from tests import factories
from tests.state.conftest import card_tab, opened_card, signed_in_token

ACME = {"kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157"}
PERSON = {"full_name": "Bea Bo", "email": "bea@beta.it", "active": "on"}


@pytest.fixture
def world(app_db):
    with app_db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        acme = customers.create_customer(session=s, actor=office, raw=ACME)
        beta = customers.create_customer(session=s, actor=office, raw={**ACME, "company_name": "Beta",
                                                                        "vat_number": "01114601006"})
        foreign = portal_accesses.save_access(session=s, actor=office, customer_id=beta.id, raw=PERSON)
        return {"acme": acme.id, "beta": beta.id, "foreign": foreign.user_id}


def _mails(db):
    with db() as s:
        return len(s.exec(select(OutboxMessage)).all())


async def test_foreign_and_malformed_ids_touch_nothing(app_db, world):
    _, token = signed_in_token(app_db, Role.OFFICE)
    _, card = await opened_card(token, world["acme"], AccessesTab)
    before = _mails(app_db)
    for bad in (world["foreign"], "1 OR 1=1", -1, None, [1], 10**30):
        await card.edit_access(bad)
        assert card.open_dialogs == []
        await card.resend_invitation(bad)
    # Editing as if the foreign user were this customer's: refused by the service, nothing written.
    card._editing_access = world["foreign"]
    card.open_dialogs = ["access"]
    await card.save_access({**PERSON, "full_name": "Presa"})
    assert card.access_errors != {}
    with app_db() as s:
        assert s.get(User, world["foreign"]).full_name == "Bea Bo"
    assert _mails(app_db) == before


@pytest.mark.parametrize("role", [Role.CUSTOMER, Role.CREDIT_MANAGER, Role.TECHNICIAN, None])
async def test_only_office_writers_manage_accesses(app_db, world, role):
    kw = {"customer_id": world["acme"]} if role is Role.CUSTOMER else {}
    token = signed_in_token(app_db, role, **kw)[1] if role else ""
    card = card_tab(AccessesTab, token, world["acme"])
    card.open_dialogs = ["access"]
    expected = NotSignedIn if role is None else Forbidden
    for call in (card.new_access, lambda: card.save_access({**PERSON, "email": "x@acme.it"}),
                 lambda: card.edit_access(world["foreign"]), lambda: card.resend_invitation(world["foreign"])):
        with pytest.raises(expected):
            await call()
    with app_db() as s:
        assert s.exec(select(User).where(User.email == "x@acme.it")).first() is None
