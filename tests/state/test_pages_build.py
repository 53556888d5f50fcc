"""Every page is built the way the compiler builds it: a wrong handler signature or a Var used where
Python needs a value fails here in a second, not at the first production build."""

import json
import re

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


def _compiled(route: str) -> str:
    return compiler.compile_page(route, compiler.compile_unevaluated_page(route, PAGES[route]))[1]


def test_the_customer_search_answers_soon_after_the_last_key():
    """A search takes about 2 ms: waiting a quarter of a second after the last key only made it feel slow."""
    found = re.search(r'id:"customer-search".{0,600}?\["debounce"\] : (\d+)', _compiled("office/customers"))
    assert found is not None
    assert 80 <= int(found.group(1)) <= 120


def test_every_form_control_is_submitted_by_its_name(monkeypatch):
    """Reflex 0.11 stops submitting a form control by its `id`: each control a form submits has a `name`."""
    from reflex_components_core.el.elements import forms

    unnamed, seen = [], []
    check = forms.Form._deprecate_id_only_form_controls

    def spy(form):  # noqa: ANN001, ANN202
        seen.append(form)
        for control in forms._iter_form_components(form):
            if (control is not form and forms._is_form_control_component(control)
                    and forms._get_static_string_prop(control, "name") is None
                    and forms._get_static_string_prop(control, "type") not in forms._VALUELESS_INPUT_TYPES):
                unnamed.append((type(control).__name__, forms._get_static_string_prop(control, "id")))
        return check(form)

    monkeypatch.setattr(forms.Form, "_deprecate_id_only_form_controls", spy)
    for route in PAGES:
        compiler.compile_unevaluated_page(route, PAGES[route])
    assert len(seen) > 20 and unnamed == []


@pytest.mark.parametrize("route", sorted(PAGES))
def test_labels_name_their_control(route):
    """A label's `for` must be an attribute of the element: given to rx.text as `html_for` it ended up in
    the style, and no field of the page had an accessible name."""
    code = _compiled(route)
    assert '["htmlFor"]' not in code
    if route in ("login", "office/customer"):
        assert re.search(r'htmlFor:"(email|f-company_name)"', code)
