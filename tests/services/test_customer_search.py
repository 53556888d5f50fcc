"""Search as the list page uses it, on both databases."""

import pytest
import sqlalchemy as sa

from app.domain.permissions import Role
from app.models import Customer
from app.services import customers
from tests import factories

PEOPLE = [
    {"kind": "private", "first_name": "Mario", "last_name": "Rossi", "tax_code": "RSSMRA85D03H501M",
     "email": "mario.rossi@example.it", "mobile": "335 612 4477", "cap": "24121", "city": "Bergamo",
     "province": "BG"},
    {"kind": "private", "first_name": "Nicolò", "last_name": "D'Àmico", "email": "nicolo@example.it"},
    {"kind": "private", "first_name": "Carlo", "last_name": "Rossini", "email": "carlo@posta.it"},
    {"kind": "business", "company_name": "Rosticceria Da Gino", "vat_number": "01114601006", "email": "gino@ros.it"},
    {"kind": "business", "company_name": "Acme Impianti", "vat_number": "00743110157", "email": "info@acme.it",
     "external_code": "EXT-9", "phone": "02 4851 2210", "cap": "20121", "city": "Milano", "province": "MI"},
    {"kind": "business", "company_name": "Übel Café S.r.l.", "vat_number": "DE136695976", "country": "DE"},
]


@pytest.fixture
def registry(db):
    with db(write=True) as s:
        office = factories.actor(s, Role.OFFICE)
        other_staff = factories.user(s, Role.OFFICE)
        ids = {}
        for raw in PEOPLE:
            raw = dict(raw)
            if raw.get("company_name") == "Acme Impianti":
                raw["assigned_user_id"] = other_staff.id
            c = customers.create_customer(session=s, actor=office, raw=raw, confirmed_duplicates=True)
            ids[c.display_name] = c.id
    return office, ids, other_staff.id


def names(db, actor, **kw):
    with db() as s:
        return [r.name for r in customers.search_customers(session=s, actor=actor, **kw).rows]


def test_no_text_lists_everyone_by_name(db, registry):
    office, _, _ = registry
    assert names(db, office) == ["Acme Impianti", "Nicolò D'Àmico", "Mario Rossi", "Carlo Rossini",
                                 "Rosticceria Da Gino", "Übel Café S.r.l."]


@pytest.mark.parametrize("query,expected", [
    ("r", ["Mario Rossi", "Carlo Rossini", "Rosticceria Da Gino"]),
    ("RO", ["Mario Rossi", "Carlo Rossini", "Rosticceria Da Gino"]),
    ("ub", ["Übel Café S.r.l."]),
    ("mario", ["Mario Rossi"]),                  # 3+ characters: anywhere, first names too
    ("ssi", ["Mario Rossi", "Carlo Rossini"]),
    ("NICOLÒ", ["Nicolò D'Àmico"]),              # accents and case ignored both ways
    ("d'amico", ["Nicolò D'Àmico"]),
    ("cafe", ["Übel Café S.r.l."]),
    ("acme.it", ["Acme Impianti"]),               # e-mail
    ("0743110", ["Acme Impianti"]),               # VAT number, part of it
    ("de1366", ["Übel Café S.r.l."]),             # foreign VAT number
    ("rssmra85", ["Mario Rossi"]),                # tax code
    ("c000003", ["Carlo Rossini"]),               # internal code
    ("ext-9", ["Acme Impianti"]),                 # external code
    ("example.it", ["Nicolò D'Àmico", "Mario Rossi"]),
    ("übel café s.r.l.", ["Übel Café S.r.l."]),   # long, with punctuation
    ("cafe s.r.l.s.", []),                        # the words match, the punctuation does not
    ("s.r.l.", ["Übel Café S.r.l."]),             # punctuation only
    ("zzqqxx", []),                               # no hit
    ("100%", []),                                 # LIKE wildcards are plain characters
    ("a_c", []),
    ("02 4851 2210", ["Acme Impianti"]),          # phone, in any formatting
    ("0248512210", ["Acme Impianti"]),
    ("+39 02 4851 2210", ["Acme Impianti"]),
    ("0039 02-4851-2210", ["Acme Impianti"]),
    ("(02) 4851.2210", ["Acme Impianti"]),
    ("3356124477", ["Mario Rossi"]),
    ("335 612 4477", ["Mario Rossi"]),
    ("4851 2210", ["Acme Impianti"]),            # part of it
    ("milano", ["Acme Impianti"]),                # city
    ("BERGAMO", ["Mario Rossi"]),
    ("IT00743110157", ["Acme Impianti"]),         # VAT number with the country prefix
    ("it0111460", ["Rosticceria Da Gino"]),
    ("00743110157", ["Acme Impianti"]),
])
def test_each_kind_of_query(db, registry, query, expected):
    office, _, _ = registry
    assert names(db, office, query=query) == expected


def test_text_search_reads_further_when_filters_drop_matches(db, registry):
    office, _, _ = registry
    # ".it" matches five customers; only one of them is a business with that text: the index is
    # read in growing batches until a page is full or the matches end.
    assert names(db, office, query=".it", kind="business") == ["Acme Impianti", "Rosticceria Da Gino"]
    assert names(db, office, query=".it", limit=2) == ["Acme Impianti", "Nicolò D'Àmico"]


def test_text_search_pages_in_name_order(db, registry):
    office, _, _ = registry
    with db() as s:
        pages = factories.all_pages(lambda after: customers.search_customers(session=s, actor=office, query=".it", after=after, limit=2))
    seen = [r.name for p in pages for r in p.rows]
    assert seen == ["Acme Impianti", "Nicolò D'Àmico", "Mario Rossi", "Carlo Rossini", "Rosticceria Da Gino"]


def test_search_order_survives_many_customers_with_the_same_name(db, registry):
    """Each new namesake goes after the previous one; when the gap runs out, neighbours are spread."""
    office, _, _ = registry
    with db(write=True) as s:
        for _ in range(30):
            customers.create_customer(session=s, actor=office, confirmed_duplicates=True,
                                      raw={"kind": "private", "first_name": "Mario", "last_name": "Rossi"})
    expected = names(db, office, limit=100)
    assert names(db, office, query="ross", limit=100) == [n for n in expected if "Ross" in n]
    with db() as s:
        ranks = s.exec(sa.select(Customer.search_rank).order_by(Customer.sort_name, Customer.id)).scalars().all()
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)


def test_filters(db, registry):
    office, _, assigned = registry
    assert names(db, office, kind="business") == ["Acme Impianti", "Rosticceria Da Gino", "Übel Café S.r.l."]
    assert names(db, office, kind="private", query="ros") == ["Mario Rossi", "Carlo Rossini"]
    assert names(db, office, assigned_user_id=assigned) == ["Acme Impianti"]
    assert names(db, office, status="anonymized") == []
    assert names(db, office, kind="'; DROP TABLE customer; --") == names(db, office)


def test_keyset_pages_cover_everyone_once(db, registry):
    office, ids, _ = registry
    with db() as s:
        pages = factories.all_pages(lambda after: customers.search_customers(session=s, actor=office, after=after, limit=2))
    page = pages[-1]
    seen = [r.id for p in pages for r in p.rows]
    assert len(page.rows) == 2 and sorted(seen) == sorted(ids.values()) and len(seen) == len(set(seen))


def test_search_follows_edits(db, registry):
    office, ids, _ = registry
    customer_id = ids["Acme Impianti"]
    with db(write=True) as s:
        customers.update_customer(session=s, actor=office, customer_id=customer_id, expected_version=1, raw={
            **PEOPLE[4], "company_name": "Zeta Elettrica"})
    assert names(db, office, query="acme impianti") == []
    assert names(db, office, query="zeta") == ["Zeta Elettrica"]


def test_long_queries_match_the_whole_text_not_just_some_trigrams(db, registry):
    office, _, _ = registry
    with db(write=True) as s:
        customers.create_customer(session=s, actor=office, confirmed_duplicates=True, raw={
            "kind": "business", "company_name": "Laboratorio Nolano Gino", "vat_number": "01114601006"})
    assert names(db, office, query="ginolab") == []  # gin, nol and lab are all there, but not together
    assert names(db, office, query="nolano gino") == ["Laboratorio Nolano Gino"]


def test_text_search_walks_past_many_candidates_the_filters_drop(db, registry):
    """Far more than a page of index matches fail the filter before the one that passes."""
    office, _, _ = registry
    with db(write=True) as s:
        for _ in range(60):
            customers.create_customer(session=s, actor=office, confirmed_duplicates=True,
                                      raw={"kind": "private", "first_name": "Mario", "last_name": "Zanetti"})
        customers.create_customer(session=s, actor=office, confirmed_duplicates=True,
                                  raw={"kind": "business", "company_name": "Zanetti Servizi",
                                       "vat_number": "00743110157"})
    assert names(db, office, query="zanetti", kind="business") == ["Zanetti Servizi"]
    assert names(db, office, query="zanetti", limit=100) == ["Mario Zanetti"] * 60 + ["Zanetti Servizi"]
    with db() as s:
        pages = factories.all_pages(lambda after: customers.search_customers(
            session=s, actor=office, query="zanetti", after=after, limit=7))
    assert [r.name for p in pages for r in p.rows] == ["Mario Zanetti"] * 60 + ["Zanetti Servizi"]


@pytest.mark.parametrize("order", ["name", "name_desc", "code", "code_desc"])
def test_keyset_pages_follow_each_order(db, registry, order):
    office, ids, _ = registry
    with db() as s:
        pages = factories.all_pages(lambda after: customers.search_customers(
            session=s, actor=office, after=after, limit=2, order=order))
        whole = customers.search_customers(session=s, actor=office, limit=100, order=order).rows
    seen = [r.code for p in pages for r in p.rows]
    assert seen == [r.code for r in whole] and sorted(seen) == sorted(r.code for r in whole)
    assert len(seen) == len(ids) and all(p.order == order for p in pages)
    if order.startswith("code"):
        assert seen == sorted(seen, reverse=order.endswith("_desc"))


def test_only_orders_an_index_serves_are_used():
    assert customers.allowed_order("code") == "code"
    assert customers.allowed_order("code", filtered=True) == "name"
    assert customers.allowed_order("code_desc", query="ro") == "name"
    assert customers.allowed_order("name_desc", query="ro") == "name_desc"  # the name index, walked backwards
    assert customers.allowed_order("name_desc", query="rossi") == "name"  # the text index has one order
    assert customers.allowed_order("city") == customers.allowed_order(["code"]) == "name"


@pytest.mark.parametrize("window", [1, 2, 100])
def test_a_text_search_pages_alike_whichever_way_the_database_reads_it(db, registry, monkeypatch, window):
    """PostgreSQL walks a window of the name order first and reads the trigram index when the window is
    not enough: any window gives the same pages."""
    monkeypatch.setattr(customers, "NAME_ORDER_WINDOW", window)
    office, _, _ = registry
    seen, after = [], None
    with db() as s:
        while True:
            page = customers.search_customers(session=s, actor=office, query="ros", limit=1, after=after)
            seen += [r.name for r in page.rows]
            if page.next_after is None:
                break
            after = page.next_after
        assert customers.count_customers(session=s, actor=office, query="ros").count == 3
        assert customers.search_customers(session=s, actor=office, query="@@@").rows == []
    assert seen == ["Mario Rossi", "Carlo Rossini", "Rosticceria Da Gino"]
