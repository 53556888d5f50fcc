"""Every customer's search text refreshed: phones as digits, the city, the Italian VAT number with IT.

No schema change: customer.search_text is computed by the services (app/domain/customer_rules.py
search_text); this fills it again for the customers already there, with a frozen copy of that rule.
On SQLite the FTS triggers follow each row; the index is merged into one segment at the end.

Revision ID: cc12994066f8
Revises: 5b5f68d31a76
Create Date: 2026-11-28 13:30:00
"""

from collections.abc import Sequence

import unicodedata

import phonenumbers
import sqlalchemy as sa
from alembic import op


revision: str = 'cc12994066f8'
down_revision: str | None = '5b5f68d31a76'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000
_COLUMNS = ("id, kind, company_name, first_name, last_name, email, pec, vat_number, tax_code, code, "
            "external_code, city, phone, mobile")


def _fold(text):  # noqa: ANN001, ANN202
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split()).lower()


def _display_name(row):  # noqa: ANN001, ANN202
    if row.kind == "business":
        return row.company_name or ""
    return " ".join(p for p in (row.first_name, row.last_name) if p)


def _phone(e164):  # noqa: ANN001, ANN202
    if not e164:
        return ""
    digits = e164.lstrip("+")
    if e164.startswith("+39"):
        return digits
    try:
        national = phonenumbers.format_number(phonenumbers.parse(e164, None), phonenumbers.PhoneNumberFormat.NATIONAL)
    except phonenumbers.NumberParseException:
        return digits
    national = "".join(c for c in national if c.isdigit())
    return digits if national in digits else f"{digits} {national}"


def _search_text(row, with_new_parts: bool):  # noqa: ANN001, ANN202
    vat = (row.vat_number or "").lower()
    parts = [
        _fold(_display_name(row)), row.email or "", row.pec or "",
        f"it{vat}" if with_new_parts and vat.isdigit() else vat, (row.tax_code or "").lower(),
        row.code.lower(), (row.external_code or "").lower(),
    ]
    if with_new_parts:
        parts += [_fold(row.city), _phone(row.phone), _phone(row.mobile)]
    return " | ".join(p for p in parts if p)


def _refresh(with_new_parts: bool) -> None:
    connection = op.get_bind()
    after = 0
    while True:
        rows = connection.execute(sa.text(
            f"SELECT {_COLUMNS} FROM customer WHERE id > :after ORDER BY id LIMIT :n"
        ), {"after": after, "n": BATCH}).all()
        if not rows:
            break
        changed = [{"i": r.id, "t": _search_text(r, with_new_parts)} for r in rows]
        connection.execute(sa.text("UPDATE customer SET search_text = :t WHERE id = :i"), changed)
        after = rows[-1].id
    if connection.dialect.name == "sqlite":
        op.execute("INSERT INTO customer_search(customer_search) VALUES ('optimize')")


def upgrade() -> None:
    _refresh(with_new_parts=True)


def downgrade() -> None:
    _refresh(with_new_parts=False)
