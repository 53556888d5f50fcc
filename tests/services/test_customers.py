import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from app.domain.errors import DomainError, Forbidden
from app.domain.permissions import Role
from app.models import Customer, Movement, Site
from app.services import customers, movements
from app.services.customers import DuplicatesFound, EditConflict
from tests import factories

ACME = {"kind": "business", "company_name": "Acme Impianti S.r.l.", "vat_number": "00743110157",
        "email": "info@acme.it", "city": "Milano", "province": "MI", "cap": "20121"}


@pytest.fixture
def office(db):
    with db(write=True) as s:
        return factories.actor(s, Role.OFFICE)


def create(db, actor, **raw):
    with db(write=True) as s:
        return customers.create_customer(session=s, actor=actor, raw={**ACME, **raw}, confirmed_duplicates=True)


def test_create_numbers_codes_and_records_the_movement(db, office):
    first = create(db, office)
    second = create(db, office, company_name="Beta S.p.A.", vat_number="01114601006", email="b@beta.it")
    assert (first.code, second.code) == ("C000001", "C000002")
    with db() as s:
        kinds = [m.kind for m in s.exec(select(Movement).where(Movement.customer_id == first.id))]
        assert kinds == ["customer.created"]


def test_invalid_fields_write_nothing(db, office):
    with pytest.raises(DomainError) as err, db(write=True) as s:
        customers.create_customer(session=s, actor=office, raw={**ACME, "vat_number": "00743110158", "cap": "1"})
    assert set(err.value.errors) == {"vat_number", "cap"}
    with db() as s:
        assert s.exec(select(Customer)).all() == [] and s.exec(select(Movement)).all() == []


def test_duplicates_are_shown_and_need_confirmation(db, office):
    existing = create(db, office)
    with pytest.raises(DuplicatesFound) as err, db(write=True) as s:
        customers.create_customer(session=s, actor=office, raw={**ACME, "company_name": "Acme bis"})
    [duplicate] = err.value.duplicates
    assert duplicate.id == existing.id and set(duplicate.matched) == {"vat_number", "email"}
    with db(write=True) as s:
        again = customers.create_customer(session=s, actor=office, raw={**ACME, "company_name": "Acme bis"},
                                          confirmed_duplicates=True)
    assert again.id != existing.id


def test_external_code_is_unique_without_case_and_spaces(db, office):
    holder = create(db, office, external_code="ab-12")
    with pytest.raises(DomainError) as err, db(write=True) as s:
        customers.create_customer(session=s, actor=office, raw={**ACME, "external_code": " AB-12 "},
                                  confirmed_duplicates=True)
    assert err.value.errors == {"external_code": "customer.err.external_code_taken"}
    assert err.value.params == {"code": holder.code}


def test_two_concurrent_saves_of_the_same_external_code_one_wins(db, office):
    for round_ in range(5):
        barrier = threading.Barrier(2)
        outcomes = []

        def save(name, code=f"EXT-{round_}", barrier=barrier, outcomes=outcomes):
            barrier.wait()
            try:
                with db(write=True) as s:
                    customers.create_customer(session=s, actor=office, raw={**ACME, "company_name": name,
                                              "external_code": code}, confirmed_duplicates=True)
                outcomes.append("saved")
            except DomainError as error:
                outcomes.append(error.errors.get("external_code"))

        threads = [threading.Thread(target=save, args=(f"Cliente {i}",)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["customer.err.external_code_taken", "saved"]
    with db() as s:
        assert s.exec(sa.select(sa.func.count()).select_from(Customer)).scalar() == 5


def test_second_save_on_a_stale_version_is_refused_with_what_changed(db, office):
    customer = create(db, office)
    with db(write=True) as s:
        other = factories.actor(s, Role.ADMIN)
    with db(write=True) as s:
        _, changed = customers.update_customer(session=s, actor=other, customer_id=customer.id,
                                               raw={**ACME, "phone": "02 1234 5678"}, expected_version=1)
    assert changed == ["phone"]
    with pytest.raises(EditConflict) as err, db(write=True) as s:
        customers.update_customer(session=s, actor=office, customer_id=customer.id,
                                  raw={**ACME, "company_name": "Acme Nuova"}, expected_version=1)
    [change] = err.value.changes
    assert (change.field, change.after, change.actor_name) == ("phone", "+390212345678", other.name)
    assert err.value.current_version == 2
    with db() as s:
        assert s.get(Customer, customer.id).company_name == "Acme Impianti S.r.l."
    with db(write=True) as s:  # saving again on the current version goes through
        saved, changed = customers.update_customer(session=s, actor=office, customer_id=customer.id,
                                                   raw={**ACME, "phone": "02 1234 5678", "company_name": "Acme Nuova"},
                                                   expected_version=2)
    assert changed == ["company_name"] and saved.version == 3


def test_every_changed_field_is_a_movement_with_before_and_after(db, office):
    customer = create(db, office)
    with db(write=True) as s:
        customers.update_customer(session=s, actor=office, customer_id=customer.id, expected_version=1,
                                  raw={**ACME, "email": "nuova@acme.it", "city": "Roma", "province": "RM", "cap": "00184"})
    with db() as s:
        page = movements.list_movements(session=s, actor=office, customer_id=customer.id, group="customer")
    changes = {(r.field, r.before, r.after) for r in page.rows if r.kind == "customer.updated"}
    assert changes == {("email", "info@acme.it", "nuova@acme.it"), ("city", "Milano", "Roma"),
                       ("province", "MI", "RM"), ("cap", "20121", "00184")}
    assert all(r.source == "office" and r.actor_name == office.name for r in page.rows)


def test_movements_cannot_be_changed_or_deleted_even_by_sql(db, office, engine):
    create(db, office)
    for statement in ("UPDATE movement SET kind = 'x'", "DELETE FROM movement"):
        with pytest.raises(DBAPIError), engine.begin() as connection:
            connection.execute(sa.text(statement))
    with db() as s:
        assert [m.kind for m in s.exec(select(Movement))] == ["customer.created"]


def test_customer_users_and_technicians_cannot_use_the_registry(db, office):
    customer = create(db, office)
    with db(write=True) as s:
        own_user = factories.actor(s, Role.CUSTOMER, customer_id=customer.id)
        technician = factories.actor(s, Role.TECHNICIAN)
        credit = factories.actor(s, Role.CREDIT_MANAGER)
    with db() as s:
        for intruder in (own_user, technician):
            with pytest.raises(Forbidden):
                customers.search_customers(session=s, actor=intruder)
        assert customers.search_customers(session=s, actor=credit).rows
    with pytest.raises(Forbidden), db(write=True) as s:
        customers.create_customer(session=s, actor=credit, raw=ACME)


def test_a_customers_first_site_is_its_default(db, office):
    customer = create(db, office)
    with db(write=True) as s:
        first = customers.save_site(session=s, actor=office, customer_id=customer.id, raw={"name": "Sede"})
        second = customers.save_site(session=s, actor=office, customer_id=customer.id, raw={"name": "Cantiere"})
        assert (first.is_default, second.is_default) == (True, False)


def test_sites_keep_a_single_default_and_contacts_belong_to_their_customer(db, office):
    customer = create(db, office)
    other = create(db, office, company_name="Altro", vat_number="01114601006", email="x@altro.it")
    with db(write=True) as s:
        first = customers.save_site(session=s, actor=office, customer_id=customer.id,
                                    raw={"name": "Magazzino", "city": "Torino", "is_default": True})
    with db(write=True) as s:
        second = customers.save_site(session=s, actor=office, customer_id=customer.id,
                                     raw={"name": "Cantiere", "city": "Agliè", "is_default": "on"})
    with db() as s:
        defaults = s.exec(select(Site.id).where(Site.customer_id == customer.id, Site.is_default)).all()
    assert defaults == [second.id] and first.id != second.id
    with db(write=True) as s:
        contact = customers.save_contact(session=s, actor=office, customer_id=customer.id,
                                         raw={"first_name": "Luisa", "last_name": "Neri", "email": "l@acme.it"})
    with pytest.raises(DomainError), db(write=True) as s:  # another customer's id does not reach it
        customers.remove_contact(session=s, actor=office, customer_id=other.id, contact_id=contact.id)
    with db() as s:
        card = customers.get_card(session=s, actor=office, customer_id=customer.id)
        assert [c.last_name for c in card.contacts] == ["Neri"] and card.sites[0].id == second.id
