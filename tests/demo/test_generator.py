"""The generated registry is deterministic and passes the same rules as data typed in the forms."""

import sqlalchemy as sa

from app.demo.generator import RegistryGenerator, bulk_load
from app.domain.customer_rules import FIELDS, search_text, sort_key, validate_contact, validate_customer


def test_same_seed_same_customers():
    assert RegistryGenerator(7).customer(42) == RegistryGenerator(7).customer(42)
    assert RegistryGenerator(7).customer(42) != RegistryGenerator(8).customer(42)


def test_generated_customers_are_valid_as_stored():
    generator = RegistryGenerator()
    kinds, accented = set(), 0
    for generated in generator.customers(400):
        row = generated.customer
        raw = {name: row[name] for name in FIELDS}
        clean = validate_customer(raw)
        assert clean.as_dict() == raw, row["code"]
        assert row["sort_name"] == sort_key(clean.kind, clean.company_name, clean.first_name, clean.last_name)
        assert row["search_text"] == search_text(clean, row["code"])
        for contact in generated.contacts:
            validate_contact(contact)
        kinds.add(row["kind"])
        accented += not row["sort_name"].isascii() or any(
            not (row[n] or "").isascii() for n in ("company_name", "first_name", "last_name", "city"))
    assert kinds == {"business", "private"} and accented > 0


def test_bulk_load_writes_customers_contacts_and_sites(engine):
    bulk_load(engine, 120, batch=50)
    with engine.connect() as connection:
        count = lambda table: connection.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar()  # noqa: E731
        assert count("customer") == 120 and count("contact") > 30 and count("site") > 5
        assert connection.execute(sa.text("SELECT next_value FROM code_sequence")).scalar() == 121
        assert connection.execute(sa.text(
            "SELECT COUNT(*) FROM site WHERE is_default GROUP BY customer_id ORDER BY 1 DESC LIMIT 1")).scalar() == 1
