"""Saves for ever, as a busy office would, until it is killed: `python -m tests.crash_worker CUSTOMER CONTRACT`.
Each round is one use case in one transaction: a customer edit, then an upload with its row."""

import sys
from itertools import count

from sqlmodel import select

from app.db import session_scope
from app.domain.permissions import Role
from app.models import Customer, User
from app.services import customers, documents
from app.services.auth import actor_of

PDF = b"%PDF-1.7\n" + b"x" * 200_000  # large enough for the kill to land mid-write now and then


def main() -> None:
    customer_id, contract_id = int(sys.argv[1]), int(sys.argv[2])
    with session_scope() as session:
        office = actor_of(session.exec(select(User).where(User.role == Role.OFFICE.value)).first())
    print("ready", flush=True)
    for n in count():
        with session_scope(write=True) as session:
            customer = session.get(Customer, customer_id)
            customers.update_customer(session=session, actor=office, customer_id=customer_id, expected_version=
                                      customer.version, raw={**customers.current_values(customer),
                                                             "notes": f"giro {n}"})
        with session_scope(write=True) as session:
            documents.store_attachment(session=session, actor=office, owner_kind="contract", owner_id=contract_id,
                                       filename=f"verbale-{n}.pdf", data=PDF + str(n).encode())


if __name__ == "__main__":
    main()
