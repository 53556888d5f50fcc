"""Every page is built the way the compiler builds it: a wrong handler signature or a Var used where
Python needs a value fails here in a second, not at the first production build."""

import json

import pytest
from reflex.compiler import compiler

import app.app as application
from app.i18n import catalog, t

PAGES = application.app._unevaluated_pages


@pytest.mark.parametrize("route", sorted(PAGES))
def test_page_builds(route):
    page = PAGES[route]
    component = page.component() if callable(page.component) else page.component
    assert component is not None


TITLES = [(t(key, "it"), t(key, "en")) for key in catalog("it").singular if key.startswith("title.")]


@pytest.mark.parametrize("route", sorted(PAGES))
def test_page_title_is_in_the_users_language(route):
    page = PAGES[route]
    title = str(page.title)
    assert any(f"? {json.dumps(en)} : {json.dumps(it)})" in title for it, en in TITLES), title
    _, code = compiler.compile_page(route, compiler.compile_unevaluated_page(route, page))
    assert f'jsx("title",{{}},{title})' in code


def test_the_code_badge_shows_only_once_there_is_a_code():
    """A new customer has no code until it is saved: its form shows no empty badge."""
    route = "office/customer"
    _, code = compiler.compile_page(route, compiler.compile_unevaluated_page(route, PAGES[route]))
    badge = code.index('RadixThemesBadge,{variant:"outline"},')
    assert 'customer_card_state.code_rx_state_?.valueOf?.() === ""' in code[badge - 250:badge]
