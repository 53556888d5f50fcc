"""Reserved area: the contracts and reports shared with the customer."""

from __future__ import annotations

import reflex as rx

from app.components.documents import document_card
from app.components.i18n import T
from app.components.shell import empty_state, portal_heading, portal_shell
from app.state.documents import PortalDocumentsState


def _documents_page(title_key: str, help_key: str) -> rx.Component:
    return portal_shell(
        portal_heading(title_key, help_key),
        rx.cond(PortalDocumentsState.portal_docs.length() > 0,
                rx.vstack(rx.foreach(PortalDocumentsState.portal_docs, lambda d: document_card(None, d)),
                          spacing="3", width="100%", id="portal-documents"),
                empty_state("file-text", T("documents.portal_empty"), T("documents.portal_empty_hint"))),
    )


def contracts_page() -> rx.Component:
    return _documents_page("module.contracts", "module.contracts.help")


def reports_page() -> rx.Component:
    return _documents_page("module.reports", "module.reports.help")
