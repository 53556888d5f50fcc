"""What the reserved area tells a customer about themselves, and what it keeps to the office."""

import pytest
from reflex.compiler import compiler

import app.app as application
from app.domain.permissions import Role
from app.services import customers
from app.state.home import PortalHomeState
from tests import factories
from tests.state.conftest import signed_in_token, state_of

GIULIA = {"kind": "private", "first_name": "Giulia", "last_name": "Bianchi", "tax_code": "BNCGLI88M52L219Z"}
ACME = {"kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157"}


@pytest.mark.parametrize(("raw", "it", "en"), [(GIULIA, "Cliente", "Customer"), (ACME, "Azienda", "Company")])
async def test_the_home_page_names_a_private_customer_as_a_customer_not_a_company(app_db, raw, it, en):
    with app_db(write=True) as s:
        customer = customers.create_customer(session=s, actor=factories.actor(s, Role.OFFICE), raw=raw).id
    _, token = signed_in_token(app_db, Role.CUSTOMER, customer_id=customer)
    home = state_of(PortalHomeState, token)
    await home.load_portal()
    assert home.customer_label == it
    home.lang = "en"
    await home.load_portal()
    assert home.customer_label == en


def _code(route):
    page = application.app._unevaluated_pages[route]
    return compiler.compile_page(route, compiler.compile_unevaluated_page(route, page))[1]


def test_the_office_flag_shared_is_not_shown_in_the_reserved_area():
    for route in ("portal/contracts", "portal/reports"):
        assert "Condiviso" not in _code(route) and '"Shared"' not in _code(route)
    assert "Condiviso" in _code("office/customer")


def test_the_reserved_area_shows_a_consents_three_states_apart_as_the_office_does():
    code = _code("portal/consents")
    for label in ("Dato", "Negato", "Non richiesto", "Granted", "Refused", "Not asked"):
        assert f'"{label}"' in code
    for colour in ("green", "red", "gray"):
        assert f'color:"{colour}"' in code or f'colorScheme:"{colour}"' in code
