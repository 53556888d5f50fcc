"""Small builders for test data, going through the same services as the app."""

from __future__ import annotations

import itertools

from sqlmodel import Session

from app.domain.permissions import Actor, Role
from app.models import Customer, User
from app.services.auth import actor_of
from app.services.users import create_user

PASSWORD = "Trifoglio-Verde-42"
_counter = itertools.count(1)


def customer(session: Session, name: str = "Rossi Impianti S.r.l.") -> Customer:
    row = Customer(code=f"C{next(_counter):06d}", company_name=name, kind="business")
    session.add(row)
    session.flush()
    return row


def user(session: Session, role: Role = Role.OFFICE, *, customer_id: int | None = None, password: str | None = PASSWORD,
         email: str | None = None, language: str = "it") -> User:
    n = next(_counter)
    if role is Role.CUSTOMER and customer_id is None:
        customer_id = customer(session).id
    return create_user(
        session=session, email=email or f"user{n}@example.com", full_name=f"Utente {n}", role=role,
        password=password, customer_id=customer_id, language=language,
    )


def actor(session: Session, role: Role = Role.OFFICE, **kw) -> Actor:  # noqa: ANN003
    return actor_of(user(session, role, **kw))


def all_pages(fetch) -> list:  # noqa: ANN001
    """Every page of a keyset-paginated listing: `fetch(after)` returns a page with `next_after`."""
    pages, after = [], None
    while True:
        pages.append(fetch(after))
        after = pages[-1].next_after
        if after is None:
            return pages
