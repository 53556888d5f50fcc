"""Change-request handlers called as the browser could call them: wrong people, foreign and malformed ids."""

import pytest
from sqlmodel import select

from app.domain import change_rules as rules
from app.domain.errors import Forbidden, NotSignedIn
from app.domain.permissions import Role
from app.models import ChangeRequestItem, Customer, FieldPolicy
from app.services import change_requests, customers
from app.services.auth import actor_of
from app.state.change_requests import InboxState, MyDataState, RequestSettingsState, ReviewRowView, ReviewState
from tests import factories
from tests.state.conftest import card_tab, opened_card, signed_in_token, state_of

ACME = {"kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157", "email": "info@acme.it"}


@pytest.fixture
def two_customers(app_db):
    """Acme and Beta, each with a reserved-area user and one pending e-mail change."""
    with app_db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        acme = customers.create_customer(session=s, actor=office, raw=ACME)
        beta = customers.create_customer(session=s, actor=office, raw={
            **ACME, "company_name": "Beta S.p.A.", "vat_number": "01114601006", "email": "info@beta.it"})
        ids = {"acme": acme.id, "beta": beta.id}
        for name in ("acme", "beta"):
            user = factories.user(s, Role.CUSTOMER, customer_id=ids[name])
            outcome = change_requests.submit_request(session=s, actor=actor_of(user), customer_id=ids[name],
                                                     raw={"email": f"nuova@{name}.it"})
            ids[f"{name}_item"] = s.exec(select(ChangeRequestItem.id).where(
                ChangeRequestItem.request_id == outcome.request_id)).one()
        return ids


def _states(db):
    with db() as s:
        return {i.id: i.state for i in s.exec(select(ChangeRequestItem))}


def _row(item_id, choice="accept"):
    return ReviewRowView(item_id=item_id, field="E-mail", current="", requested="", at_request="", stale=False,
                         asked="", choice=choice)


async def test_a_foreign_item_slipped_into_the_window_changes_nothing(app_db, two_customers):
    _, token = signed_in_token(app_db, Role.OFFICE)
    card = card_tab(ReviewState, token, two_customers["acme"])
    card.open_dialogs = ["review"]  # the window the reviewer decides in
    card.can_decide_requests = True
    before = _states(app_db)
    card.review_rows = [_row(two_customers["beta_item"])]
    await card.confirm_review()
    assert card.review_error != ""
    assert _states(app_db) == before
    with app_db() as s:
        assert s.get(Customer, two_customers["beta"]).email == "info@beta.it"


@pytest.mark.parametrize("bad", ["1 OR 1=1", -5, None, [1], {"id": 1}, 10**30, "", True])
async def test_malformed_ids_pick_nothing_and_decide_nothing(app_db, two_customers, bad):
    _, token = signed_in_token(app_db, Role.OFFICE)
    card = card_tab(ReviewState, token, two_customers["acme"])
    card.open_dialogs = ["review"]  # the window the reviewer decides in
    card.review_rows = [_row(two_customers["acme_item"], choice="")]
    await card.choose(bad, "accept")
    await card.choose(two_customers["acme_item"], bad)
    assert [r.choice for r in card.review_rows] == [""]
    before = _states(app_db)
    await card.confirm_review()  # nothing chosen: nothing decided
    assert _states(app_db) == before


@pytest.mark.parametrize("role", [Role.CUSTOMER, Role.TECHNICIAN, Role.CREDIT_MANAGER, None])
async def test_deciding_is_refused_to_anyone_without_the_right(app_db, two_customers, role):
    kw = {"customer_id": two_customers["acme"]} if role is Role.CUSTOMER else {}
    token = signed_in_token(app_db, role, **kw)[1] if role else ""
    card = card_tab(ReviewState, token, two_customers["acme"])
    card.open_dialogs = ["review"]  # the window the reviewer decides in
    card.review_rows = [_row(two_customers["acme_item"])]
    before = _states(app_db)
    expected = NotSignedIn if role is None else Forbidden
    for call in (card.confirm_review, card.open_review, lambda: card.choose_all("accept"),
                 lambda: card.choose(two_customers["acme_item"], "accept")):
        with pytest.raises(expected):
            await call()
    inbox = state_of(InboxState, token)
    with pytest.raises(expected):
        await inbox.filter_state("processed")
    assert inbox.rows == []
    assert _states(app_db) == before


async def test_a_customer_user_asks_only_for_their_own_customer(app_db, two_customers):
    _, token = signed_in_token(app_db, Role.CUSTOMER, customer_id=two_customers["acme"])
    my_data = state_of(MyDataState, token)
    await my_data.send_changes({"phone": "06 1234567", "customer_id": two_customers["beta"], "id": two_customers["beta"]})
    with app_db() as s:
        assert s.get(Customer, two_customers["acme"]).phone == "+39061234567"
        assert s.get(Customer, two_customers["beta"]).phone is None
    for bad in (None, "x", [1], {"phone": ["06"]}):
        await my_data.send_changes(bad)
    with app_db() as s:
        assert s.get(Customer, two_customers["beta"]).phone is None


async def test_office_users_cannot_ask_in_a_customers_name(app_db, two_customers):
    _, token = signed_in_token(app_db, Role.OFFICE)
    with pytest.raises(Forbidden):
        await state_of(MyDataState, token).send_changes({"phone": "06 1234567"})


async def test_rules_are_changed_only_by_administrators_and_only_to_known_values(app_db, two_customers):
    _, office_token = signed_in_token(app_db, Role.OFFICE)
    with pytest.raises(Forbidden):
        await state_of(RequestSettingsState, office_token).save_settings()
    _, admin_token = signed_in_token(app_db, Role.ADMIN)
    settings = state_of(RequestSettingsState, admin_token)
    await settings.load_settings()
    before = list(settings.policy_rows)
    for field, source, action in (("notes", "portal", "auto"), ("email", "fax", "auto"), ("email", "portal", "x"),
                                  (["email"], "portal", "auto")):
        await settings.set_policy(field, source, action)
    assert settings.policy_rows == before
    await settings.set_policy("email", "import", rules.AUTO)
    await settings.save_settings()
    with app_db() as s:
        assert s.get(FieldPolicy, ("email", "import")).action == rules.AUTO


async def test_the_second_reviewer_is_told_who_decided_first(app_db, two_customers):
    cards = []
    for _ in range(2):
        _, token = signed_in_token(app_db, Role.OFFICE)
        card = card_tab(ReviewState, token, two_customers["acme"])
        card.open_dialogs = ["review"]  # the window the reviewer decides in
        card.review_rows = [_row(two_customers["acme_item"])]
        card.can_decide_requests = True
        cards.append(card)
    await cards[0].confirm_review()
    answer = await cards[1].confirm_review()
    assert "Già deciso da" in str(answer) and "review" not in cards[1].open_dialogs
    with app_db() as s:
        assert s.get(ChangeRequestItem, two_customers["acme_item"]).state == rules.ACCEPTED
        assert s.get(Customer, two_customers["acme"]).version == 2  # applied once


async def test_the_review_window_closes_on_confirm_and_stays_shut_for_what_the_reviewer_put_off(app_db):
    with app_db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        acme = customers.create_customer(session=s, actor=office, raw=ACME).id
        customer_user = actor_of(factories.user(s, Role.CUSTOMER, customer_id=acme))
        change_requests.submit_request(session=s, actor=customer_user, customer_id=acme,
                                       raw={"email": "nuova@acme.it", "pec": "acme@pec.it"})
        email_item, pec_item = s.exec(select(ChangeRequestItem.id).order_by(ChangeRequestItem.id)).all()
    _, token = signed_in_token(app_db, Role.OFFICE)
    _, review = await opened_card(token, acme, ReviewState)
    card = review.parent_state

    async def visit():
        await card.open_card()
        await review.load()

    assert review.open_dialogs == ["review"] and len(review.review_rows) == 2
    await review.choose(email_item, "accept")  # the PEC is left on "Dopo"
    await review.confirm_review()
    assert review.open_dialogs == [] and [r.item_id for r in review.review_rows] == [pec_item]
    assert _states(app_db)[email_item] == rules.ACCEPTED
    await visit()
    assert review.open_dialogs == [] and [r.item_id for r in review.review_rows] == [pec_item]  # the banner stays
    await review.open_review()  # the banner's button still shows it
    assert review.open_dialogs == ["review"]
    review.dialog_changed("review", False)
    with app_db(write=True) as s:
        change_requests.submit_request(session=s, actor=customer_user, customer_id=acme, raw={"sdi_code": "ABC1234"})
    await visit()  # something new is waiting: the window opens by itself once more
    assert review.open_dialogs == ["review"] and len(review.review_rows) == 2


async def test_a_review_window_closed_without_deciding_does_not_open_by_itself_again(app_db, two_customers):
    _, token = signed_in_token(app_db, Role.OFFICE)
    _, review = await opened_card(token, two_customers["acme"], ReviewState)
    assert review.open_dialogs == ["review"]
    review.dialog_changed("review", False)  # "Annulla": decided later
    await review.parent_state.open_card()
    await review.load()
    assert review.open_dialogs == [] and len(review.review_rows) == 1
    _, other_tab = await opened_card(token, two_customers["beta"], ReviewState)
    assert other_tab.open_dialogs == ["review"]  # another customer's waiting change is not put off
