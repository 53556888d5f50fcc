"""What a valid customer is. Every field is checked, and every wrong field gets its own message."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.it import codicefiscale, iva

from app.domain.errors import DomainError
from app.domain.inputs import ContactInput, CustomerInput, SiteInput
from app.domain.places import places
from app.domain.text import compact_code, fold
from app.domain.vocabularies import ContactKind, CustomerKind
from app.i18n import N_

_SDI = re.compile(r"^[A-Z0-9]{6,7}$")
_CAP = re.compile(r"^\d{5}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")

LIMITS = {
    "company_name": 200, "first_name": 100, "last_name": 100, "street": 200, "city": 100,
    "external_code": 40, "notes": 4000,
}


@dataclass(frozen=True)
class CustomerData:
    """A customer's editable fields, cleaned: identifiers compact, phones in E.164, e-mails lower case."""

    kind: str = "business"
    company_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    vat_number: str | None = None
    tax_code: str | None = None
    sdi_code: str | None = None
    pec: str | None = None
    email: str | None = None
    phone: str | None = None
    mobile: str | None = None
    street: str | None = None
    cap: str | None = None
    city: str | None = None
    province: str | None = None
    country: str = "IT"
    external_code: str | None = None
    assigned_user_id: int | None = None
    block_automatic_emails: bool = False
    notes: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


FIELDS = tuple(f.name for f in fields(CustomerData))


def clean_email(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ValueError from None


def clean_phone(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        number = phonenumbers.parse(value, "IT")
    except phonenumbers.NumberParseException:
        raise ValueError from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str | None) -> str:
    """+393331234567 -> '333 123 4567' for Italian numbers, international format otherwise."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    style = phonenumbers.PhoneNumberFormat.NATIONAL if number.country_code == 39 else \
        phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


def clean_vat(value: str | None, country: str) -> str | None:
    """Italian partita IVA as 11 digits; another EU country's VAT number with its prefix."""
    if value is None:
        return None
    compact = compact_code(value).replace(".", "").replace("-", "")
    try:
        if country == "IT" or compact.startswith("IT") or compact.isdigit():
            return iva.validate(compact)
        return eu_vat.validate(compact)
    except ValidationError:
        raise ValueError from None


class InvalidValue(ValueError):
    """A value refused by one rule among several: `message_key` says which, so the person knows what to fix."""

    def __init__(self, message_key: str) -> None:
        super().__init__(message_key)
        self.message_key = message_key


# Which of the codice fiscale's rules failed, by python-stdnum's exception.
TAX_CODE_FAILURES = {
    InvalidLength: N_("customer.err.tax_code.length"),
    InvalidFormat: N_("customer.err.tax_code.characters"),
    InvalidChecksum: N_("customer.err.tax_code.check"),
    InvalidComponent: N_("customer.err.tax_code.birth_date"),
}


def clean_tax_code(value: str | None) -> str | None:
    """Codice fiscale: 16 characters for people, 11 digits for companies. A wrong one says which rule it
    breaks: its length, its characters (letters and digits each in their place), its check character, or
    the birth date it holds."""
    if value is None:
        return None
    code = compact_code(value)
    try:
        return codicefiscale.validate(code)
    except ValidationError as error:
        key = TAX_CODE_FAILURES.get(type(error), N_("customer.err.tax_code.characters"))
        if len(code) == 11 and isinstance(error, InvalidFormat):
            key = N_("customer.err.tax_code.digits")  # a company's: 11 digits, nothing else
        raise InvalidValue(key) from None


def validate_customer(given: CustomerInput | Mapping) -> CustomerData:
    """Returns the cleaned data or raises one DomainError naming every wrong field."""
    raw = CustomerInput.parse(given).model_dump()
    errors: dict[str, str] = {}
    values: dict[str, object] = {}

    kind = raw.get("kind") or "business"
    if kind not in CustomerKind.values():
        errors["kind"] = N_("customer.err.kind")
        kind = "business"
    values["kind"] = kind

    for name in ("company_name", "first_name", "last_name", "street", "city", "notes", "external_code"):
        value = raw[name]
        if value is not None and len(value) > LIMITS[name]:
            errors[name] = N_("form.err.too_long")
        values[name] = value
    if kind == "business":
        if not values["company_name"]:
            errors["company_name"] = N_("form.err.required")
    else:
        for name in ("first_name", "last_name"):
            if not values[name]:
                errors[name] = N_("form.err.required")

    country = compact_code(raw["country"] or "IT")
    if not _COUNTRY.match(country):
        errors["country"] = N_("customer.err.country")
        country = "IT"
    values["country"] = country

    checks = {
        "vat_number": (lambda v: clean_vat(v, country), N_("customer.err.vat")),
        "tax_code": (clean_tax_code, N_("customer.err.tax_code.characters")),
        "email": (clean_email, N_("customer.err.email")),
        "pec": (clean_email, N_("customer.err.pec")),
        "phone": (clean_phone, N_("customer.err.phone")),
        "mobile": (clean_phone, N_("customer.err.phone")),
    }
    for name, (clean, message) in checks.items():
        try:
            values[name] = clean(raw[name])
        except ValueError as error:
            errors[name] = error.message_key if isinstance(error, InvalidValue) else message
            values[name] = None
    if kind == "business" and country == "IT" and not values["vat_number"] and "vat_number" not in errors:
        errors["vat_number"] = N_("customer.err.vat_required")

    sdi = compact_code(raw["sdi_code"]) or None
    if sdi is not None and not _SDI.match(sdi):
        errors["sdi_code"] = N_("customer.err.sdi")
    values["sdi_code"] = sdi
    values["external_code"] = compact_code(values["external_code"]) or None

    _check_address(raw, values, errors, country)

    assigned = raw.get("assigned_user_id")
    if assigned in (None, "0", "none"):
        values["assigned_user_id"] = None
    elif assigned.isascii() and assigned.isdigit() and len(assigned) < 10:
        values["assigned_user_id"] = int(assigned)
    else:
        errors["assigned_user_id"] = N_("customer.err.assigned")
        values["assigned_user_id"] = None
    values["block_automatic_emails"] = raw["block_automatic_emails"]

    if errors:
        raise DomainError(errors)
    return CustomerData(**values)


def save_warnings(kind: str, country: str | None, sdi_code: str | None, pec: str | None) -> list[str]:
    """What a saved customer lacks without being wrong, as message keys: an Italian business receives
    electronic invoices through the SDI, at its SDI code or at its PEC; with neither, an invoice cannot
    reach it until one is known."""
    if kind == CustomerKind.BUSINESS and (country or "IT") == "IT" and not sdi_code and not pec:
        return [N_("customer.warn.e_invoice")]
    return []


def _check_address(raw: dict, values: dict, errors: dict, country: str) -> None:
    cap = raw["cap"]
    province = compact_code(raw["province"]) or None
    city = values["city"]
    if country != "IT":
        values["cap"], values["province"] = cap, province
        return
    if cap is not None and not _CAP.match(cap):
        errors["cap"] = N_("customer.err.cap")
    if province is not None and province not in places().provinces:
        errors["province"] = N_("customer.err.province")
    if city:
        comune = places().comune(city, province if "province" not in errors else None)
        if comune is None:
            elsewhere = places().by_name.get(fold(city))
            if elsewhere and province and "province" not in errors:
                errors["province"] = N_("customer.err.province_city")
            else:
                errors["city"] = N_("customer.err.city")
        else:
            values["city"] = comune.name
            if province is None:
                province = comune.province
            elif province != comune.province and "province" not in errors:
                errors["province"] = N_("customer.err.province_city")
            if cap and "cap" not in errors and comune.caps and cap not in comune.caps:
                errors["cap"] = N_("customer.err.cap_city")
    values["cap"], values["province"] = cap, province


def display_name(kind: str, company_name: str | None, first_name: str | None, last_name: str | None) -> str:
    if kind == "business":
        return company_name or ""
    return " ".join(p for p in (first_name, last_name) if p)


def sort_key(kind: str, company_name: str | None, first_name: str | None, last_name: str | None) -> str:
    """What the list is sorted by and what 1-2 typed characters match: people by surname first."""
    if kind == "business":
        return fold(company_name)[:120]
    return fold(" ".join(p for p in (last_name, first_name) if p))[:120]


def search_text(data: CustomerData, code: str) -> str:
    """Everything a user may type to find the customer, folded, in one column for the trigram index.

    An Italian VAT number is kept with its country prefix ('it00743110157' holds the 11 digits too);
    phones as their digits ('390248512210' holds '0248512210': see text.phone_digits for the query);
    the city folded."""
    vat = (data.vat_number or "").lower()
    parts = [
        fold(display_name(data.kind, data.company_name, data.first_name, data.last_name)),
        data.email or "", data.pec or "", f"it{vat}" if vat.isdigit() else vat, (data.tax_code or "").lower(),
        code.lower(), (data.external_code or "").lower(), fold(data.city),
        *(search_phone(number) for number in (data.phone, data.mobile)),
    ]
    return " | ".join(p for p in parts if p)


def search_phone(e164: str | None) -> str:
    """A phone in E.164 as digits, with the national number's own digits after it when the
    country's trunk prefix makes them differ ('+44 20 7946 0958' -> '442079460958 02079460958')."""
    if not e164:
        return ""
    digits = e164.lstrip("+")
    if e164.startswith("+39"):  # Italian numbers keep their leading 0 (or 3) after the country code
        return digits
    try:
        national = phonenumbers.format_number(phonenumbers.parse(e164, None), phonenumbers.PhoneNumberFormat.NATIONAL)
    except phonenumbers.NumberParseException:
        return digits
    national = "".join(c for c in national if c.isdigit())
    return digits if national in digits else f"{digits} {national}"




@dataclass(frozen=True)
class ContactData:
    kind: str
    first_name: str
    last_name: str
    role: str | None
    email: str | None
    phone: str | None


def validate_contact(given: ContactInput | Mapping) -> ContactData:
    raw = ContactInput.parse(given).model_dump()
    errors: dict[str, str] = {}
    kind = raw.get("kind") or "contact_person"
    if kind not in ContactKind.values():
        errors["kind"] = N_("customer.err.kind")
    names = {}
    for name in ("first_name", "last_name", "role"):
        value = raw[name]
        if value is not None and len(value) > 100:
            errors[name] = N_("form.err.too_long")
        names[name] = value
    for name in ("first_name", "last_name"):
        if not names[name]:
            errors[name] = N_("form.err.required")
    email = phone = None
    try:
        email = clean_email(raw["email"])
    except ValueError:
        errors["email"] = N_("customer.err.email")
    try:
        phone = clean_phone(raw["phone"])
    except ValueError:
        errors["phone"] = N_("customer.err.phone")
    if errors:
        raise DomainError(errors)
    return ContactData(kind, names["first_name"], names["last_name"], names["role"], email, phone)


@dataclass(frozen=True)
class SiteData:
    name: str
    street: str | None
    cap: str | None
    city: str | None
    province: str | None
    country: str
    is_default: bool
    notes: str | None


def validate_site(given: SiteInput | Mapping) -> SiteData:
    raw = SiteInput.parse(given).model_dump()
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    for name, limit in (("name", 120), ("street", 200), ("city", 100), ("notes", 1000)):
        value = raw[name]
        if value is not None and len(value) > limit:
            errors[name] = N_("form.err.too_long")
        values[name] = value
    if not values["name"]:
        errors["name"] = N_("form.err.required")
    country = compact_code(raw["country"] or "IT")
    if not _COUNTRY.match(country):
        errors["country"] = N_("customer.err.country")
        country = "IT"
    values["country"] = country
    _check_address(raw, values, errors, country)
    if errors:
        raise DomainError(errors)
    return SiteData(
        name=values["name"], street=values["street"], cap=values["cap"], city=values["city"],
        province=values["province"], country=country,
        is_default=raw["is_default"], notes=values["notes"],
    )
