"""The customer's transaction history: which article lines it shows, how each reads, and the filters a
person (or a bookmarked address) asks it for."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.domain.inputs import Amount, Checkbox, Choice, Day, Input, Text
from app.domain.text import fold
from app.domain.vocabularies import DocumentKind, DocumentStatus, HistoryStatus

# The documents whose lines the history shows, and what each line then is. Drafts, held, cancelled and
# rejected documents, and orders already fulfilled or closed (their invoice shows instead), are not here.
VISIBLE: dict[tuple[str, str], HistoryStatus] = {
    (DocumentKind.INVOICE.value, DocumentStatus.APPROVED.value): HistoryStatus.SOLD,
    (DocumentKind.ORDER.value, DocumentStatus.OPEN.value): HistoryStatus.ORDERED,
    (DocumentKind.DELIVERY_NOTE.value, DocumentStatus.APPROVED.value): HistoryStatus.AWAITING_PICKUP,
    (DocumentKind.CREDIT_NOTE.value, DocumentStatus.APPROVED.value): HistoryStatus.RETURNED,
    (DocumentKind.RETURN.value, DocumentStatus.APPROVED.value): HistoryStatus.RETURNED,
    (DocumentKind.COMPLAINT.value, DocumentStatus.APPROVED.value): HistoryStatus.COMPLAINT,
}
MAX_TEXT = 80


def history_status(kind: str, status: str) -> HistoryStatus | None:
    return VISIBLE.get((kind, status))


def search_text(*parts: str | None) -> str:
    """What the search box matches: article name, code, EAN, properties and document numbers, folded."""
    return " ".join(fold(part) for part in parts if part)


class HistoryFilterInput(Input):
    """The history's filters as a form or an address sends them."""

    q: Text = None
    status: Choice = None
    price_min: Amount = None
    price_max: Amount = None
    date_from: Day = None
    date_to: Day = None
    value_min: Amount = None
    value_max: Amount = None
    defective: Checkbox = False
    property: Text = None


@dataclass(frozen=True)
class HistoryFilter:
    text: str = ""
    status: HistoryStatus | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    date_from: date | None = None
    date_to: date | None = None
    value_min: Decimal | None = None
    value_max: Decimal | None = None
    defective: bool = False
    property: str = ""

    def as_params(self) -> dict[str, str]:
        """The filters as an address keeps them, empty ones left out."""
        values = {"q": self.text, "status": self.status.value if self.status else "",
                  "price_min": _plain(self.price_min), "price_max": _plain(self.price_max),
                  "date_from": self.date_from.isoformat() if self.date_from else "",
                  "date_to": self.date_to.isoformat() if self.date_to else "",
                  "value_min": _plain(self.value_min), "value_max": _plain(self.value_max),
                  "defective": "on" if self.defective else "", "property": self.property}
        return {name: value for name, value in values.items() if value}


def _plain(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def read_filter(raw: Mapping | None) -> tuple[HistoryFilter, dict[str, str]]:
    """The filters and, per field, what could not be read (that filter is then left out)."""
    data, errors = HistoryFilterInput.read(raw or {})
    return HistoryFilter(
        text=fold(data.q or "")[:MAX_TEXT], status=HistoryStatus.parse(data.status),
        price_min=data.price_min, price_max=data.price_max, date_from=data.date_from, date_to=data.date_to,
        value_min=data.value_min, value_max=data.value_max, defective=data.defective,
        property=fold(data.property or "")[:MAX_TEXT],
    ), errors
