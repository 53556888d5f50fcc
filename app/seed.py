"""Demo data for a first look: one user per role and two customers. Safe to run again."""

from __future__ import annotations

from sqlmodel import select

from app.db import session_scope
from app.domain.permissions import Role
from app.models import Customer, User
from app.services.users import create_user

DEMO_PASSWORD = "Demo-Anagrafica-2026"

DEMO_CUSTOMERS = [
    dict(code="C000001", kind="business", company_name="Rossi Impianti S.r.l.",
         email="amministrazione@rossiimpianti.it"),
    dict(code="C000002", kind="private", first_name="Giulia", last_name="Bianchi", email="giulia.bianchi@example.it"),
]

DEMO_USERS = [
    ("admin@demo.it", "Alessandra Conti", Role.ADMIN, None),
    ("ufficio@demo.it", "Marco Ferri", Role.OFFICE, None),
    ("crediti@demo.it", "Elena Galli", Role.CREDIT_MANAGER, None),
    ("tecnico@demo.it", "Luca Moretti", Role.TECHNICIAN, None),
    ("cliente@demo.it", "Paolo Rossi", Role.CUSTOMER, "C000001"),
]


def seed_demo() -> list[tuple[str, str]]:
    with session_scope(write=True) as session:
        for data in DEMO_CUSTOMERS:
            if session.exec(select(Customer).where(Customer.code == data["code"])).first() is None:
                session.add(Customer(**data))
        session.flush()
        for email, name, role, customer_code in DEMO_USERS:
            if session.exec(select(User).where(User.email == email)).first() is not None:
                continue
            customer_id = None
            if customer_code:
                customer_id = session.exec(select(Customer.id).where(Customer.code == customer_code)).one()
            create_user(session=session, email=email, full_name=name, role=role, password=DEMO_PASSWORD,
                        customer_id=customer_id)
    return [(email, role.value) for email, _, role, _ in DEMO_USERS]


if __name__ == "__main__":
    from app.migrate import upgrade_to_head

    upgrade_to_head()
    logins = seed_demo()
    print(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, role in logins:
        print(f"  {role:<15} {email}")
