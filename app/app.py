"""Builds the application: pages, error answers and scheduled work.

Importing it leaves the database alone: the start-up command migrates it first (`python -m app.migrate`,
run by scripts/setup.sh and `python -m app.seed`).
"""


import asyncio
import contextlib
import gc
import logging

import reflex as rx
from reflex_base.event import EventSpec
from reflex_components_sonner.toast import toast

from app.api.middleware import wrap_backend
from app.api.routes import api
from app.components.i18n import T
from app.domain.errors import DomainError, NotSignedIn
from app.i18n import t
from app.jobs import run_scheduled_jobs
from app.pages.account import field_account_page, office_account_page, portal_account_page
from app.pages.auth import forgot_page, login_page, set_password_page
from app.pages.field.interventions import field_home_page, field_intervention_page
from app.pages.office.change_requests import inbox_page
from app.pages.office.credit import credit_page
from app.pages.office.customer_import import customer_import_page
from app.pages.office.customers import customer_card_page, customer_list_page
from app.pages.office.home import office_home_page
from app.pages.office.interventions import interventions_page
from app.pages.office.outbox import outbox_page
from app.pages.office.settings import settings_page
from app.pages.office.tickets import tickets_page
from app.pages.office.users import users_page
from app.pages.portal.consents import portal_consents_page
from app.pages.portal.documents import contracts_page, reports_page
from app.pages.portal.home import portal_home_page
from app.pages.portal.interventions import portal_interventions_page
from app.pages.portal.my_data import my_data_page
from app.pages.portal.reminders import reminders_page
from app.pages.portal.support import support_page
from app.state.account import AccountState
from app.state.api_keys import ApiKeysState
from app.state.auth import ForgotPasswordState, LoginState, SetPasswordState
from app.state.blocks import BlockEffectsState
from app.state.calls import RefuseMalformedCalls, TieStateToSession
from app.state.change_requests import InboxState, MyDataState, RequestSettingsState
from app.state.consents import ConsentTypesState, PortalConsentsState
from app.state.credit_overview import CreditOverviewState
from app.state.customer_import import CustomerImportState
from app.state.customers import CustomerCardState, CustomerListState
from app.state.documents import PortalDocumentsState
from app.state.held_documents import HeldDocumentsState
from app.state.home import FieldHomeState, OfficeHomeState, PortalHomeState
from app.state.interventions import (
    FieldAgendaState,
    FieldInterventionState,
    InterventionTypesState,
    OfficeInterventionsState,
    PortalInterventionsState,
)
from app.state.lifetime import with_short_anonymous_life
from app.state.mail_templates import MailTemplatesState
from app.state.outbox import OutboxState
from app.state.portal_settings import PortalSettingsState
from app.state.reminders import RemindersState
from app.state.session import start_over
from app.state.tickets import OfficeTicketsState, SupportState
from app.state.upstream_settings import UpstreamSettingsState
from app.state.users import UsersState

log = logging.getLogger("app")


def answer_backend_error(exception: Exception) -> list[EventSpec]:
    """What the user sees when a handler is refused or fails: a message in their language, never a trace."""
    lang = getattr(exception, "lang", "it")
    if isinstance(exception, NotSignedIn):
        return [start_over(expired=True)]
    if isinstance(exception, DomainError):
        return [toast.error(t(exception.message_key, lang, **exception.params), position="top-center")]
    log.error("unexpected error in an event handler", exc_info=exception)
    return [toast.error(t("common.error", lang), position="top-center")]


app = rx.App(backend_exception_handler=answer_backend_error, html_lang="it", api_transformer=[api, wrap_backend],
             stylesheets=["/contrast.css"])
app.add_middleware(TieStateToSession())
app.add_middleware(RefuseMalformedCalls())
app._state_manager = with_short_anonymous_life(app.state_manager)

app.add_page(rx.fragment(), route="/", on_load=LoginState.open_root, title=T("title.home"))
app.add_page(login_page, route="/login", on_load=LoginState.open_login, title=T("title.login"))
app.add_page(forgot_page, route="/forgot-password", on_load=ForgotPasswordState.open_forgot, title=T("title.password"))
app.add_page(set_password_page, route="/set-password", on_load=SetPasswordState.open_link, title=T("title.password"))
app.add_page(office_home_page, route="/office", on_load=OfficeHomeState.load_home, title=T("title.office"))
app.add_page(customer_list_page, route="/office/customers", on_load=CustomerListState.load_customers,
             title=T("title.customers"))
app.add_page(customer_import_page, route="/office/customers/import", on_load=CustomerImportState.load_import,
             title=T("title.customer_import"))
app.add_page(customer_card_page, route="/office/customer", on_load=CustomerCardState.open_card,
             title=T("title.customer"))
app.add_page(outbox_page, route="/office/outbox", on_load=OutboxState.load_outbox, title=T("title.outbox"))
app.add_page(inbox_page, route="/office/requests", on_load=InboxState.load_inbox, title=T("title.requests"))
app.add_page(settings_page, route="/office/settings",
             on_load=[RequestSettingsState.load_settings, BlockEffectsState.load_effects, ConsentTypesState.load_types,
                      InterventionTypesState.load_types, PortalSettingsState.load_portal_settings,
                      MailTemplatesState.load_templates, UpstreamSettingsState.load_upstream_settings,
                      ApiKeysState.load_api_keys],
             title=T("title.settings"))
app.add_page(tickets_page, route="/office/tickets", on_load=OfficeTicketsState.load_tickets, title=T("title.tickets"))
app.add_page(credit_page, route="/office/credit",
             on_load=[CreditOverviewState.load_overview, HeldDocumentsState.load_held],
             title=T("title.credit"))
app.add_page(users_page, route="/office/users", on_load=UsersState.load_users, title=T("title.users"))
app.add_page(office_account_page, route="/office/account", on_load=AccountState.load_account, title=T("title.account"))
app.add_page(interventions_page, route="/office/interventions", on_load=OfficeInterventionsState.load_page,
             title=T("title.interventions"))
app.add_page(field_home_page, route="/field", on_load=[FieldHomeState.load_field, FieldAgendaState.load_agenda],
             title=T("title.field"))
app.add_page(field_intervention_page, route="/field/intervention", on_load=FieldInterventionState.load_intervention,
             title=T("title.intervention"))
app.add_page(portal_interventions_page, route="/portal/interventions",
             on_load=PortalInterventionsState.load_portal_interventions, title=T("title.interventions"))
app.add_page(field_account_page, route="/field/account", on_load=AccountState.load_account, title=T("title.account"))
app.add_page(portal_home_page, route="/portal", on_load=PortalHomeState.load_portal, title=T("title.portal"))
app.add_page(my_data_page, route="/portal/my-data", on_load=MyDataState.load_my_data, title=T("title.my_data"))
app.add_page(portal_consents_page, route="/portal/consents", on_load=PortalConsentsState.load_portal_consents,
             title=T("title.consents"))
app.add_page(contracts_page, route="/portal/contracts", on_load=PortalDocumentsState.load_portal_contracts,
             title=T("title.contracts"))
app.add_page(reports_page, route="/portal/reports", on_load=PortalDocumentsState.load_portal_reports,
             title=T("title.reports"))
app.add_page(reminders_page, route="/portal/reminders", on_load=RemindersState.load_reminders,
             title=T("title.reminders"))
app.add_page(support_page, route="/portal/support", on_load=SupportState.load_support, title=T("title.support"))
app.add_page(portal_account_page, route="/portal/account", on_load=AccountState.load_account, title=T("title.account"))


@app.register_lifespan_task
async def scheduled_jobs():
    with contextlib.suppress(asyncio.CancelledError):
        await run_scheduled_jobs()


# Everything built so far (modules, pages, components) lives as long as the process: full garbage
# collections need not walk it again, which keeps their pauses out of the users' requests.
gc.freeze()
