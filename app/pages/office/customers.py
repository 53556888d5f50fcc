"""Customer list and customer card."""

from __future__ import annotations

import reflex as rx

from app.components.consent_toggle import consent_history_dialog, consent_row
from app.components.diff_view import review_banner, review_window
from app.components.documents import document_dialog, documents_tab, remove_file_dialog, upload_dialog
from app.components.i18n import T
from app.components.shell import (
    confirm_dialog,
    dialog_control,
    empty_state,
    field_error,
    for_id,
    list_count,
    office_shell,
    page_header,
    pager,
    sort_header,
)
from app.domain.vocabularies import (
    AccessVisibility,
    AgeingBucket,
    BlockLevel,
    ContactKind,
    CustomerKind,
    CustomerStatus,
    MovementGroup,
)
from app.pages.office.anonymization import (
    anonymize_button,
    anonymize_contact_button,
    anonymize_dialog,
    anonymized_banner,
)
from app.pages.office.blocks import blocks_tab
from app.pages.office.card_as_of import card_as_of_dialog
from app.pages.office.credit_terms import credit_terms_panel
from app.pages.office.history import history_tab
from app.pages.office.interventions import interventions_tab
from app.pages.office.receivables import receivables_panel
from app.pages.office.sales import sales_tab
from app.settings import get_settings
from app.state.accesses import AccessesTab, AccessView
from app.state.blocks import BlocksTab
from app.state.card_as_of import CardAsOfState
from app.state.change_requests import ReviewState
from app.state.consents import CardConsentsState
from app.state.contacts import ContactsTab, ContactView
from app.state.credit_terms import CreditTermsPanel
from app.state.customer_details import DetailsTab, DuplicateView
from app.state.customers import CustomerCardState, CustomerListRow, CustomerListState, UpstreamRow
from app.state.documents import DocumentsTab
from app.state.history import HistoryTab
from app.state.interventions import InterventionsTab
from app.state.movements import MovementsTab, MovementView
from app.state.receivables import ReceivablesPanel
from app.state.sales import SalesTab
from app.state.sites import SitesTab, SiteView

# "/" focuses the search box from anywhere on the page, as in mail clients.
FOCUS_SEARCH_SCRIPT = """
document.addEventListener('keydown', function (e) {
  if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
  var t = e.target; if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable)) return;
  var box = document.getElementById('customer-search'); if (box) { e.preventDefault(); box.focus(); }
});
"""


def _row(row: CustomerListRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.code, font_family="monospace", size="2")),
        rx.table.cell(rx.hstack(
            rx.link(row.name, href=f"/office/customer?id={row.id}", weight="medium"),
            rx.cond(row.block != "", rx.badge(rx.icon("lock", size=11), row.block, color_scheme=row.block_color,
                                              variant="soft", class_name="block-badge")),
            spacing="2", align="center", wrap="wrap")),
        rx.table.cell(row.kind),
        rx.table.cell(row.place),
        rx.table.cell(rx.text(row.ids, font_family="monospace", size="2")),
        rx.table.cell(row.email),
    )


def _upstream_row(row: UpstreamRow) -> rx.Component:
    s = CustomerListState
    return rx.table.row(
        rx.table.cell(rx.text(row.code, font_family="monospace", size="2")),
        rx.table.cell(rx.hstack(
            rx.cond(s.can_create,
                    rx.button(row.name, variant="ghost", size="2", on_click=s.open_upstream(row.id),
                              class_name="upstream-open"),
                    rx.text(row.name, weight="medium")),
            rx.badge(rx.icon("building-2", size=11), T("upstream.badge"), color_scheme="indigo", variant="soft",
                     class_name="upstream-badge"),
            spacing="2", align="center", wrap="wrap")),
        rx.table.cell(row.kind),
        rx.table.cell(row.place),
        rx.table.cell(rx.text(row.ids, font_family="monospace", size="2")),
        rx.table.cell(row.email),
    )


def upstream_panel() -> rx.Component:
    """The online search in the upstream registry: the offer with [Cerca], the progress with "Annulla",
    its answer, and the customers found there, marked as such."""
    s = CustomerListState
    offer = rx.callout.root(
        rx.callout.icon(rx.icon("cloud")),
        rx.hstack(
            rx.callout.text(s.upstream_offer),
            rx.button(rx.icon("search", size=14), T("upstream.search"), size="2", on_click=s.search_upstream,
                      id="upstream-search"),
            spacing="3", align="center", wrap="wrap",
        ),
        color_scheme="indigo", variant="surface", width="100%", id="upstream-offer",
    )
    progress = rx.hstack(
        rx.spinner(size="3"), rx.text(T("upstream.searching"), size="2", role="status"),
        rx.button(T("common.cancel"), size="2", variant="soft", color_scheme="gray",
                  on_click=s.cancel_upstream_search, id="upstream-cancel"),
        spacing="3", align="center", id="upstream-progress",
    )
    found = rx.vstack(
        rx.text(T("upstream.found"), size="2", weight="medium"),
        rx.table.root(rx.table.body(rx.foreach(s.upstream_rows, _upstream_row)), variant="surface", size="2",
                      width="100%", id="upstream-table"),
        width="100%", spacing="2",
    )
    return rx.cond(
        s.upstream_on,
        rx.vstack(
            rx.cond(s.upstream_searching, progress,
                    rx.cond((s.upstream_offer != "") & (s.upstream_message == "") & (s.upstream_rows.length() == 0),
                            offer)),
            rx.cond(s.upstream_message != "", rx.callout(s.upstream_message, icon="info", color_scheme="amber",
                                                         size="1", width="100%", id="upstream-message")),
            rx.cond(s.upstream_rows.length() > 0, found),
            width="100%", spacing="3",
        ),
    )


def _select(value: rx.Var, on_change, all_key: str, options: list[tuple[str, str]] | rx.Var) -> rx.Component:  # noqa: ANN001
    items = [rx.select.item(T(all_key), value="all")]
    if isinstance(options, list):
        items += [rx.select.item(T(label), value=value_) for value_, label in options]
        content = rx.select.content(*items)
    else:
        content = rx.select.content(*items, rx.foreach(options, lambda o: rx.select.item(o[1], value=o[0])))
    return rx.select.root(rx.select.trigger(aria_label=T(all_key)), content, value=value, on_change=on_change,
                          size="2")


def _sort_header(column: str, label_key: str, enabled: rx.Var | bool = True) -> rx.Component:
    s = CustomerListState
    return sort_header(T(label_key), s.sort_order == column, s.sort_order == f"{column}_desc", s.sort_by(column),
                       f"sort-{column}", enabled)


def customer_list_page() -> rx.Component:
    return office_shell(
        "customers",
        rx.hstack(
            page_header(T("customers.title"), T("customers.subtitle")),
            rx.spacer(),
            rx.menu.root(
                rx.menu.trigger(rx.button(rx.icon("download", size=16), T("customers.export"), size="3",
                                          variant="soft", white_space="nowrap", id="customers-export")),
                rx.menu.content(
                    rx.menu.item(rx.link(T("customers.export_csv"), id="export-csv", is_external=True,
                                         href="/api/customers/export.csv?" + CustomerListState.export_query)),
                    rx.menu.item(rx.link(T("customers.export_xlsx"), id="export-xlsx", is_external=True,
                                         href="/api/customers/export.xlsx?" + CustomerListState.export_query)),
                ),
            ),
            rx.cond(CustomerListState.can_create,
                    rx.link(rx.button(rx.icon("file-up", size=16), T("customers.import"), size="3", variant="soft",
                                      white_space="nowrap"), href="/office/customers/import", id="customers-import")),
            rx.cond(CustomerListState.can_create,
                    rx.link(rx.button(rx.icon("plus", size=16), T("customers.new"), size="3", white_space="nowrap"),
                            href="/office/customer?id=new")),
            width="100%", align="start",
        ),
        rx.hstack(
            # A search answers in about 2 ms: the wait after the last key is what the user feels, kept just long
            # enough not to send every key of a word typed at speed.
            # Enter submits the form: only that key reaches the server, not every key pressed.
            rx.form(
                rx.input(rx.input.slot(rx.icon("search", size=16)), placeholder=T("customers.search"),
                         id="customer-search", name="q", default_value=CustomerListState.query,
                         on_change=CustomerListState.search.debounce(100), size="3", width="100%",
                         auto_focus=True, auto_complete="off", aria_label=T("customers.search"),
                         key=CustomerListState.search_key),
                on_submit=CustomerListState.open_first, reset_on_submit=False, role="search", width="100%",
                max_width="460px",
            ),
            _select(CustomerListState.kind_filter, CustomerListState.filter_kind, "customers.all_kinds",
                    [(kind.value, kind.label_key) for kind in CustomerKind]),
            _select(CustomerListState.status_filter, CustomerListState.filter_status, "customers.all_statuses",
                    [(status.value, status.label_key) for status in CustomerStatus]),
            _select(CustomerListState.assigned_filter, CustomerListState.filter_assigned, "customers.all_assigned",
                    CustomerListState.staff_options),
            _select(CustomerListState.block_filter, CustomerListState.filter_block, "customers.all_blocks",
                    [("any", "customers.any_block"), *[(level.value, level.label_key) for level in BlockLevel]]),
            _select(CustomerListState.credit_filter, CustomerListState.filter_credit, "customers.all_credit",
                    [("over_limit", "customers.credit.over_limit"), ("unpaid", "customers.credit.unpaid"),
                     *[(f"age_{bucket.value}", bucket.label_key) for bucket in AgeingBucket]]),
            spacing="3", width="100%", align="center", wrap="wrap",
        ),
        rx.cond(
            CustomerListState.rows.length() > 0,
            rx.vstack(
                list_count(CustomerListState.count_text, "customer-count"),
                rx.table.root(
                    rx.table.header(rx.table.row(
                        _sort_header("code", "customers.col.code", CustomerListState.code_sortable),
                        _sort_header("name", "customers.col.name"),
                        *[rx.table.column_header_cell(T(k)) for k in (
                            "customers.col.kind", "customers.col.place", "customers.col.ids", "customers.col.email")]
                    )),
                    rx.table.body(rx.foreach(CustomerListState.rows, _row)),
                    variant="surface", size="2", width="100%", id="customer-table",
                ),
                pager(CustomerListState),
                width="100%",
            ),
            empty_state("search-x", T("customers.empty"), T("customers.empty_hint")),
        ),
        upstream_panel(),
        rx.script(FOCUS_SEARCH_SCRIPT),
    )


# The card --------------------------------------------------------------------------------------


def _value(label_key: str, value: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(T(label_key), size="1", color_scheme="gray"),
        rx.text(rx.cond(value != "", value, T("card.none")), size="2"),
        spacing="0", min_width="0",
    )


def _input(name: str, type_: str = "text", **props) -> rx.Component:  # noqa: ANN003
    return rx.vstack(
        rx.text(T(f"field.{name}"), as_="label", size="2", weight="medium", **for_id(f"f-{name}")),
        rx.input(id=f"f-{name}", name=name, type=type_, default_value=DetailsTab.values[name],
                 color_scheme=rx.cond(DetailsTab.errors.contains(name), "red", "gray"), width="100%", **props),
        field_error(DetailsTab.errors.get(name, "")),
        spacing="1", width="100%",
    )


def _details_view() -> rx.Component:
    v = DetailsTab.values
    warnings = rx.foreach(DetailsTab.warnings, lambda text: rx.callout(text, icon="info", color_scheme="amber",
                                                                        size="1", width="100%",
                                                                        class_name="save-warning"))
    return rx.vstack(warnings, _details_grid(v), spacing="3", width="100%")


def _details_grid(v: rx.Var) -> rx.Component:
    return rx.grid(
        _value("field.code", CustomerCardState.code),
        _value("field.kind", rx.cond(v["kind"] == "business", T("kind.business"), T("kind.private"))),
        _value("field.vat_number", v["vat_number"]),
        _value("field.tax_code", v["tax_code"]),
        _value("field.sdi_code", v["sdi_code"]),
        _value("field.pec", v["pec"]),
        _value("field.email", v["email"]),
        _value("field.phone", v["phone"]),
        _value("field.mobile", v["mobile"]),
        _value("field.street", v["street"]),
        _value("field.city", rx.cond(v["city"] != "", v["cap"] + " " + v["city"] + " (" + v["province"] + ")", "")),
        _value("field.country", v["country"]),
        _value("field.external_code", v["external_code"]),
        _value("field.assigned_user_id", DetailsTab.assigned_name),
        _value("field.block_automatic_emails", rx.cond(v["block_automatic_emails"] == "on", T("common.yes"),
                                                        T("common.no"))),
        _value("field.notes", v["notes"]),
        columns=rx.breakpoints(initial="1", sm="2", lg="3"), spacing="4", width="100%",
    )


def _details_form() -> rx.Component:
    v = DetailsTab.values
    return rx.form(
        rx.vstack(
            rx.cond(DetailsTab.form_message != "",
                    rx.callout(DetailsTab.form_message, icon="triangle-alert", color_scheme="red",
                               id="form-message", width="100%")),
            rx.hstack(
                rx.vstack(
                    rx.text(T("field.kind"), size="2", weight="medium"),
                    rx.radio_group.root(
                        rx.hstack(rx.radio_group.item(value="business"), rx.text(T("kind.business")),
                                  rx.radio_group.item(value="private"), rx.text(T("kind.private")), spacing="2",
                                  align="center"),
                        name="kind", default_value=v["kind"],
                    ),
                    spacing="1",
                ),
                width="100%",
            ),
            rx.grid(
                _input("company_name"), _input("first_name"), _input("last_name"),
                _input("vat_number"), _input("tax_code"), _input("sdi_code"),
                _input("pec", "email"), _input("email", "email"), _input("phone", "tel"), _input("mobile", "tel"),
                _input("street"), _input("cap", max_length=10), _input("city"), _input("province", max_length=2),
                _input("country", max_length=2), _input("external_code"),
                rx.vstack(
                    rx.text(T("field.assigned_user_id"), size="2", weight="medium"),
                    rx.select.root(
                        rx.select.trigger(width="100%", aria_label=T("field.assigned_user_id")),
                        rx.select.content(
                            rx.select.item(T("card.unassigned"), value="none"),
                            rx.foreach(DetailsTab.staff_options, lambda o: rx.select.item(o[1], value=o[0])),
                        ),
                        name="assigned_user_id", default_value=v["assigned_user_id"],
                    ),
                    field_error(DetailsTab.errors.get("assigned_user_id", "")),
                    spacing="1", width="100%",
                ),
                columns=rx.breakpoints(initial="1", sm="2", lg="3"), spacing="4", width="100%",
            ),
            rx.hstack(rx.checkbox(name="block_automatic_emails", default_checked=v["block_automatic_emails"] == "on",
                                  id="f-block_automatic_emails"),
                      rx.text(T("field.block_automatic_emails"), as_="label", size="2",
                              **for_id("f-block_automatic_emails")), align="center"),
            rx.vstack(
                rx.text(T("field.notes"), size="2", weight="medium"),
                rx.text_area(name="notes", default_value=v["notes"], width="100%", rows="3"),
                field_error(DetailsTab.errors.get("notes", "")),
                width="100%", spacing="1",
            ),
            rx.hstack(
                rx.button(T("card.save"), type="submit", size="3", id="save-customer"),
                rx.button(T("card.cancel"), type="button", variant="soft", color_scheme="gray", size="3",
                          on_click=DetailsTab.cancel_edit),
                spacing="3",
            ),
            spacing="4", width="100%",
        ),
        on_submit=DetailsTab.save, key=DetailsTab.form_key, width="100%",
    )


def _conflict_callout() -> rx.Component:
    return rx.cond(
        DetailsTab.conflict_lines.length() > 0,
        rx.callout.root(
            rx.callout.icon(rx.icon("users")),
            rx.vstack(
                rx.text(T("card.conflict_title"), weight="bold"),
                rx.text(T("card.conflict_body"), size="2"),
                rx.foreach(DetailsTab.conflict_lines, lambda line: rx.text("• ", line, size="2")),
                rx.button(T("card.conflict_save"), size="2", color_scheme="amber",
                          on_click=DetailsTab.save_anyway, id="save-anyway"),
                spacing="2",
            ),
            color_scheme="amber", width="100%", id="conflict",
        ),
    )


def _duplicate_row(d: DuplicateView) -> rx.Component:
    return rx.hstack(
        rx.link(d.code + " · " + d.name, href=f"/office/customer?id={d.id}", is_external=False, target="_blank"),
        rx.badge(d.matched, color_scheme="amber"),
        spacing="2", align="center",
    )


def _duplicates_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(T("card.duplicates_title")),
            rx.alert_dialog.description(T("card.duplicates_body")),
            rx.vstack(rx.foreach(DetailsTab.duplicates, _duplicate_row), spacing="2", margin_y="12px"),
            rx.flex(
                rx.alert_dialog.cancel(rx.button(T("common.cancel"), variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(rx.button(T("card.duplicates_create"), on_click=DetailsTab.create_anyway,
                                                 id="create-anyway")),
                spacing="3", justify="end",
            ),
        ),
        **dialog_control(DetailsTab, "duplicates"),
    )


def _small_input(state_errors: rx.Var, name: str, label_key: str, **props) -> rx.Component:  # noqa: ANN003
    return rx.vstack(
        rx.text(T(label_key), size="1", weight="medium"),
        rx.input(name=name, size="2", width="100%", **props),
        field_error(state_errors.get(name, "")),
        spacing="1", width="100%",
    )


def _form_buttons(save_key: str, on_cancel: rx.EventHandler) -> rx.Component:
    return rx.hstack(
        rx.button(T(save_key), type="submit", size="2"),
        rx.button(T("common.cancel"), type="button", size="2", variant="soft", color_scheme="gray",
                  on_click=on_cancel),
        spacing="2",
    )


def _contact_form(on_submit: rx.EventHandler, save_key: str, on_cancel: rx.EventHandler, form_id: str) -> rx.Component:
    """The one contact form: above the list for a new contact, in the contact's row to edit it."""
    errors, v = ContactsTab.contact_errors, ContactsTab.contact_values
    return rx.form(
        rx.vstack(
            rx.grid(
                _small_input(errors, "first_name", "field.first_name", default_value=v["first_name"]),
                _small_input(errors, "last_name", "field.last_name", default_value=v["last_name"]),
                _small_input(errors, "role", "field.role", default_value=v["role"]),
                _small_input(errors, "email", "field.email", type="email", default_value=v["email"]),
                _small_input(errors, "phone", "field.phone", type="tel", default_value=v["phone"]),
                rx.vstack(
                    rx.text(T("field.kind"), size="1", weight="medium"),
                    rx.select.root(rx.select.trigger(width="100%", aria_label=T("field.kind")), rx.select.content(
                        *[rx.select.item(T(kind.label_key), value=kind.value) for kind in ContactKind]),
                        name="kind", default_value=v["kind"]),
                    field_error(errors.get("kind", "")),
                    spacing="1", width="100%",
                ),
                columns=rx.breakpoints(initial="1", sm="3"), spacing="3", width="100%",
            ),
            _form_buttons(save_key, on_cancel),
            width="100%",
        ),
        on_submit=on_submit, reset_on_submit=False, key=ContactsTab.contact_form_key, width="100%", id=form_id,
    )


def _contact_row(c: ContactView) -> rx.Component:
    return rx.cond(
        ContactsTab.editing_contact == c.id,
        rx.table.row(rx.table.cell(
            _contact_form(ContactsTab.save_contact, "common.save", ContactsTab.cancel_contact_edit,
                          "contact-edit-form"), col_span=6)),
        rx.table.row(
            rx.table.cell(rx.text(c.name, weight="medium")),
            rx.table.cell(c.kind),
            rx.table.cell(c.role),
            rx.table.cell(c.email),
            rx.table.cell(c.phone),
            rx.table.cell(rx.hstack(rx.cond(CustomerCardState.can_edit, rx.hstack(
                rx.icon_button(rx.icon("pencil", size=14), size="1", variant="ghost",
                               on_click=ContactsTab.edit_contact(c.id), aria_label=T("common.edit"),
                               title=T("common.edit")),
                rx.icon_button(rx.icon("trash-2", size=14), size="1", variant="ghost", color_scheme="red",
                               on_click=ContactsTab.ask_remove(c.id), aria_label="remove"),
                spacing="3")), anonymize_contact_button(c.id), spacing="3", justify="end")),
            class_name="contact-row",
        ),
    )


def _contacts_tab() -> rx.Component:
    return rx.vstack(
        rx.cond(CustomerCardState.can_edit, rx.button(rx.icon("user-plus", size=14), T("contacts.add"), size="2",
                                                       variant="soft", on_click=ContactsTab.toggle_contact_form)),
        rx.cond(ContactsTab.contact_form_open, rx.card(
            _contact_form(ContactsTab.add_contact, "common.add", ContactsTab.toggle_contact_form, "contact-add-form"),
            width="100%")),
        rx.cond(
            ContactsTab.contacts.length() > 0,
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(T(k)) for k in (
                    "contacts.col.name", "field.kind", "field.role", "field.email", "field.phone")],
                    rx.table.column_header_cell(""))),
                rx.table.body(rx.foreach(ContactsTab.contacts, _contact_row)),
                variant="surface", width="100%",
            ),
            empty_state("users", T("contacts.empty"), T("contacts.empty_hint")),
        ),
        spacing="3", width="100%",
    )


def _site_form(on_submit: rx.EventHandler, save_key: str, on_cancel: rx.EventHandler, form_id: str) -> rx.Component:
    """The one site form: above the list for a new site, in the site's row to edit it."""
    errors, v = SitesTab.site_errors, SitesTab.site_values
    return rx.form(
        rx.vstack(
            rx.grid(
                _small_input(errors, "name", "field.name", default_value=v["name"]),
                _small_input(errors, "street", "field.street", default_value=v["street"]),
                _small_input(errors, "cap", "field.cap", default_value=v["cap"]),
                _small_input(errors, "city", "field.city", default_value=v["city"]),
                _small_input(errors, "province", "field.province", max_length=2, default_value=v["province"]),
                _small_input(errors, "country", "field.country", max_length=2, default_value=v["country"]),
                columns=rx.breakpoints(initial="1", sm="3"), spacing="3", width="100%",
            ),
            rx.vstack(
                rx.text(T("field.notes"), size="1", weight="medium"),
                rx.text_area(name="notes", default_value=v["notes"], width="100%", rows="2"),
                field_error(errors.get("notes", "")),
                spacing="1", width="100%",
            ),
            rx.hstack(rx.checkbox(name="is_default", id=f"{form_id}-default", default_checked=v["is_default"] == "on"),
                      rx.text(T("field.is_default"), as_="label", **for_id(f"{form_id}-default"), size="2")),
            _form_buttons(save_key, on_cancel),
            width="100%",
        ),
        on_submit=on_submit, reset_on_submit=False, key=SitesTab.site_form_key, width="100%", id=form_id,
    )


def _site_row(s: SiteView) -> rx.Component:
    return rx.cond(
        SitesTab.editing_site == s.id,
        rx.table.row(rx.table.cell(_site_form(SitesTab.save_site, "common.save", SitesTab.cancel_site_edit,
                                              "site-edit-form"), col_span=3)),
        rx.table.row(
            rx.table.cell(rx.hstack(rx.text(s.name, weight="medium"),
                                    rx.cond(s.is_default, rx.badge(T("sites.default"), color_scheme="indigo")))),
            rx.table.cell(s.address),
            rx.table.cell(rx.cond(CustomerCardState.can_edit, rx.hstack(
                rx.cond(~s.is_default, rx.button(T("sites.make_default"), size="1", variant="soft",
                                                 on_click=SitesTab.make_default_site(s.id))),
                rx.icon_button(rx.icon("pencil", size=14), size="1", variant="ghost",
                               on_click=SitesTab.edit_site(s.id), aria_label=T("common.edit"),
                               title=T("common.edit")),
                rx.icon_button(rx.icon("trash-2", size=14), size="1", variant="ghost", color_scheme="red",
                               on_click=SitesTab.ask_remove(s.id), aria_label="remove"),
                spacing="3", justify="end"))),
            class_name="site-row",
        ),
    )


def _sites_tab() -> rx.Component:
    return rx.vstack(
        rx.cond(CustomerCardState.can_edit, rx.button(rx.icon("map-pin-plus", size=14), T("sites.add"), size="2",
                                                       variant="soft", on_click=SitesTab.toggle_site_form)),
        rx.cond(SitesTab.site_form_open, rx.card(
            _site_form(SitesTab.add_site, "common.add", SitesTab.toggle_site_form, "site-add-form"), width="100%")),
        rx.cond(
            SitesTab.sites.length() > 0,
            rx.table.root(rx.table.body(rx.foreach(SitesTab.sites, _site_row)), variant="surface",
                          width="100%"),
            empty_state("map-pin", T("sites.empty"), T("sites.empty_hint")),
        ),
        spacing="3", width="100%",
    )


def _movement_row(m: MovementView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(m.at, white_space="nowrap"),
        rx.table.cell(rx.vstack(rx.text(m.kind, weight="medium", size="2"),
                                rx.text(m.summary, size="1", color_scheme="gray"), spacing="0")),
        rx.table.cell(m.field),
        rx.table.cell(rx.cond((m.before != "") | (m.after != ""), rx.hstack(
            rx.text(m.before, size="2", color_scheme="gray", text_decoration="line-through"),
            rx.icon("arrow-right", size=12), rx.text(m.after, size="2"), spacing="2", align="center", wrap="wrap"))),
        rx.table.cell(m.actor),
        rx.table.cell(rx.badge(m.source, variant="soft")),
    )


def _movements_tab() -> rx.Component:
    return rx.vstack(
        rx.segmented_control.root(
            rx.segmented_control.item(T("movements.all"), value="all"),
            *[rx.segmented_control.item(T(group.label_key), value=group.value) for group in MovementGroup],
            value=MovementsTab.movement_group, on_change=MovementsTab.filter_movements,
        ),
        rx.cond(
            MovementsTab.movement_rows.length() > 0,
            rx.table.root(rx.table.body(rx.foreach(MovementsTab.movement_rows, _movement_row)),
                          variant="surface", width="100%", id="movements-table"),
            empty_state("history", T("movements.empty")),
        ),
        rx.cond(MovementsTab.movements_more,
                rx.button(T("movements.more"), variant="soft", on_click=MovementsTab.more_movements)),
        spacing="3", width="100%",
    )


def _general_consents() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(T("consents.title"), size="4"),
            rx.spacer(),
            rx.link(rx.button(rx.icon("printer", size=14), T("consents.pdf"), variant="soft", size="2"),
                    href=CardConsentsState.consent_pdf_url, is_external=True, id="consent-pdf"),
            width="100%", align="center",
        ),
        rx.cond(~CardConsentsState.can_record_consents,
                rx.text(T("consents.read_only"), size="2", color_scheme="gray", id="consents-read-only")),
        rx.vstack(rx.foreach(CardConsentsState.general_consents, lambda v: consent_row(CardConsentsState, v)),
                  spacing="0", width="100%", id="general-consents"),
        spacing="2", width="100%", padding_top="24px",
    )


def _channel_consents() -> rx.Component:
    return rx.vstack(
        rx.heading(T("consents.channels_title"), size="4"),
        rx.text(T("consents.channels_help"), size="2", color_scheme="gray"),
        rx.foreach(
            CardConsentsState.channel_consents,
            lambda subject: rx.card(
                rx.vstack(
                    rx.hstack(rx.text(subject.name, weight="bold"), rx.text(subject.reach, size="2",
                                                                            color_scheme="gray"),
                              spacing="3", align="baseline", wrap="wrap"),
                    rx.vstack(rx.foreach(subject.consents, lambda v: consent_row(CardConsentsState, v)),
                              spacing="0", width="100%"),
                    spacing="1", width="100%",
                ),
                width="100%", class_name="channel-consents",
            ),
        ),
        spacing="3", width="100%", padding_top="24px", id="channel-consents",
    )


def _access_row(a: AccessView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.text(a.full_name, weight="medium"), rx.text(a.email, size="1", color_scheme="gray"),
                                spacing="0")),
        rx.table.cell(rx.cond(a.active, rx.badge(T("common.yes"), color_scheme="green"),
                              rx.badge(T("accesses.off"), color_scheme="gray"))),
        rx.table.cell(rx.vstack(rx.text(a.rights, size="2"),
                                rx.text(a.visibility, " · ", a.profile, size="1", color_scheme="gray"), spacing="0")),
        rx.table.cell(rx.badge(a.invitation, color_scheme=a.invitation_color)),
        rx.table.cell(rx.cond(CustomerCardState.can_edit, rx.hstack(
            rx.cond(a.can_resend, rx.button(rx.icon("send", size=12), T("accesses.resend"), size="1", variant="soft",
                                            on_click=AccessesTab.resend_invitation(a.user_id))),
            rx.button(rx.icon("pencil", size=12), T("consent_types.edit"), size="1", variant="ghost",
                      on_click=AccessesTab.edit_access(a.user_id)),
            spacing="2", justify="end"))),
        class_name="access-row",
    )


def _check(name: str, label_key: str) -> rx.Component:
    return rx.hstack(
        rx.checkbox(name=name, id=f"acc-{name}", default_checked=AccessesTab.access_values[name] == "on"),
        rx.text(T(label_key), as_="label", **for_id(f"acc-{name}"), size="2"),
        align="center",
    )


def _access_dialog() -> rx.Component:
    v, errors = AccessesTab.access_values, AccessesTab.access_errors
    form = rx.form(
        rx.vstack(
            rx.grid(
                _small_input(errors, "full_name", "field.access.full_name", default_value=v["full_name"],
                             id="acc-full_name"),
                _small_input(errors, "email", "field.access.email", type="email", default_value=v["email"],
                             id="acc-email"),
                rx.vstack(
                    rx.text(T("field.access.language"), size="1", weight="medium"),
                    rx.select.root(rx.select.trigger(width="100%", aria_label=T("field.access.language")),
                                   rx.select.content(
                        rx.select.item("Italiano", value="it"), rx.select.item("English", value="en")),
                        name="language", default_value=v["language"]),
                    spacing="1", width="100%",
                ),
                rx.vstack(
                    rx.text(T("field.access.visibility"), size="1", weight="medium"),
                    rx.select.root(rx.select.trigger(width="100%", aria_label=T("field.access.visibility")),
                                   rx.select.content(
                        *[rx.select.item(T(v.label_key), value=v.value) for v in AccessVisibility]),
                        name="visibility", default_value=v["visibility"]),
                    spacing="1", width="100%",
                ),
                rx.vstack(
                    rx.text(T("accesses.profile"), size="1", weight="medium"),
                    rx.select.root(rx.select.trigger(width="100%", aria_label=T("accesses.profile")), rx.select.content(
                        rx.foreach(AccessesTab.profile_options, lambda o: rx.select.item(o[1], value=o[0]))),
                        name="profile_id", default_value=v["profile_id"]),
                    field_error(errors.get("profile_id", "")),
                    spacing="1", width="100%",
                ),
                columns="2", spacing="3", width="100%",
            ),
            _check("active", "field.access.active"),
            _check("receives_reminders", "field.access.receives_reminders"),
            _check("receives_signed_sheets", "field.access.receives_signed_sheets"),
            _check("may_see_contracts", "field.access.may_see_contracts"),
            rx.flex(rx.dialog.close(rx.button(T("common.cancel"), variant="soft", color_scheme="gray", type="button")),
                    rx.button(T("common.save"), type="submit", id="save-access"), spacing="3", justify="end",
                    width="100%"),
            spacing="3", width="100%",
        ),
        on_submit=AccessesTab.save_access, key=AccessesTab.access_key, width="100%",
    )
    return rx.dialog.root(
        rx.dialog.content(rx.dialog.title(T("accesses.edit")), form, max_width="640px"),
        **dialog_control(AccessesTab, "access"),
    )


def _accesses_tab() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(T("accesses.help"), size="2", color_scheme="gray", max_width="760px"),
            rx.spacer(),
            rx.cond(CustomerCardState.can_edit,
                    rx.button(rx.icon("user-plus", size=14), T("accesses.add"), size="2", variant="soft",
                              on_click=AccessesTab.new_access, id="add-access")),
            width="100%", align="start",
        ),
        rx.cond(
            AccessesTab.access_rows.length() > 0,
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(T(k)) for k in (
                    "accesses.col.user", "field.access.active", "accesses.col.rights", "accesses.col.invitation")],
                    rx.table.column_header_cell(""))),
                rx.table.body(rx.foreach(AccessesTab.access_rows, _access_row)),
                variant="surface", width="100%", id="accesses-table",
            ),
            empty_state("key-round", T("accesses.empty"), T("accesses.empty_hint")),
        ),
        _access_dialog(),
        spacing="3", width="100%",
    )


def _loaded(tab, content: rx.Component) -> rx.Component:  # noqa: ANN001
    """A tab shows only what it loaded for the open card; until then, that it is loading."""
    return rx.cond(tab.loaded_for == CustomerCardState.card_key, content,
                   rx.center(rx.spinner(size="3"), padding="32px", width="100%"))


def customer_card_page() -> rx.Component:
    details = rx.cond(DetailsTab.editing, _details_form(), _details_view())
    return office_shell(
        "customers",
        rx.link(rx.hstack(rx.icon("arrow-left", size=14), T("card.back"), align="center", spacing="1"),
                href="/office/customers", size="2"),
        rx.hstack(
            rx.vstack(
                rx.heading(CustomerCardState.title, size="7", id="card-title"),
                rx.hstack(rx.cond(CustomerCardState.code != "", rx.badge(CustomerCardState.code, variant="outline")),
                          rx.cond(~CustomerCardState.is_new,
                                  rx.badge(rx.cond(CustomerCardState.kind == "business", T("kind.business"),
                                                   T("kind.private")), color_scheme="indigo")),
                          rx.cond(CustomerCardState.block_label != "",
                                  rx.badge(rx.icon("lock", size=11), CustomerCardState.block_label,
                                           color_scheme=CustomerCardState.block_color, id="card-block")),
                          spacing="2"),
                spacing="1",
            ),
            rx.spacer(),
            rx.cond(~CustomerCardState.is_new,
                    rx.button(rx.icon("history", size=14), T("as_of.open"), variant="soft", color_scheme="gray",
                              on_click=CardAsOfState.open_as_of, id="open-as-of")),
            rx.cond(CustomerCardState.can_edit & ~DetailsTab.editing & ~CustomerCardState.is_new,
                    rx.button(rx.icon("pencil", size=14), T("card.edit"), on_click=DetailsTab.start_edit,
                              id="edit-customer")),
            anonymize_button(),
            width="100%", align="start",
        ),
        anonymized_banner(),
        _conflict_callout(),
        rx.cond(ReviewState.loaded_for == CustomerCardState.card_key, review_banner(ReviewState)),
        rx.cond(
            CustomerCardState.is_new,
            rx.card(_loaded(DetailsTab, details), width="100%"),
            rx.tabs.root(
                rx.tabs.list(
                    rx.tabs.trigger(T("card.tab.details"), value="details"),
                    rx.tabs.trigger(T("card.tab.contacts"), value="contacts"),
                    rx.tabs.trigger(T("card.tab.sites"), value="sites"),
                    rx.tabs.trigger(T("card.tab.contracts"), value="contracts", id="tab-contracts"),
                    rx.tabs.trigger(T("card.tab.reports"), value="reports", id="tab-reports"),
                    rx.tabs.trigger(T("card.tab.accesses"), value="accesses", id="tab-accesses"),
                    rx.tabs.trigger(T("card.tab.interventions"), value="interventions", id="tab-interventions"),
                    rx.tabs.trigger(T("card.tab.sales"), value="sales", id="tab-sales"),
                    rx.tabs.trigger(T("card.tab.history"), value="history", id="tab-history"),
                    rx.tabs.trigger(T("card.tab.credit"), value="credit", id="tab-credit"),
                    rx.tabs.trigger(T("card.tab.movements"), value="movements", id="tab-movements"),
                    # Eleven tabs do not fit a laptop's width in one row: they wrap instead of widening the page.
                    flex_wrap="wrap",
                ),
                rx.tabs.content(rx.box(_loaded(DetailsTab, details),
                                       rx.cond(~DetailsTab.editing, _loaded(CardConsentsState, _general_consents())),
                                       padding_top="16px"), value="details"),
                rx.tabs.content(rx.box(_loaded(ContactsTab, _contacts_tab()),
                                       _loaded(CardConsentsState, _channel_consents()), padding_top="16px"),
                                value="contacts"),
                rx.tabs.content(rx.box(_loaded(SitesTab, _sites_tab()), padding_top="16px"), value="sites"),
                rx.tabs.content(rx.box(_loaded(DocumentsTab, documents_tab(DocumentsTab, "contract",
                                                                           CustomerCardState.can_edit)),
                                       padding_top="16px"), value="contracts"),
                rx.tabs.content(rx.box(_loaded(DocumentsTab, documents_tab(DocumentsTab, "report",
                                                                           CustomerCardState.can_edit)),
                                       padding_top="16px"), value="reports"),
                rx.tabs.content(rx.box(_loaded(AccessesTab, _accesses_tab()), padding_top="16px"), value="accesses"),
                rx.tabs.content(rx.box(_loaded(InterventionsTab, interventions_tab()), padding_top="16px"),
                                value="interventions"),
                rx.tabs.content(rx.box(_loaded(SalesTab, sales_tab()), padding_top="16px"), value="sales"),
                rx.tabs.content(rx.box(_loaded(HistoryTab, history_tab()), padding_top="16px"), value="history"),
                rx.tabs.content(rx.box(_loaded(CreditTermsPanel, credit_terms_panel()),
                                       _loaded(BlocksTab, blocks_tab()),
                                       _loaded(ReceivablesPanel, receivables_panel()), padding_top="16px"),
                                value="credit"),
                rx.tabs.content(rx.box(_loaded(MovementsTab, _movements_tab()), padding_top="16px"),
                                value="movements"),
                value=CustomerCardState.tab, on_change=CustomerCardState.set_tab, width="100%",
            ),
        ),
        _duplicates_dialog(),
        card_as_of_dialog(),
        anonymize_dialog(),
        review_window(ReviewState),
        consent_history_dialog(CardConsentsState),
        document_dialog(DocumentsTab),
        upload_dialog(DocumentsTab, get_settings().upload_max_bytes // (1024 * 1024)),
        remove_file_dialog(DocumentsTab),
        confirm_dialog(ContactsTab, ContactsTab.confirm_remove, confirm_key="common.remove", color="red"),
        confirm_dialog(SitesTab, SitesTab.confirm_remove, confirm_key="common.remove", color="red"),
    )
