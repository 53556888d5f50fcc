"""What an import file is made of, without a database: how its text is decoded and split, which column
is which customer field (guessed from the headers in Italian or English), and how one row becomes the
values the customer form would have sent."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime

from app.domain.errors import DomainError
from app.domain.text import compact_code, fold
from app.i18n import N_

# The fields a column may fill, in the order the mapping selects show them. `code` only finds a customer
# (or numbers a new one); the others are the office form's fields.
IMPORT_FIELDS: tuple[str, ...] = (
    "code", "external_code", "kind", "company_name", "first_name", "last_name", "vat_number", "tax_code",
    "sdi_code", "pec", "email", "phone", "mobile", "street", "cap", "city", "province", "country", "notes",
)
# The match keys, in the order a row is looked up by them.
MATCH_KEYS: tuple[str, ...] = ("code", "external_code", "vat_number")
IGNORE = ""
MAX_COLUMNS = 60
MAX_CELL = 4000
CODE_LIMIT = 20

# Headers a person writes for each field, folded (lower case, no accents) and without punctuation.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "code": ("codice", "codice cliente", "cod cliente", "cod", "code", "customer code", "customer id", "id cliente"),
    "external_code": ("codice esterno", "cod esterno", "codice erp", "codice gestionale", "external code",
                      "external id", "erp code", "codice alternativo"),
    "kind": ("tipo", "tipo cliente", "tipologia", "kind", "type", "customer type", "natura giuridica"),
    "company_name": ("ragione sociale", "denominazione", "rag soc", "ragsoc", "azienda", "societa", "nome azienda",
                     "company", "company name", "business name", "name", "cliente"),
    "first_name": ("nome", "first name", "firstname", "given name"),
    "last_name": ("cognome", "last name", "lastname", "surname", "family name"),
    "vat_number": ("partita iva", "p iva", "piva", "p iva cliente", "partita i v a", "vat", "vat number", "vat no",
                   "vat id", "vat code", "iva"),
    "tax_code": ("codice fiscale", "cod fiscale", "cf", "c f", "tax code", "fiscal code", "tax id"),
    "sdi_code": ("codice sdi", "sdi", "codice destinatario", "cod destinatario", "codice univoco",
                 "sdi code", "recipient code"),
    "pec": ("pec", "indirizzo pec", "posta certificata", "email pec", "e mail pec", "certified email"),
    "email": ("email", "e mail", "mail", "indirizzo email", "posta elettronica", "email address"),
    "phone": ("telefono", "tel", "telefono fisso", "phone", "telephone", "phone number"),
    "mobile": ("cellulare", "cell", "mobile", "mobile phone", "cellphone"),
    "street": ("indirizzo", "via", "sede", "sede legale", "address", "street", "street address"),
    "cap": ("cap", "c a p", "codice postale", "postcode", "post code", "zip", "zip code", "postal code"),
    "city": ("comune", "citta", "localita", "city", "town", "municipality"),
    "province": ("provincia", "prov", "pr", "province", "county", "state"),
    "country": ("nazione", "paese", "stato", "country", "nation"),
    "notes": ("note", "annotazioni", "notes", "remarks", "comments"),
}
_HEADER_TO_FIELD = {header: field for field, headers in _SYNONYMS.items() for header in headers}
_PUNCTUATION = re.compile(r"[^a-z0-9]+")

_KINDS = {
    "business": "business", "azienda": "business", "societa": "business", "impresa": "business", "ditta": "business",
    "company": "business", "b": "business", "pg": "business", "persona giuridica": "business",
    "private": "private", "privato": "private", "persona": "private", "persona fisica": "private",
    "individual": "private", "person": "private", "p": "private", "pf": "private", "consumer": "private",
}


def header_key(header: object) -> str:
    """A header as it is compared: folded, punctuation as single spaces ("P.IVA" -> "p iva")."""
    return _PUNCTUATION.sub(" ", fold(str(header or ""))).strip()


def guess_mapping(headers: list[str], remembered: Mapping[str, str] | None = None) -> list[str]:
    """The field of each column: the user's last choice for a header of that name, else a guess from
    the header, else nothing. No field is given to two columns: the first column wins."""
    remembered = remembered or {}
    taken: set[str] = set()
    mapping: list[str] = []
    for header in headers:
        key = header_key(header)
        field = remembered.get(key)
        if field is None:
            field = _HEADER_TO_FIELD.get(key, IGNORE)
        if field not in IMPORT_FIELDS or field in taken:
            field = IGNORE
        if field:
            taken.add(field)
        mapping.append(field)
    return mapping


def clean_mapping(mapping: object, width: int) -> list[str]:
    """A mapping the browser sent (one field per column, "" to ignore it) checked: only known fields,
    none twice, and at least one column that can name a customer."""
    if not isinstance(mapping, list | tuple) or len(mapping) != width:
        raise DomainError({"mapping": N_("import.err.mapping")})
    fields: list[str] = []
    for value in mapping:
        field = value if isinstance(value, str) else None
        if field is None or (field and field not in IMPORT_FIELDS):
            raise DomainError({"mapping": N_("import.err.mapping")})
        if field and field in fields:
            raise DomainError({"mapping": N_("import.err.mapping_twice")})
        fields.append(field)
    if not {"company_name", "last_name", *MATCH_KEYS} & set(fields):
        raise DomainError({"mapping": N_("import.err.mapping_empty")})
    return fields


def remembered_mapping(headers: list[str], mapping: list[str]) -> dict[str, str]:
    """What to remember of a mapping for the next file: the field chosen for each header."""
    return {header_key(h): f for h, f in zip(headers, mapping, strict=False) if header_key(h)}


# Reading files -----------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """CSV text as spreadsheets save it: UTF-8 (with or without its byte order mark), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def detect_delimiter(first_line: str) -> str:
    """Italian spreadsheets save CSV with ';', others with ','; a tab-separated file is read too."""
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def csv_rows(text: str) -> Iterator[list[str]]:
    """Every line of the CSV text as a list of cells; empty lines are skipped."""
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=detect_delimiter(first))
    for row in reader:
        if any(cell.strip() for cell in row):
            yield row


def cell_text(value: object) -> str:
    """A spreadsheet cell as text: a whole number without '.0', a day as the office types it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M") if (value.hour or value.minute) else value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)[:MAX_CELL]


def clean_header(headers: Iterable[object]) -> list[str]:
    names = [" ".join(cell_text(h).split()) for h in headers]
    while names and not names[-1]:
        names.pop()
    if not names:
        raise DomainError({"file": N_("import.err.no_header")})
    if len(names) > MAX_COLUMNS:
        raise DomainError({"file": N_("import.err.too_many_columns")}, limit=MAX_COLUMNS)
    return names


# One row ---------------------------------------------------------------------------------------


def parse_kind(value: str | None) -> str | None:
    """"Azienda", "privato", "business"... as the form's kind; anything else is kept to be refused."""
    if not value:
        return None
    return _KINDS.get(header_key(value), value)


def row_values(cells: list[object], mapping: list[str]) -> dict[str, str]:
    """The mapped, non-empty cells of one row by field. An empty cell says nothing: it never clears a
    value the customer already has."""
    values: dict[str, str] = {}
    for index, field in enumerate(mapping):
        if not field or index >= len(cells):
            continue
        raw = cells[index]
        text = cell_text(raw).strip()
        if not text:
            continue
        # A spreadsheet turns 00184 into the number 184: a number stands for the digits it lost.
        if isinstance(raw, int | float) and not isinstance(raw, bool) and text.isdigit():
            if field == "cap":
                text = text.zfill(5)
            elif field == "vat_number" and len(text) < 11:
                text = text.zfill(11)
        values[field] = text
    if "kind" in values:
        values["kind"] = parse_kind(values["kind"]) or "business"
    elif values.get("company_name") or not (values.get("first_name") or values.get("last_name")):
        values["kind"] = "business"
    else:
        values["kind"] = "private"
    return values


def clean_code(value: str | None) -> str | None:
    """An internal code as the registry stores it: compact, upper case; None when empty."""
    code = compact_code(value) if value else ""
    return code or None


def check_code(code: str | None) -> dict[str, str]:
    """A code a file gives a new customer: the registry's codes are at most 20 letters, digits, '-' or '/'."""
    if code is None:
        return {}
    if len(code) > CODE_LIMIT or not re.fullmatch(r"[A-Z0-9./_-]+", code):
        return {"code": N_("import.err.code")}
    return {}


def error_summary(errors: Mapping[str, str], labels: Mapping[str, str]) -> str:
    """One cell of the error file: 'Partita IVA: not valid; CAP: ...'."""
    return "; ".join(f"{labels.get(field, field)}: {message}" if field else message
                     for field, message in errors.items())
