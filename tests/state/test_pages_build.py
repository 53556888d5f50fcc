"""Every page is built the way the compiler builds it: a wrong handler signature or a Var used where
Python needs a value fails here in a second, not at the first production build."""

import pytest

import app.app as application

PAGES = application.app._unevaluated_pages


@pytest.mark.parametrize("route", sorted(PAGES))
def test_page_builds(route):
    page = PAGES[route]
    component = page.component() if callable(page.component) else page.component
    assert component is not None
