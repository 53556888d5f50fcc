"""What a use case accepts, one model each, read the same way from a browser form, a JSON body or an
import row: text trimmed by one cleaner, a ticked checkbox by one rule, a day by one parser.

Every text a browser or a caller sends loses first the characters no field has a use for and some layer
refuses (`drop_unsafe`): the guard of every event handler applies it to all the handler's arguments
(`clean_arguments`), and the models and the search boxes read text through it again for the callers
that are not a browser.

A model only reads; what makes a value valid (a tax code, a province, a required name) stays with the
rules that take it. Anything a caller sends that is not a field is ignored; a value of the wrong kind
(a list for a name, a word for a date) is refused next to its field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import PydanticCustomError

from app.domain.errors import DomainError
from app.domain.text import drop_unsafe
from app.i18n import N_

FORM_INVALID = N_("form.err.invalid")
VALUE_INVALID = N_("form.err.value")
DATE_INVALID = N_("form.err.date")
NUMBER_INVALID = N_("form.err.number")
TIME_INVALID = N_("form.err.time")
# A clock time skipped when summer time starts (02:00-03:00 on the last Sunday of March in Italy).
TIME_SKIPPED = N_("form.err.time_skipped")
REQUIRED = N_("form.err.required")
TOO_LONG = N_("form.err.too_long")
# Longer than anything a search box needs; a longer text is cut, not refused.
SEARCH_LIMIT = 100
# Deeper than any form or JSON body the app reads: what lies below is dropped, not walked.
ARGUMENT_DEPTH = 8


def clean_text(value: object) -> str | None:
    """One line of text: inner runs of spaces, tabs and newlines become one space; empty is None."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PydanticCustomError(VALUE_INVALID, "not text")
    return " ".join(drop_unsafe(str(value)).split()) or None


def clean_long_text(value: object) -> str | None:
    """Text whose line breaks matter (notes, a message): only trimmed."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise PydanticCustomError(VALUE_INVALID, "not text")
    return drop_unsafe(value).strip() or None


def search_text(value: object) -> str:
    """What a search box or a text filter sends: one line of text, cut at SEARCH_LIMIT; anything that is
    not text searches for nothing."""
    if not isinstance(value, str):
        return ""
    return " ".join(drop_unsafe(value).split())[:SEARCH_LIMIT]


def clean_arguments(value: object, depth: int = 0) -> object:
    """An event handler's arguments as the browser sent them, every text in them (keys of a form
    included) without unsafe characters; other values are left to the handler's own checks."""
    if isinstance(value, str):
        return drop_unsafe(value)
    if depth >= ARGUMENT_DEPTH and isinstance(value, dict | list | tuple):
        return None
    if isinstance(value, dict):
        return {clean_arguments(k, depth + 1): clean_arguments(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_arguments(v, depth + 1) for v in value]
    if isinstance(value, tuple):
        return tuple(clean_arguments(v, depth + 1) for v in value)
    return value


def ticked(value: object) -> bool:
    """A checkbox or switch: a form sends "on" or nothing, JSON sends true or false."""
    return value is True or (type(value) is int and value == 1) or value in ("on", "true", "1")


def read_day(value: object) -> date | None:
    """A calendar day as a date input sends it (YYYY-MM-DD); None for anything else."""
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def parse_day(value: object) -> date | None:
    """A day field: empty is None, anything that is not a day is refused."""
    if value is None or value == "":
        return None
    day = read_day(value)
    if day is None:
        raise PydanticCustomError(DATE_INVALID, "not a day")
    return day


_THOUSANDS = re.compile(r"-?\d{1,3}(\.\d{3})+")


def parse_amount(value: object) -> Decimal | None:
    """A number as a person types it in Italy or a program sends it: 1234.5, "1234,50", "1.234,50 €",
    "5.000" (five thousand: dots in groups of three are thousands, as an Italian reads them); empty is None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise PydanticCustomError(NUMBER_INVALID, "not a number")
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(str(value))
    elif isinstance(value, str):
        text = value.strip().replace(" ", "").replace("\u00a0", "").removesuffix("€")
        if "," in text or _THOUSANDS.fullmatch(text):  # Italian: dots group thousands, the comma marks decimals
            text = text.replace(".", "").replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise PydanticCustomError(NUMBER_INVALID, "not a number") from None
    else:
        raise PydanticCustomError(NUMBER_INVALID, "not a number")
    if not number.is_finite():
        raise PydanticCustomError(NUMBER_INVALID, "not a number")
    return number


def local_moment(value: datetime) -> datetime:
    """A wall-clock time in the company's time zone as UTC. Of the two 02:30 of the October night the
    first (summer time) is taken; a time the March change skips does not exist and is refused."""
    from app.i18n.formats import TIME_ZONE

    placed = value.replace(tzinfo=TIME_ZONE, fold=0)
    if placed.astimezone(UTC).astimezone(TIME_ZONE).replace(tzinfo=None) != value:
        raise PydanticCustomError(TIME_SKIPPED, "no such local time")
    return placed.astimezone(UTC)


def parse_moment(value: object) -> datetime | None:
    """A moment as a date-and-time field sends it (local time, "2026-11-30T09:30") or a program or the
    calendar sends it (ISO 8601 with its offset), in UTC; empty is None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise PydanticCustomError(TIME_INVALID, "not a time") from None
    else:
        raise PydanticCustomError(TIME_INVALID, "not a time")
    return local_moment(moment) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_ids(value: object) -> tuple[int, ...]:
    """Row ids picked in a form: a list, or "3,5" from a form field or an import row; anything else is refused."""
    if value is None or value == "":
        return ()
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise PydanticCustomError(VALUE_INVALID, "not a list")
    ids = []
    for item in items:
        text = item.strip() if isinstance(item, str) else item
        if isinstance(text, str) and text.isdigit():
            text = int(text)
        if type(text) is not int or text <= 0:
            raise PydanticCustomError(VALUE_INVALID, "not an id")
        if text not in ids:
            ids.append(text)
    return tuple(ids)


def choice(value: object) -> str | None:
    """A value picked from a list: checked against the list by the rule that uses it."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise PydanticCustomError(VALUE_INVALID, "not a choice")
    return value


Text = Annotated[str | None, BeforeValidator(clean_text)]
LongText = Annotated[str | None, BeforeValidator(clean_long_text)]
Checkbox = Annotated[bool, BeforeValidator(ticked)]
Day = Annotated[date | None, BeforeValidator(parse_day)]
Choice = Annotated[str | None, BeforeValidator(choice)]
Amount = Annotated[Decimal | None, BeforeValidator(parse_amount)]
Moment = Annotated[datetime | None, BeforeValidator(parse_moment)]
Ids = Annotated[tuple[int, ...], BeforeValidator(parse_ids)]


class Input(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    @classmethod
    def read(cls, data: object) -> tuple[Self, dict[str, str]]:
        """The model from a form or JSON mapping (or the model itself), with the fields it could not
        read left empty and named in the errors, so a rule can add its own and report them all at once."""
        if isinstance(data, cls):
            return data, {}
        if not isinstance(data, Mapping):
            raise DomainError(FORM_INVALID)
        values = {k: v for k, v in data.items() if isinstance(k, str) and k in cls.model_fields}
        try:
            return cls.model_validate(values), {}
        except ValidationError as error:
            problems = error.errors()
        errors: dict[str, str] = {}
        readable = dict(values)
        for problem in problems:
            # A field of a list item is named by its path: lines.2.quantity.
            field = ".".join(str(part) for part in problem["loc"])
            errors.setdefault(field, problem["type"] if problem["type"].startswith("form.err.") else VALUE_INVALID)
            _forget(readable, problem["loc"])
        return cls.model_validate(readable), errors

    @classmethod
    def echo(cls, data: object) -> dict[str, str]:
        """What the user typed, as the form shows it again after a refusal: text as sent, a ticked box "on"."""
        given = data if isinstance(data, Mapping) else {}
        echoed = {}
        for name, field in cls.model_fields.items():
            value = given.get(name)
            if field.annotation is bool or value is True or value is False:
                echoed[name] = "on" if ticked(value) else ""
            else:
                echoed[name] = "" if value is None else str(value)
        return echoed

    @classmethod
    def parse(cls, data: object) -> Self:
        """The model, or one DomainError naming every field that could not be read."""
        model, errors = cls.read(data)
        if errors:
            raise DomainError(errors)
        return model


def _forget(values: dict, path: tuple) -> None:
    """Drops the value at `path` (a field, or a field of one list item) so the rest can still be read."""
    head, *rest = path
    if not rest or not isinstance(values.get(head), list):
        values.pop(head, None)
        return
    items = list(values[head])
    index, *inner = rest
    if isinstance(index, int) and 0 <= index < len(items) and isinstance(items[index], Mapping) and inner:
        items[index] = {k: v for k, v in items[index].items() if k != inner[0]}
        values[head] = items
    else:
        values.pop(head, None)


def check_text(value: str | None, field: str, limit: int, errors: dict[str, str], *, required: bool = False) -> None:
    """The one length rule for text: required when asked, never longer than `limit`."""
    if required and not value:
        errors.setdefault(field, REQUIRED)
    elif value and len(value) > limit:
        errors.setdefault(field, TOO_LONG)


# The registry: a customer, its contacts and sites -------------------------------------------


class CustomerInput(Input):
    kind: Choice = None
    company_name: Text = None
    first_name: Text = None
    last_name: Text = None
    vat_number: Text = None
    tax_code: Text = None
    sdi_code: Text = None
    pec: Text = None
    email: Text = None
    phone: Text = None
    mobile: Text = None
    street: Text = None
    cap: Text = None
    city: Text = None
    province: Text = None
    country: Text = None
    external_code: Text = None
    # An id from a select ("none" or "" for nobody): the rule checks it names a staff user.
    assigned_user_id: Text = None
    block_automatic_emails: Checkbox = False
    notes: LongText = None


class ContactInput(Input):
    kind: Choice = None
    first_name: Text = None
    last_name: Text = None
    role: Text = None
    email: Text = None
    phone: Text = None


class SiteInput(Input):
    name: Text = None
    street: Text = None
    cap: Text = None
    city: Text = None
    province: Text = None
    country: Text = None
    is_default: Checkbox = False
    notes: LongText = None


# The reserved area -----------------------------------------------------------------------------


class AccessInput(Input):
    full_name: Text = None
    email: Text = None
    language: Choice = None
    active: Checkbox = False
    receives_reminders: Checkbox = False
    receives_signed_sheets: Checkbox = False
    may_see_contracts: Checkbox = False
    visibility: Choice = None
    profile_id: Text = None


class ReminderInput(Input):
    due_on: Day = None
    text: Text = None


class TicketInput(Input):
    subject: Text = None
    body: LongText = None


class ReplyInput(Input):
    body: LongText = None


# Contracts and reports ------------------------------------------------------------------------


class ContractInput(Input):
    number: Text = None
    title: Text = None
    start_on: Day = None
    expires_on: Day = None
    notes: LongText = None
    shared: Checkbox = False


class ReportInput(Input):
    title: Text = None
    kind: Choice = None
    report_date: Day = None
    notes: LongText = None
    shared: Checkbox = False
    # The intervention it reports on, one of the customer's; empty for none.
    intervention_id: Text = None


# Credit control ----------------------------------------------------------------------------------


class BlockInput(Input):
    level: Choice = None
    reason: Text = None


class LiftInput(Input):
    note: Text = None


# Sales documents ----------------------------------------------------------------------------------


class LineInput(Input):
    article_id: Text = None
    description: Text = None
    quantity: Amount = None
    unit_price: Amount = None
    discount: Amount = None
    vat_rate: Amount = None


class DocumentInput(Input):
    date: Day = None
    payment_term: Choice = None
    shipping_site_id: Text = None
    shipping_costs: Amount = None
    notes: LongText = None
    lines: list[LineInput] = []


class ComplaintInput(Input):
    quantity: Amount = None
    defective: Checkbox = False
    notes: LongText = None


class CreditTermsInput(Input):
    credit_limit: Amount = None
    payment_term: Choice = None
    shipping_costs: Amount = None


class PaymentInput(Input):
    amount: Amount = None
    paid_on: Day = None


class UnpaidInput(Input):
    kind: Choice = None
    returned_on: Day = None
    amount: Amount = None
    charges: Amount = None
    note: Text = None


class ArticleInput(Input):
    code: Text = None
    ean: Text = None
    description: Text = None
    unit_price: Amount = None
    vat_rate: Amount = None
    # "taglia=M; colore=blu": the properties the transaction history filters by.
    properties: Text = None


# Interventions -----------------------------------------------------------------------------------


class InterventionInput(Input):
    site_id: Text = None
    type_id: Text = None
    technician_ids: Ids = ()
    starts_at: Moment = None
    ends_at: Moment = None
    description: LongText = None
    contact_id: Text = None
    ticket_id: Text = None
    # The planner saw the double-booking warning and saves anyway.
    accept_overlap: Checkbox = False


class CancelInput(Input):
    reason: Text = None


class MaterialInput(Input):
    description: Text = None
    quantity: Amount = None
    unit: Text = None


class WorkInput(Input):
    work_done: LongText = None
    minutes_spent: Amount = None
    materials: list[MaterialInput] = []


class CloseInput(WorkInput):
    signer_name: Text = None
    # The drawn signature as the browser's canvas gives it: a PNG data URL.
    signature: Choice = None
    # The browser's token for this closing, kept with its draft: sent twice, it closes once.
    close_token: Text = None


class NoteInput(Input):
    body: LongText = None


class InterventionTypeInput(Input):
    code: Text = None
    name_it: Text = None
    name_en: Text = None
    position: Text = None
    active: Checkbox = True


# Settings ------------------------------------------------------------------------------------


class ConsentTypeInput(Input):
    code: Text = None
    title: Text = None
    channel: Choice = None
    body: LongText = None
    position: Text = None
    requires_signature: Checkbox = False
    # A type is active unless the form says otherwise.
    active: Checkbox = True


class ProfileInput(Input):
    code: Text = None
    name: Text = None
    is_default: Checkbox = False
    # The sections in order: a list from a form or JSON, or "a,b,c" from an import row.
    modules: list[str] | str | None = None
