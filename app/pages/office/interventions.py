"""Interventions in the office: the planning calendar and the list (/office/interventions), the card's
Interventi tab, the planning form and one intervention's window, shared by both."""

from __future__ import annotations

import reflex as rx

from app.components.calendar import planning_calendar
from app.components.i18n import T
from app.components.shell import (
    dialog_control,
    empty_state,
    field_error,
    for_id,
    native_select,
    office_shell,
    page_header,
    pager,
)
from app.domain.vocabularies import InterventionStatus
from app.state.interventions import (
    Choice,
    InterventionsTab,
    InterventionView,
    Legend,
    MaterialView,
    NoteView,
    OfficeInterventionsState,
)


def status_badge(item: InterventionView) -> rx.Component:
    return rx.badge(item.status_label, color_scheme=rx.match(
        item.status, ("planned", "blue"), ("in_progress", "amber"), ("closed", "green"), "gray"), variant="soft")


def _label(text_key: str, html_for: str) -> rx.Component:
    return rx.text(T(text_key), size="2", weight="medium", as_="label", **for_id(html_for))


def _select(state, name: str, label_key: str, choices, required: bool = True) -> rx.Component:  # noqa: ANN001
    return rx.vstack(
        _label(label_key, f"plan-{name}"),
        native_select(choices, name=name, id=f"plan-{name}", default_value=state.form_values[name],
                      required=required),
        field_error(state.form_errors.get(name, "")),
        spacing="1", width="100%",
    )


def _customer_picker(state) -> rx.Component:  # noqa: ANN001
    """On the calendar the planner first picks the customer; on the card it is the card's."""
    return rx.vstack(
        _label("interventions.field.customer", "plan-customer"),
        rx.cond(
            state.form_customer != "",
            rx.hstack(rx.icon("building-2", size=16), rx.text(state.form_customer, weight="medium",
                                                              id="plan-customer-name"), align="center"),
            rx.vstack(
                rx.input(id="plan-customer", name="customer_search", placeholder=T("interventions.customer_search"),
                         auto_complete="off",
                         on_change=state.find_customer.debounce(250), width="100%"),
                rx.foreach(state.customer_hits, lambda c: rx.button(
                    c.label, type="button", variant="ghost", size="2", on_click=state.pick_customer(c.value),
                    width="100%", justify="start")),
                width="100%", spacing="1",
            ),
        ),
        field_error(state.form_errors.get("customer", "")),
        spacing="1", width="100%",
    )


def _technician_box(state, choice: Choice) -> rx.Component:  # noqa: ANN001
    return rx.hstack(
        rx.checkbox(id="plan-tech-" + choice.value, name="technician_box",
                    checked=state.form_technicians.contains(choice.value),
                    on_change=lambda ticked: state.toggle_technician(choice.value, ticked)),
        rx.text(choice.label, as_="label", **for_id("plan-tech-" + choice.value), size="2"),
        align="center", spacing="2",
    )


def planning_dialog(state) -> rx.Component:  # noqa: ANN001
    form = rx.form(
        rx.vstack(
            _customer_picker(state),
            rx.grid(
                _select(state, "site_id", "interventions.field.site", state.site_choices),
                _select(state, "type_id", "interventions.field.type", state.type_choices),
                rx.vstack(_label("interventions.field.starts_at", "plan-starts_at"),
                          rx.input(type="datetime-local", name="starts_at", id="plan-starts_at",
                                   default_value=state.form_values["starts_at"], required=True, width="100%"),
                          field_error(state.form_errors.get("starts_at", "")), spacing="1", width="100%"),
                rx.vstack(_label("interventions.field.ends_at", "plan-ends_at"),
                          rx.input(type="datetime-local", name="ends_at", id="plan-ends_at",
                                   default_value=state.form_values["ends_at"], required=True, width="100%"),
                          field_error(state.form_errors.get("ends_at", "")), spacing="1", width="100%"),
                columns=rx.breakpoints(initial="1", sm="2"), spacing="3", width="100%",
            ),
            rx.vstack(
                rx.text(T("interventions.field.technicians"), size="2", weight="medium"),
                rx.flex(rx.foreach(state.technician_choices, lambda c: _technician_box(state, c)),
                        wrap="wrap", spacing="4", role="group", aria_label=T("interventions.field.technicians")),
                field_error(state.form_errors.get("technician_ids", "")),
                spacing="1", width="100%",
            ),
            rx.cond(state.overlap_warning != "", rx.callout.root(
                rx.callout.icon(rx.icon("triangle-alert", size=16)),
                rx.callout.text(state.overlap_warning),
                rx.hstack(rx.checkbox(name="accept_overlap", id="plan-accept-overlap"),
                          rx.text(T("interventions.accept_overlap"), as_="label", **for_id("plan-accept-overlap"),
                                  size="2"), align="center", spacing="2"),
                color_scheme="amber", id="overlap-warning", width="100%")),
            _select(state, "contact_id", "interventions.field.contact", state.contact_choices, required=False),
            rx.cond(state.ticket_choices.length() > 0,
                    _select(state, "ticket_id", "interventions.field.ticket", state.ticket_choices, required=False)),
            rx.vstack(_label("interventions.field.description", "plan-description"),
                      rx.text_area(name="description", id="plan-description",
                                   default_value=state.form_values["description"], rows="3", width="100%"),
                      field_error(state.form_errors.get("description", "")), spacing="1", width="100%"),
            field_error(state.form_errors.get("", "")),
            rx.flex(
                rx.dialog.close(rx.button(T("common.cancel"), type="button", variant="soft", color_scheme="gray")),
                rx.button(rx.icon("calendar-plus", size=14), T("common.save"), type="submit", id="plan-save"),
                spacing="3", justify="end", width="100%",
            ),
            spacing="3", width="100%",
        ),
        on_submit=state.save_plan, key=state.form_key, width="100%",
    )
    return rx.dialog.root(rx.dialog.content(rx.dialog.title(state.form_title), form, max_width="640px",
                                            id="plan-dialog"), **dialog_control(state, "plan"))


def _material_row(material: MaterialView) -> rx.Component:
    return rx.table.row(rx.table.cell(material.description), rx.table.cell(material.quantity),
                        rx.table.cell(material.unit))


def note_card(note: NoteView) -> rx.Component:
    return rx.box(
        rx.hstack(rx.text(note.author, size="1", weight="medium"), rx.text(note.when, size="1", color_scheme="gray"),
                  rx.cond(note.is_correction, rx.badge(T("interventions.correction"), color_scheme="amber",
                                                       size="1")), spacing="2", align="center"),
        rx.text(note.body, size="2", white_space="pre-wrap"),
        padding="8px 10px", border_radius="8px", background=rx.color("gray", 3), width="100%",
    )


def detail_dialog(state) -> rx.Component:  # noqa: ANN001
    item = state.shown
    return rx.dialog.root(rx.dialog.content(
        rx.cond(item, rx.vstack(
            rx.hstack(rx.dialog.title(item.number + " · " + item.kind, margin="0"), status_badge(item),
                      align="center", spacing="3", wrap="wrap"),
            rx.link(item.customer, href=item.customer_url, weight="medium"),
            rx.text(item.site, " – ", item.address, size="2"),
            rx.hstack(rx.icon("clock", size=14), rx.text(item.when, size="2"), align="center", spacing="2"),
            rx.hstack(rx.icon("hard-hat", size=14), rx.text(item.technicians, size="2"), align="center",
                      spacing="2"),
            rx.text(item.description, size="2", white_space="pre-wrap"),
            rx.cond(state.shown_cancel_reason != "", rx.callout.root(
                rx.callout.text(T("interventions.cancel_reason"), ": ", state.shown_cancel_reason),
                color_scheme="gray", size="1")),
            rx.cond(state.shown_work != "", rx.vstack(
                rx.text(T("interventions.field.work_done"), size="2", weight="bold"),
                rx.text(state.shown_work, size="2", white_space="pre-wrap"), spacing="1")),
            rx.cond(state.shown_materials.length() > 0, rx.table.root(
                rx.table.header(rx.table.row(rx.table.column_header_cell(T("interventions.material")),
                                             rx.table.column_header_cell(T("interventions.quantity")),
                                             rx.table.column_header_cell(T("interventions.unit")))),
                rx.table.body(rx.foreach(state.shown_materials, _material_row)), size="1", width="100%")),
            rx.cond(item.sheet_url != "", rx.link(
                rx.button(rx.icon("file-check", size=14), T("interventions.sheet"), variant="soft", size="2"),
                href=item.sheet_url, is_external=True, id="detail-sheet")),
            rx.cond(state.shown_signer != "", rx.text(T("interventions.signed_by"), ": ", state.shown_signer,
                                                      size="2", color_scheme="gray")),
            rx.foreach(state.shown_notes, note_card),
            rx.cond(state.can_plan, rx.form(
                rx.hstack(rx.input(name="body", placeholder=T("interventions.note_placeholder"), width="100%",
                                   aria_label=T("interventions.note_placeholder"), id="detail-note"),
                          rx.button(T("interventions.add_note"), type="submit", variant="soft"), width="100%"),
                field_error(state.note_error), on_submit=state.add_shown_note, reset_on_submit=True,
                key=state.note_key, width="100%")),
            rx.cond(state.can_plan & state.shown_editable, rx.form(
                rx.hstack(rx.input(name="reason", placeholder=T("interventions.cancel_reason"), width="100%",
                                   aria_label=T("interventions.cancel_reason"), id="detail-cancel-reason"),
                          rx.button(rx.icon("calendar-x", size=14), T("interventions.cancel"), type="submit",
                                    color_scheme="red", variant="soft", id="detail-cancel"), width="100%"),
                field_error(state.cancel_error), on_submit=state.cancel_shown, width="100%")),
            rx.flex(
                rx.cond(state.can_plan & state.shown_editable,
                        rx.button(rx.icon("pencil", size=14), T("interventions.edit"), on_click=state.edit_shown,
                                  id="detail-edit")),
                rx.dialog.close(rx.button(T("common.close"), variant="soft", color_scheme="gray")),
                spacing="3", justify="end", width="100%",
            ),
            spacing="3", width="100%",
        )),
        max_width="620px", id="intervention-detail",
    ), **dialog_control(state, "detail"))


def intervention_table(rows, state, empty_title_key: str, empty_body_key: str) -> rx.Component:  # noqa: ANN001
    def row(item: InterventionView) -> rx.Component:
        return rx.table.row(
            rx.table.cell(rx.link(item.number, on_click=state.open_intervention(item.id), cursor="pointer")),
            rx.table.cell(item.when, white_space="nowrap"),
            rx.table.cell(rx.vstack(rx.text(item.customer, size="2"), rx.text(item.site, size="1",
                                                                                 color_scheme="gray"),
                                    spacing="0")),
            rx.table.cell(item.kind),
            rx.table.cell(item.technicians),
            rx.table.cell(status_badge(item)),
            rx.table.cell(rx.cond(item.sheet_url != "", rx.link(rx.icon("file-check", size=16),
                                                                 href=item.sheet_url, is_external=True,
                                                                 aria_label=T("interventions.sheet")))),
        )

    return rx.cond(
        rows.length() > 0,
        rx.box(rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(T(k)) for k in (
                "interventions.col.number", "interventions.col.when", "interventions.col.customer",
                "interventions.field.type", "interventions.field.technicians", "interventions.col.status",
                "interventions.sheet")])),
            rx.table.body(rx.foreach(rows, row)), size="2", width="100%"), overflow_x="auto", width="100%"),
        empty_state("calendar-days", T(empty_title_key), T(empty_body_key)),
    )


def _legend(item: Legend) -> rx.Component:
    return rx.hstack(rx.box(width="10px", height="10px", border_radius="3px", background=item.color),
                     rx.text(item.name, size="1"), align="center", spacing="1")


def _calendar_view() -> rx.Component:
    s = OfficeInterventionsState
    return rx.vstack(
        rx.form(
            rx.hstack(
                rx.el.select(rx.el.option(T("interventions.all_technicians"), value=""),
                             rx.foreach(s.technician_choices, lambda c: rx.el.option(c.label, value=c.value)),
                             name="technician", aria_label=T("interventions.field.technicians"),
                             id="calendar-technician", on_change=rx.call_script(
                                 "document.getElementById('calendar-filter-submit').click()")),
                rx.el.select(rx.el.option(T("interventions.all_types"), value=""),
                             rx.foreach(s.type_choices, lambda c: rx.el.option(c.label, value=c.value)),
                             name="type", aria_label=T("interventions.field.type"), id="calendar-type",
                             on_change=rx.call_script(
                                 "document.getElementById('calendar-filter-submit').click()")),
                rx.button(rx.icon("filter", size=14), T("history.apply"), type="submit", size="2", variant="soft",
                          id="calendar-filter-submit"),
                rx.flex(rx.foreach(s.legend, _legend), spacing="3", wrap="wrap"),
                spacing="3", align="center", wrap="wrap", width="100%",
            ),
            on_submit=s.filter_calendar, width="100%",
        ),
        rx.box(
            planning_calendar(events=s.events, on_range_change=s.range_changed, on_plan=s.plan_at,
                              on_open=s.open_event, selectable=s.can_plan, initial_view="timeGridWeek",
                              phone_view="listWeek", slot_max_time="22:00:00", id="planning"),
            width="100%", id="planning-calendar",
        ),
        spacing="3", width="100%",
    )


def _list_view() -> rx.Component:
    s = OfficeInterventionsState
    return rx.vstack(
        rx.form(
            rx.flex(
                rx.input(rx.input.slot(rx.icon("search", size=14)), name="q", default_value=s.filter_values["q"],
                         placeholder=T("interventions.filter.customer"), aria_label=T("interventions.filter.customer"),
                         width="240px"),
                rx.el.select(rx.el.option(T("interventions.all_statuses"), value="all"),
                             *[rx.el.option(T(status.label_key), value=status.value) for status in InterventionStatus],
                             name="status", default_value=s.filter_values["status"],
                             aria_label=T("interventions.col.status")),
                rx.el.select(rx.el.option(T("interventions.all_technicians"), value="all"),
                             rx.foreach(s.technician_choices, lambda c: rx.el.option(c.label, value=c.value)),
                             name="technician", default_value=s.filter_values["technician"],
                             aria_label=T("interventions.field.technicians")),
                rx.input(type="date", name="date_from", default_value=s.filter_values["date_from"],
                         aria_label=T("history.date_from")),
                rx.input(type="date", name="date_to", default_value=s.filter_values["date_to"],
                         aria_label=T("history.date_to")),
                rx.button(rx.icon("filter", size=14), T("history.apply"), type="submit", id="list-apply"),
                spacing="3", wrap="wrap", align="center",
            ),
            on_submit=s.apply_filters, key=s.filter_key, width="100%",
        ),
        intervention_table(s.rows, s, "interventions.empty_title", "interventions.empty_filtered"),
        pager(s),
        spacing="3", width="100%",
    )


def interventions_page() -> rx.Component:
    s = OfficeInterventionsState
    return office_shell(
        "interventions",
        rx.hstack(
            page_header(T("interventions.title"), T("interventions.subtitle")),
            rx.spacer(),
            rx.segmented_control.root(
                rx.segmented_control.item(T("interventions.view.calendar"), value="calendar"),
                rx.segmented_control.item(T("interventions.view.list"), value="list"),
                value=s.view, on_change=s.show_view, id="view-switch",
            ),
            rx.cond(s.can_plan, rx.button(rx.icon("calendar-plus", size=14), T("interventions.plan"),
                                          on_click=s.plan_new, id="plan-new")),
            width="100%", align="center", spacing="3", wrap="wrap",
        ),
        rx.cond(s.view == "list", _list_view(), _calendar_view()),
        planning_dialog(s),
        detail_dialog(s),
    )


def interventions_tab() -> rx.Component:
    s = InterventionsTab
    return rx.vstack(
        rx.hstack(
            rx.text(T("interventions.tab_help"), size="2", color_scheme="gray"),
            rx.spacer(),
            rx.cond(s.can_plan, rx.button(rx.icon("calendar-plus", size=14), T("interventions.plan"),
                                          on_click=s.plan_for_card, id="card-plan")),
            width="100%", align="center",
        ),
        intervention_table(s.card_rows, s, "interventions.empty_title", "interventions.empty_card"),
        planning_dialog(s),
        detail_dialog(s),
        spacing="3", width="100%",
    )
