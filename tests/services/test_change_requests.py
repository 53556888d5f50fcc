import threading

import pytest
import sqlalchemy as sa
from sqlmodel import select

from app.domain import change_rules as rules
from app.domain.errors import DomainError, Forbidden
from app.domain.permissions import Role
from app.models import ChangeRequest, ChangeRequestItem, Customer, Movement, OutboxMessage
from app.services import change_requests, customers
from app.services.change_requests import AlreadyDecided, InboxFilter
from tests import factories

ACME = {"kind": "business", "company_name": "Acme Impianti S.r.l.", "vat_number": "00743110157",
        "email": "info@acme.it", "phone": "02 7654321", "street": "Via Torino 5", "city": "Milano",
        "province": "MI", "cap": "20123"}
# A valid new value for every field a customer may ask to change, and what the registry stores.
NEW_VALUES = {
    "company_name": ({"company_name": "Acme Nuova S.r.l."}, "Acme Nuova S.r.l."),
    "first_name": ({"first_name": "Mario"}, "Mario"),
    "last_name": ({"last_name": "Rossi"}, "Rossi"),
    "vat_number": ({"vat_number": "01114601006"}, "01114601006"),
    "tax_code": ({"tax_code": "rssmra80a01h501u"}, "RSSMRA80A01H501U"),
    "sdi_code": ({"sdi_code": "abc1234"}, "ABC1234"),
    "pec": ({"pec": "acme@pec.it"}, "acme@pec.it"),
    "email": ({"email": "Nuova@Acme.it"}, "nuova@acme.it"),
    "phone": ({"phone": "06 1234567"}, "+39061234567"),
    "mobile": ({"mobile": "333 123 4567"}, "+393331234567"),
    "address": ({"street": "Via Roma 1", "cap": "00184", "city": "roma", "province": "rm", "country": "IT"},
                {"street": "Via Roma 1", "cap": "00184", "city": "Roma", "province": "RM", "country": "IT"}),
}


@pytest.fixture
def world(db):
    """An office clerk, an admin, a customer with one reserved-area user, and another customer."""
    with db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        admin = factories.actor(s, Role.ADMIN)
        acme = customers.create_customer(session=s, actor=office, raw=ACME, confirmed_duplicates=True)
        other = customers.create_customer(session=s, actor=office, confirmed_duplicates=True, raw={
            **ACME, "company_name": "Beta S.p.A.", "vat_number": "01114601006", "email": "info@beta.it"})
        client = factories.actor(s, Role.CUSTOMER, customer_id=acme.id)
        return {"office": office, "admin": admin, "client": client, "acme": acme.id, "other": other.id}


def submit(db, world, raw, source="portal", actor=None, customer_id=None):
    with db(write=True) as s:
        return change_requests.submit_request(
            session=s, actor=actor or world["client"], customer_id=customer_id or world["acme"], raw=raw,
            source=source)


def decide(db, world, decisions, actor=None, customer_id=None):
    with db(write=True) as s:
        return change_requests.decide(session=s, actor=actor or world["office"],
                                      customer_id=customer_id or world["acme"], decisions=decisions)


def items_of(db, request_id):
    with db() as s:
        return {i.field: i for i in s.exec(select(ChangeRequestItem).where(ChangeRequestItem.request_id == request_id))}


def stored(db, customer_id):
    with db() as s:
        return customers.current_values(s.get(Customer, customer_id))


def every_change():
    raw = {}
    for typed, _ in NEW_VALUES.values():
        raw.update(typed)
    return raw


@pytest.mark.parametrize("source", rules.SOURCES)
@pytest.mark.parametrize("action", rules.ACTIONS)
def test_each_policy_for_each_source(db, world, source, action):
    other_source = next(s for s in rules.SOURCES if s != source)
    opposite = rules.REFUSE if action != rules.REFUSE else rules.AUTO
    choices = {f"{field}:{source}": action for field in rules.REQUEST_FIELDS}
    choices |= {f"{field}:{other_source}": opposite for field in rules.REQUEST_FIELDS}
    with db(write=True) as s:
        change_requests.save_policies(session=s, actor=world["admin"], review_enabled=True, choices=choices)

    submitter = world["client"] if source == "portal" else world["office"]
    outcome = submit(db, world, every_change(), source=source, actor=submitter)

    expected_state = {rules.AUTO: rules.APPLIED, rules.REVIEW: rules.PENDING, rules.REFUSE: rules.REFUSED}[action]
    items = items_of(db, outcome.request_id)
    assert set(items) == set(rules.REQUEST_FIELDS)
    assert {i.state for i in items.values()} == {expected_state}
    assert {i.policy for i in items.values()} == {action}
    values = stored(db, world["acme"])
    for field, (_, expected) in NEW_VALUES.items():
        now = rules.field_value(values, field)
        assert (now == expected) is (action == rules.AUTO), field
    with db() as s:
        request = s.get(ChangeRequest, outcome.request_id)
        assert request.source == source
        assert request.status == ("open" if action == rules.REVIEW else "processed")


@pytest.mark.parametrize("source", ["api", "import"])
def test_a_web_shop_or_an_import_speaks_for_the_company_and_needs_the_right_to_edit_customers(db, world, source):
    with db(write=True) as s:
        credit_manager = factories.actor(s, Role.CREDIT_MANAGER)
    for refused in (world["client"], credit_manager):
        with pytest.raises(Forbidden):
            submit(db, world, {"phone": "06 1234567"}, source=source, actor=refused)
    outcome = submit(db, world, {"phone": "06 1234567"}, source=source, actor=world["office"])
    assert outcome.applied == ["phone"]


def test_staff_do_not_ask_as_the_reserved_area(db, world):
    with pytest.raises(Forbidden):
        submit(db, world, {"phone": "06 1234567"}, source="portal", actor=world["office"])


def test_defaults_apply_phones_and_identifiers_and_hold_the_rest(db, world):
    outcome = submit(db, world, every_change())
    assert set(outcome.applied) == {"phone", "mobile", "vat_number", "tax_code"}
    assert set(outcome.pending) == {"company_name", "first_name", "last_name", "address", "email", "pec", "sdi_code"}
    values = stored(db, world["acme"])
    assert values["phone"] == "+39061234567" and values["email"] == "info@acme.it"
    with db() as s:
        kinds = [m.kind for m in s.exec(select(Movement).where(Movement.customer_id == world["acme"])
                                        .order_by(Movement.id))]
    assert kinds.count("request.created") == 7 and kinds.count("request.applied") == 4


def test_master_switch_off_applies_everything_even_what_is_refused(db, world):
    with db(write=True) as s:
        change_requests.save_policies(session=s, actor=world["admin"], review_enabled=False,
                                      choices={"email:portal": "refuse"})
    outcome = submit(db, world, {"email": "nuova@acme.it", "company_name": "Acme Due S.r.l."})
    assert set(outcome.applied) == {"email", "company_name"} and not outcome.pending
    assert stored(db, world["acme"])["company_name"] == "Acme Due S.r.l."


def test_invalid_values_are_refused_field_by_field_and_nothing_is_written(db, world):
    with pytest.raises(DomainError) as err:
        submit(db, world, {"email": "not-an-email", "phone": "12", "cap": "1"})
    assert set(err.value.errors) == {"email", "phone", "cap"}
    with db() as s:
        assert s.exec(select(ChangeRequest)).all() == []
    with pytest.raises(DomainError) as err:
        submit(db, world, {"email": "INFO@acme.it", "phone": "+39 02 7654321"})
    assert err.value.errors == {"": "requests.nothing_changed"}


def test_fields_a_customer_may_not_touch_are_ignored(db, world):
    outcome = submit(db, world, {"notes": "x", "external_code": "HACK", "assigned_user_id": 1,
                                 "block_automatic_emails": True, "phone": "06 1234567"})
    assert outcome.applied == ["phone"]
    values = stored(db, world["acme"])
    assert values["notes"] is None and values["external_code"] is None and values["block_automatic_emails"] is False


def test_stale_item_shows_the_value_at_request_time(db, world):
    submit(db, world, {"email": "nuova@acme.it"})
    with db(write=True) as s:
        current = s.get(Customer, world["acme"])
        customers.update_customer(session=s, actor=world["office"], customer_id=world["acme"],
                                  raw={**customers.current_values(current), "email": "ufficio@acme.it"},
                                  expected_version=current.version)
    with db() as s:
        [row] = change_requests.pending_review(session=s, actor=world["office"], customer_id=world["acme"])
    assert (row.current, row.requested, row.at_request, row.stale) == (
        "ufficio@acme.it", "nuova@acme.it", "info@acme.it", True)


def test_fresh_item_is_not_stale(db, world):
    submit(db, world, {"street": "Via Roma 1", "city": "Roma", "province": "RM", "cap": "00184"})
    with db() as s:
        [row] = change_requests.pending_review(session=s, actor=world["office"], customer_id=world["acme"])
    assert row.field == "address" and not row.stale
    assert row.current == "Via Torino 5, 20123 Milano (MI)" and row.requested == "Via Roma 1, 00184 Roma (RM)"


def test_newer_request_supersedes_the_pending_item(db, world):
    first = submit(db, world, {"email": "primo@acme.it"})
    second = submit(db, world, {"email": "secondo@acme.it"})
    old, new = items_of(db, first.request_id)["email"], items_of(db, second.request_id)["email"]
    assert (old.state, old.superseded_by_id) == (rules.SUPERSEDED, new.id)
    assert new.state == rules.PENDING
    with db() as s:
        assert s.get(ChangeRequest, first.request_id).status == "processed"
        assert s.exec(select(Movement).where(Movement.kind == "request.superseded")).one().field == "email"
        [row] = change_requests.pending_review(session=s, actor=world["office"], customer_id=world["acme"])
    assert row.requested == "secondo@acme.it"


def test_decision_applies_accepted_fields_in_one_go_and_tells_the_customer(db, world):
    outcome = submit(db, world, {"email": "nuova@acme.it", "street": "Via Roma 1", "city": "Roma",
                                 "province": "RM", "cap": "00184", "phone": "06 1234567"})
    items = items_of(db, outcome.request_id)
    result = decide(db, world, {items["address"].id: "accept", str(items["email"].id): "ignore"})
    assert (result.accepted, result.ignored) == (["address"], ["email"])
    values = stored(db, world["acme"])
    assert (values["city"], values["email"]) == ("Roma", "info@acme.it")
    items = items_of(db, outcome.request_id)
    assert items["address"].state == rules.ACCEPTED and items["address"].decided_by_name == world["office"].name
    assert items["email"].state == rules.IGNORED
    with db() as s:
        assert s.get(ChangeRequest, outcome.request_id).status == "processed"
        [mail] = s.exec(select(OutboxMessage)).all()
        kinds = {(m.kind, m.field) for m in s.exec(select(Movement).where(Movement.customer_id == world["acme"]))}
    assert mail.to_address.startswith("user") and "Roma" in mail.body_text and "nuova@acme.it" in mail.body_text
    assert {("request.accepted", "city"), ("request.accepted", "street"), ("request.ignored", "email"),
            ("request.applied", "phone")} <= kinds


def test_a_partial_decision_keeps_the_request_open_and_sends_nothing(db, world):
    outcome = submit(db, world, {"email": "nuova@acme.it", "pec": "acme@pec.it"})
    items = items_of(db, outcome.request_id)
    decide(db, world, {items["email"].id: "accept"})
    with db() as s:
        assert s.get(ChangeRequest, outcome.request_id).status == "open"
        assert s.exec(select(OutboxMessage)).all() == []
        assert change_requests.count_open_requests(session=s, actor=world["office"]) == 1


def test_no_mail_when_the_customer_blocks_automatic_emails(db, world):
    with db(write=True) as s:
        acme = s.get(Customer, world["acme"])
        acme.block_automatic_emails = True
        s.add(acme)
    outcome = submit(db, world, {"email": "nuova@acme.it"})
    decide(db, world, {items_of(db, outcome.request_id)["email"].id: "ignore"})
    with db() as s:
        assert s.exec(select(OutboxMessage)).all() == []


def test_values_are_checked_again_when_accepted(db, world):
    # Asked while the customer was a business (no first name needed); by the time the office
    # decides, the customer is a private person, who must have one.
    with db(write=True) as s:
        acme = s.get(Customer, world["acme"])
        acme.first_name, acme.last_name = "Anna", "Verdi"
        s.add(acme)
    outcome = submit(db, world, {"first_name": ""})
    with db(write=True) as s:
        acme = s.get(Customer, world["acme"])
        customers.update_customer(session=s, actor=world["office"], customer_id=acme.id,
                                  raw={**customers.current_values(acme), "kind": "private"},
                                  expected_version=acme.version)
    item = items_of(db, outcome.request_id)["first_name"]
    with pytest.raises(DomainError) as err:
        decide(db, world, {item.id: "accept"})
    assert err.value.errors == {"first_name": "form.err.required"}
    assert stored(db, world["acme"])["first_name"] == "Anna"
    assert items_of(db, outcome.request_id)["first_name"].state == rules.PENDING


def test_an_item_decided_already_stops_the_whole_decision(db, world):
    outcome = submit(db, world, {"email": "nuova@acme.it", "pec": "acme@pec.it"})
    items = items_of(db, outcome.request_id)
    decide(db, world, {items["email"].id: "ignore"})
    with pytest.raises(AlreadyDecided) as err:
        decide(db, world, {items["email"].id: "accept", items["pec"].id: "accept"}, actor=world["admin"])
    assert err.value.by == world["office"].name and err.value.field == "email"
    assert stored(db, world["acme"])["pec"] is None
    assert items_of(db, outcome.request_id)["pec"].state == rules.PENDING


def test_two_reviewers_at_once_exactly_one_decision_wins(db, world):
    for round_ in range(50):
        outcome = submit(db, world, {"email": f"giro{round_}@acme.it"})
        item_id = items_of(db, outcome.request_id)["email"].id
        barrier = threading.Barrier(2)
        results: list[str] = []

        def review(actor, choice, barrier=barrier, results=results, item_id=item_id):
            barrier.wait()
            try:
                decide(db, world, {item_id: choice}, actor=actor)
                results.append(choice)
            except AlreadyDecided:
                results.append("already")

        threads = [threading.Thread(target=review, args=(world["office"], "accept")),
                   threading.Thread(target=review, args=(world["admin"], "ignore"))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results) in (["accept", "already"], ["already", "ignore"]), results
        winner = next(r for r in results if r != "already")
        item = items_of(db, outcome.request_id)["email"]
        assert item.state == {"accept": rules.ACCEPTED, "ignore": rules.IGNORED}[winner]
        email = stored(db, world["acme"])["email"]
        assert (email == f"giro{round_}@acme.it") is (winner == "accept")
    with db() as s:
        decided = s.exec(sa.select(sa.func.count()).select_from(Movement).where(
            Movement.kind.in_(["request.ignored", "request.accepted"]))).scalar()
        accepted = s.exec(sa.select(sa.func.count()).select_from(ChangeRequestItem).where(
            ChangeRequestItem.state == rules.ACCEPTED)).scalar()
        ignored = s.exec(sa.select(sa.func.count()).select_from(ChangeRequestItem).where(
            ChangeRequestItem.state == rules.IGNORED)).scalar()
    assert accepted + ignored == 50 and decided == 50


def test_customer_users_reach_only_their_own_customer(db, world):
    with pytest.raises(Forbidden):
        submit(db, world, {"email": "x@acme.it"}, customer_id=world["other"])
    with db() as s, pytest.raises(Forbidden):
        change_requests.list_own_requests(session=s, actor=world["client"], customer_id=world["other"])
    with db() as s, pytest.raises(Forbidden):
        change_requests.editable_values(session=s, actor=world["client"], customer_id=world["other"])
    with pytest.raises(Forbidden):
        decide(db, world, {1: "accept"}, actor=world["client"])
    with pytest.raises(Forbidden):
        submit(db, world, {"email": "x@acme.it"}, actor=world["office"])


def test_items_of_another_customer_or_malformed_ids_change_nothing(db, world):
    outcome = submit(db, world, {"email": "nuova@acme.it"})
    item_id = items_of(db, outcome.request_id)["email"].id
    for decisions in ({item_id: "accept"}, {"abc": "accept"}, {item_id: "maybe"}, {}, [item_id], None,
                      {-1: "accept"}, {True: "accept"}):
        with pytest.raises(DomainError):
            decide(db, world, decisions, customer_id=world["other"] if decisions == {item_id: "accept"} else None)
    assert items_of(db, outcome.request_id)["email"].state == rules.PENDING
    with db(write=True) as s, pytest.raises(Forbidden):
        factories_credit = factories.actor(s, Role.CREDIT_MANAGER)
        change_requests.decide(session=s, actor=factories_credit, customer_id=world["acme"],
                               decisions={item_id: "accept"})


def test_inbox_groups_by_customer_and_field_and_filters(db, world):
    with db(write=True) as s:
        beta_user = factories.actor(s, Role.CUSTOMER, customer_id=world["other"])
    submit(db, world, {"email": "nuova@acme.it", "pec": "acme@pec.it"})
    submit(db, world, {"pec": "beta@pec.it"}, actor=beta_user, customer_id=world["other"])
    with db() as s:
        page = change_requests.list_inbox(session=s, actor=world["office"], filters=InboxFilter())
        assert [(r.customer_name, r.field) for r in page.rows] == [
            ("Acme Impianti S.r.l.", "email"), ("Acme Impianti S.r.l.", "pec"), ("Beta S.p.A.", "pec")]
        only_pec = change_requests.list_inbox(session=s, actor=world["office"], filters=InboxFilter(field="pec"))
        assert len(only_pec.rows) == 2
        beta = change_requests.list_inbox(session=s, actor=world["office"], filters=InboxFilter(customer="bèta"))
        assert [r.customer_name for r in beta.rows] == ["Beta S.p.A."]
        processed = change_requests.list_inbox(session=s, actor=world["office"],
                                               filters=InboxFilter(to_process=False))
        assert processed.rows == []
        pages = factories.all_pages(lambda after: change_requests.list_inbox(
            session=s, actor=world["office"], filters=InboxFilter(), after=after, limit=1))
        assert [p.rows[0].field for p in pages] == ["email", "pec", "pec"]


def test_customer_sees_each_fields_outcome(db, world):
    outcome = submit(db, world, {"email": "nuova@acme.it", "phone": "06 1234567"})
    decide(db, world, {items_of(db, outcome.request_id)["email"].id: "accept"})
    with db() as s:
        requests, more = change_requests.list_own_requests(session=s, actor=world["client"],
                                                           customer_id=world["acme"])
    assert more is None
    [request] = requests
    assert request.status == "processed"
    assert {(i.field, i.state) for i in request.items} == {("email", "accepted"), ("phone", "applied")}


def test_policy_settings_need_the_permission_and_valid_choices(db, world):
    with db(write=True) as s, pytest.raises(Forbidden):
        change_requests.save_policies(session=s, actor=world["office"], review_enabled=True, choices={})
    for bad in ({"email:portal": "maybe"}, {"notes:portal": "auto"}, {"email:fax": "auto"}, "x"):
        with db(write=True) as s, pytest.raises(DomainError):
            change_requests.save_policies(session=s, actor=world["admin"], review_enabled=True, choices=bad)
    with db(write=True) as s:
        saved = change_requests.save_policies(session=s, actor=world["admin"], review_enabled=True,
                                              choices={"email:api": "auto"})
    assert saved.action("email", "api") == "auto" and saved.action("email", "portal") == "review"


def test_a_user_who_sees_only_their_own_records_sees_only_their_own_requests(db, world):
    from app.models import PortalAccess

    with db(write=True) as s:
        colleague = factories.actor(s, Role.CUSTOMER, customer_id=world["acme"])
        s.get(PortalAccess, colleague.user_id).visibility = "own"
    submit(db, world, {"email": "nuova@acme.it"})
    submit(db, world, {"pec": "acme@pec.it"}, actor=colleague)
    with db() as s:
        mine, _ = change_requests.list_own_requests(session=s, actor=colleague, customer_id=world["acme"])
        everyone, _ = change_requests.list_own_requests(session=s, actor=world["client"], customer_id=world["acme"])
    assert [i.field for r in mine for i in r.items] == ["pec"]
    assert len(everyone) == 2
