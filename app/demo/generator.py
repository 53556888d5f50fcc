"""Deterministic, realistic Italian customers for demos and benchmarks.

The same seed gives the same registry. Identifiers carry valid check digits (partita IVA by
the Luhn rule, codice fiscale computed from name, birth date and comune), addresses use real
comuni with one of their real CAPs, names come with their accents. It writes through SQL in
batches, so a million customers load in minutes; the rows match what the services would store
(tests validate a sample with the same rules the forms use).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from faker.providers.person.it_IT import Provider as PersonNames
from sqlalchemy import insert, text
from sqlalchemy.engine import Engine
from stdnum import luhn
from stdnum.it import codicefiscale

from app import ddl
from app.domain.customer_rules import CustomerData, search_text, sort_key
from app.domain.places import Comune, places
from app.domain.text import fold
from app.models import CodeSequence, Contact, Customer, Site
from app.services.customers import RANK_GAP, _format_code

MALE = tuple(PersonNames.first_names_male)
FEMALE = tuple(PersonNames.first_names_female)
SURNAMES = tuple(PersonNames.last_names)
STREET_KINDS = ("Via", "Via", "Via", "Viale", "Piazza", "Corso", "Largo", "Vicolo", "Strada")
STREET_NAMES = (
    "Garibaldi", "Mazzini", "Cavour", "Roma", "Dante Alighieri", "Vittorio Emanuele II", "Matteotti", "XX Settembre",
    "della Repubblica", "dei Mille", "San Francesco", "Santa Lucia", "Manzoni", "Leopardi", "Verdi", "Puccini",
    "Marconi", "Galilei", "Gramsci", "IV Novembre", "del Popolo", "della Libertà", "Nazionale", "Fiume", "Trieste",
    "Nizza", "Carducci", "Pascoli", "Colombo", "Don Minzoni", "Sant'Antonio", "dei Tigli", "delle Rose",
)
TRADES = (
    "Impianti", "Idraulica", "Elettrica", "Ferramenta", "Autofficina", "Carrozzeria", "Edilizia", "Serramenti",
    "Termoidraulica", "Ristorante", "Pizzeria", "Panificio", "Farmacia", "Studio Tecnico", "Ottica",
    "Falegnameria", "Trasporti", "Agriturismo", "Hotel", "Caffè", "Tipografia", "Lavanderia", "Macelleria",
)
LEGAL_FORMS = ("S.r.l.", "S.r.l.", "S.r.l.s.", "S.n.c.", "S.a.s.", "S.p.A.", "& C. S.n.c.", "di {first}")
MAIL_DOMAINS = ("example.com", "example.net", "example.org", "mail.example.com", "posta.example.net")
MONTHS = "ABCDEHLMPRST"
EPOCH = datetime(2019, 1, 1, tzinfo=UTC)
ROLES = ("Titolare", "Amministrazione", "Responsabile tecnico", "Ufficio acquisti", "Segreteria")
RELATIONS = ("Coniuge", "Figlio", "Figlia", "Genitore")


def _letters(value: str) -> str:
    return "".join(c for c in fold(value).upper() if "A" <= c <= "Z")


def _name_part(value: str, is_first_name: bool) -> str:
    letters = _letters(value)
    consonants = [c for c in letters if c not in "AEIOU"]
    vowels = [c for c in letters if c in "AEIOU"]
    if is_first_name and len(consonants) >= 4:
        consonants = [consonants[0], consonants[2], consonants[3]]
    return ("".join(consonants + vowels) + "XXX")[:3]


def tax_code_for(first: str, last: str, born: date, female: bool, comune: Comune) -> str:
    day = born.day + (40 if female else 0)
    body = (
        _name_part(last, False) + _name_part(first, True) + f"{born.year % 100:02d}" + MONTHS[born.month - 1]
        + f"{day:02d}" + comune.cadastral_code
    )
    return body + codicefiscale.calc_check_digit(body)


def vat_number_for(serial: int, rng: random.Random) -> str:
    body = f"{(serial * 7919 + 1_234_567) % 10_000_000:07d}{rng.randint(1, 100):03d}"
    return body + luhn.calc_check_digit(body)


def mobile(rng: random.Random) -> str:
    return f"+393{rng.randint(20, 93)}{rng.randint(0, 9_999_999):07d}"


AREA_CODES = ("2", "6", "11", "10", "51", "55", "81", "91", "41", "45", "30", "35", "49", "70", "80", "95", "71")


def landline(rng: random.Random) -> str:
    area = rng.choice(AREA_CODES)
    return f"+390{area}{rng.randint(10 ** (8 - len(area)), 10 ** (9 - len(area)) - 1)}"


@dataclass
class Generated:
    customer: dict
    contacts: list[dict] = field(default_factory=list)
    sites: list[dict] = field(default_factory=list)


class RegistryGenerator:
    def __init__(self, seed: int = 2026) -> None:
        self.seed = seed
        self.comuni = places().comuni

    def customer(self, number: int) -> Generated:
        """The `number`-th customer (1-based) of this seed: the same every time."""
        rng = random.Random(self.seed * 1_000_003 + number)
        comune = rng.choice(self.comuni)
        cap = rng.choice(comune.caps) if comune.caps else None
        street = f"{rng.choice(STREET_KINDS)} {rng.choice(STREET_NAMES)} {rng.randint(1, 220)}"
        code = _format_code(number)
        if rng.random() < 0.45:
            surname = rng.choice(SURNAMES)
            owner = rng.choice(MALE)
            legal = rng.choice(LEGAL_FORMS).format(first=owner)
            company = f"{rng.choice(TRADES)} {surname} {legal}"
            vat = vat_number_for(number, rng)
            stub = _letters(surname).lower()
            data = CustomerData(
                kind="business", company_name=company, vat_number=vat, tax_code=vat,
                sdi_code="".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(7)),
                pec=f"{stub}{number}@pec.{rng.choice(MAIL_DOMAINS)}",
                email=f"info.{stub}{number}@{rng.choice(MAIL_DOMAINS)}",
                phone=landline(rng), mobile=mobile(rng) if rng.random() < 0.5 else None,
                street=street, cap=cap, city=comune.name, province=comune.province, country="IT",
                external_code=f"ERP-{number:08d}" if rng.random() < 0.3 else None,
            )
        else:
            female = rng.random() < 0.5
            first = rng.choice(FEMALE if female else MALE)
            last = rng.choice(SURNAMES)
            born = date(1940, 1, 1) + timedelta(days=rng.randint(0, 365 * 65))
            birthplace = rng.choice(self.comuni)
            data = CustomerData(
                kind="private", first_name=first, last_name=last,
                tax_code=tax_code_for(first, last, born, female, birthplace),
                email=f"{_letters(first).lower()}.{_letters(last).lower()}{number}@{rng.choice(MAIL_DOMAINS)}",
                mobile=mobile(rng), street=street, cap=cap, city=comune.name, province=comune.province, country="IT",
            )
        now = EPOCH + timedelta(days=rng.randint(0, 6 * 365), seconds=rng.randint(0, 86_399))
        row = {
            **data.as_dict(), "code": code, "status": "active", "version": 1,
            "sort_name": sort_key(data.kind, data.company_name, data.first_name, data.last_name),
            "search_text": search_text(data, code), "created_at": now, "updated_at": now, "notes": None,
        }
        generated = Generated(customer=row)
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
            generated.contacts.append(self._contact(rng, data.kind, data.last_name, now))
        if data.kind == "business" and rng.random() < 0.4:
            for index in range(rng.randint(1, 3)):
                place = rng.choice(self.comuni)
                generated.sites.append({
                    "name": f"Sede {place.name}" if index else "Sede operativa",
                    "street": f"{rng.choice(STREET_KINDS)} {rng.choice(STREET_NAMES)} {rng.randint(1, 99)}",
                    "cap": rng.choice(place.caps) if place.caps else None, "city": place.name,
                    "province": place.province, "country": "IT", "is_default": index == 0, "notes": None,
                    "created_at": now,
                })
        return generated

    def _contact(self, rng: random.Random, kind: str, family_name: str | None, now) -> dict:  # noqa: ANN001
        female = rng.random() < 0.5
        first = rng.choice(FEMALE if female else MALE)
        last = family_name if kind == "private" and rng.random() < 0.7 else rng.choice(SURNAMES)
        return {
            "kind": "family_member" if kind == "private" else "contact_person",
            "first_name": first, "last_name": last,
            "role": rng.choice(RELATIONS if kind == "private" else ROLES),
            "email": f"{_letters(first).lower()}.{_letters(last).lower()}@{rng.choice(MAIL_DOMAINS)}"
            if rng.random() < 0.7 else None,
            "phone": mobile(rng) if rng.random() < 0.8 else None, "created_at": now,
        }

    def customers(self, count: int, start: int = 1) -> Iterator[Generated]:
        for number in range(start, start + count):
            yield self.customer(number)


def bulk_load(
    engine: Engine, count: int, *, seed: int = 2026, start: int = 1, batch: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Inserts customers `start`..`start+count-1` with their contacts and sites, batch by batch,
    then puts every customer in name order for the search index (rebuilt once, not row by row)."""
    generator = RegistryGenerator(seed)
    if engine.dialect.name == "sqlite":
        with engine.begin() as connection:
            ddl.drop_customer_search_triggers(connection)
    try:
        _load_batches(engine, generator, count, start, batch, progress)
    finally:
        with engine.begin() as connection:
            ddl.rebuild_search_order(connection, RANK_GAP)


def _load_batches(engine: Engine, generator: RegistryGenerator, count: int, start: int, batch: int,
                  progress: Callable[[int], None] | None) -> None:
    done = 0
    while done < count:
        first_number = start + done
        chunk = [generator.customer(n) for n in range(first_number, first_number + min(batch, count - done))]
        with engine.begin() as connection:
            first_id = connection.execute(text("SELECT COALESCE(MAX(id), 0) FROM customer")).scalar() + 1
            # Placeholder ranks (unique, negative) until the whole load is renumbered in name order.
            rows = [dict(g.customer, id=first_id + i, search_rank=-(first_id + i)) for i, g in enumerate(chunk)]
            connection.execute(insert(Customer.__table__), rows)
            contacts = [dict(c, customer_id=first_id + i) for i, g in enumerate(chunk) for c in g.contacts]
            sites = [dict(s, customer_id=first_id + i) for i, g in enumerate(chunk) for s in g.sites]
            if contacts:
                connection.execute(insert(Contact.__table__), contacts)
            if sites:
                connection.execute(insert(Site.__table__), sites)
            last_number = start + done + len(chunk)
            updated = connection.execute(
                text("UPDATE code_sequence SET next_value = :v WHERE name = 'customer' AND next_value < :v"),
                {"v": last_number},
            ).rowcount
            if not updated and connection.execute(
                text("SELECT 1 FROM code_sequence WHERE name = 'customer'")
            ).first() is None:
                connection.execute(insert(CodeSequence.__table__), [{"name": "customer", "next_value": last_number}])
        done += len(chunk)
        if progress:
            progress(done)
