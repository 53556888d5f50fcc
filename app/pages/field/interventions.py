"""The technician's phone: today's agenda with the next intervention on top, then the week; one
intervention with the site, the contact, the earlier visits, the work, the photos and the signature."""

from __future__ import annotations

import reflex as rx

from app.components.draft_form import draft_form
from app.components.i18n import T
from app.components.shell import empty_state, field_error, field_shell, for_id, name_file_input
from app.components.signature_pad import signature_pad
from app.pages.office.interventions import note_card, status_badge
from app.settings import get_settings
from app.state.home import FieldHomeState
from app.state.interventions import (
    UPLOAD_ID,
    FieldAgendaState,
    FieldInterventionState,
    InterventionView,
    PhotoView,
    PreviousView,
)


def _agenda_card(item: InterventionView, highlight: rx.Var | bool = False) -> rx.Component:
    return rx.link(
        rx.card(
            rx.vstack(
                rx.hstack(rx.text(item.time, weight="bold", size="4"), rx.spacer(), status_badge(item),
                          width="100%", align="center"),
                rx.text(item.customer, weight="medium", size="3"),
                rx.text(item.site, " · ", item.address, size="2", color_scheme="gray"),
                rx.text(item.kind, size="2"),
                spacing="1", width="100%",
            ),
            width="100%", size="2",
            style={"border_left": rx.cond(highlight, f"4px solid {rx.color('indigo', 9)}", "none")},
        ),
        href=item.field_url, underline="none", color="inherit", width="100%",
    )


def _week_row(item: InterventionView) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.vstack(rx.text(item.when, size="2", weight="medium"),
                      rx.text(item.customer, " · ", item.site, size="2", color_scheme="gray"), spacing="0"),
            rx.spacer(), rx.icon("chevron-right", size=16),
            align="center", width="100%", padding="10px 4px",
            border_bottom=f"1px solid {rx.color('gray', 4)}",
        ),
        href=item.field_url, underline="none", color="inherit", width="100%",
    )


def field_home_page() -> rx.Component:
    s = FieldAgendaState
    return field_shell(
        rx.vstack(
            rx.heading(FieldHomeState.field_greeting, size="6"),
            rx.text(FieldHomeState.today, color_scheme="gray", id="field-today"),
            spacing="1",
        ),
        rx.heading(T("field.agenda_today"), size="4"),
        rx.cond(
            s.agenda_today.length() > 0,
            rx.vstack(rx.foreach(s.agenda_today, lambda item: _agenda_card(item, item.id == s.next_id)),
                      spacing="3", width="100%", id="agenda-today"),
            empty_state("calendar-check", T("field.empty_title"), T("field.empty_body")),
        ),
        rx.heading(T("field.agenda_week"), size="4"),
        rx.cond(
            s.agenda_week.length() > 0,
            rx.card(rx.vstack(rx.foreach(s.agenda_week, _week_row), spacing="0", width="100%"), width="100%",
                    id="agenda-week"),
            rx.text(T("field.week_empty"), color_scheme="gray", size="2"),
        ),
    )


def _material_input(index: rx.Var) -> rx.Component:
    s = FieldInterventionState
    prefix = "material_" + index.to_string() + "_"
    kept = s.materials[index]
    return rx.grid(
        rx.input(name=prefix + "description", placeholder=T("interventions.material"),
                 aria_label=T("interventions.material"), default_value=rx.cond(index < s.materials.length(),
                                                                              kept.description, "")),
        rx.input(name=prefix + "quantity", placeholder=T("interventions.quantity"), input_mode="decimal",
                 aria_label=T("interventions.quantity"),
                 default_value=rx.cond(index < s.materials.length(), kept.quantity, "")),
        rx.input(name=prefix + "unit", placeholder=T("interventions.unit"), aria_label=T("interventions.unit"),
                 default_value=rx.cond(index < s.materials.length(), kept.unit, "")),
        columns="3fr 1fr 1fr", spacing="2", width="100%",
    )


def _previous(item: PreviousView) -> rx.Component:
    return rx.box(
        rx.hstack(rx.text(item.when, size="2", weight="medium"), rx.text(item.kind, size="2"),
                  rx.badge(item.status_label, size="1", variant="soft"), spacing="2", wrap="wrap"),
        rx.cond(item.work != "", rx.text(item.work, size="2", white_space="pre-wrap")),
        rx.foreach(item.notes, note_card),
        padding_y="8px", border_bottom=f"1px solid {rx.color('gray', 4)}", width="100%",
    )


def _photo(photo: PhotoView) -> rx.Component:
    return rx.link(rx.hstack(rx.icon("image", size=14), rx.text(photo.name, size="2"), spacing="1",
                             align="center"), href=photo.url, is_external=True)


def _work_fields() -> rx.Component:
    s = FieldInterventionState
    return rx.vstack(
        rx.text(T("interventions.field.work_done"), size="2", weight="medium", as_="label", **for_id("work_done")),
        rx.text_area(name="work_done", id="work_done", default_value=s.work_done, rows="5", width="100%"),
        field_error(s.errors.get("work_done", "")),
        rx.text(T("interventions.field.minutes"), size="2", weight="medium", as_="label", **for_id("minutes_spent")),
        rx.input(name="minutes_spent", id="minutes_spent", default_value=s.minutes_spent, input_mode="numeric",
                 width="140px"),
        field_error(s.errors.get("minutes_spent", "")),
        rx.text(T("interventions.materials"), size="2", weight="medium"),
        rx.foreach(rx.Var.range(s.material_rows), _material_input),
        rx.button(rx.icon("plus", size=14), T("interventions.add_material"), type="button", variant="soft",
                  size="2", on_click=s.add_material_row),
        field_error(s.errors.get("materials", "")),
        spacing="2", width="100%",
    )


def _close_form() -> rx.Component:
    s = FieldInterventionState
    return draft_form(
        rx.vstack(
            _work_fields(),
            rx.callout.root(rx.callout.icon(rx.icon("cloud-off", size=16)),
                            rx.callout.text(T("interventions.draft_kept")), color_scheme="gray", size="1"),
            rx.divider(),
            rx.heading(T("interventions.signature_title"), size="4"),
            rx.text(T("interventions.signature_help"), size="2", color_scheme="gray"),
            signature_pad(name="signature", draft_key=s.draft_key, clear_label=T("interventions.clear_signature"),
                          label=T("interventions.signature_title")),
            field_error(s.errors.get("signature", "")),
            rx.text(T("interventions.field.signer"), size="2", weight="medium", as_="label", **for_id("signer_name")),
            rx.input(name="signer_name", id="signer_name", default_value=s.signer, width="100%", size="3"),
            field_error(s.errors.get("signer_name", "")),
            field_error(s.errors.get("", "")),
            rx.button(rx.icon("file-check", size=16), T("interventions.close"), type="submit", size="3",
                      width="100%", id="close-intervention"),
            spacing="3", width="100%",
        ),
        draft_key=s.draft_key, token_name="close_token", on_submit=s.close_intervention,
        on_restore=s.draft_restored, key=s.form_key,
        width="100%", id="close-form",
    )


def _photos() -> rx.Component:
    s = FieldInterventionState
    return rx.vstack(
        rx.text(T("interventions.photos"), size="2", weight="medium"),
        rx.foreach(s.photos, _photo),
        name_file_input(rx.upload.root(
            rx.button(rx.icon("camera", size=16), T("interventions.add_photos"), type="button", variant="soft",
                      width="100%"),
            id=UPLOAD_ID, accept={"image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"], "image/webp": [".webp"]},
            max_files=10, max_size=get_settings().upload_max_bytes,
            on_drop=s.receive_photos(rx.upload_files(upload_id=UPLOAD_ID, on_upload_progress=s.photo_progress)),
            width="100%", border="none", padding="0",
        ), T("interventions.add_photos")),
        rx.cond(s.upload_progress > 0, rx.progress(value=s.upload_progress, width="100%")),
        rx.foreach(s.upload_errors, lambda e: rx.text(e, color_scheme="red", size="2", role="alert")),
        spacing="2", width="100%",
    )


def field_intervention_page() -> rx.Component:
    s = FieldInterventionState
    item = s.item
    return field_shell(
        rx.link(rx.hstack(rx.icon("arrow-left", size=14), T("field.back_to_agenda"), align="center", spacing="1"),
                href="/field", size="2"),
        rx.cond(
            item,
            rx.vstack(
                rx.hstack(rx.heading(item.kind, size="6"), status_badge(item), align="center", spacing="2",
                          wrap="wrap"),
                rx.text(item.number, " · ", item.when, size="2", color_scheme="gray", id="field-when"),
                rx.card(rx.vstack(
                    rx.text(item.customer, weight="bold", size="4"),
                    rx.text(item.site, size="2"),
                    rx.cond(item.address != "", rx.link(
                        rx.hstack(rx.icon("map-pin", size=16), rx.text(item.address, size="3"), align="center",
                                  spacing="2"), href=item.maps_url, is_external=True, id="maps-link")),
                    rx.cond(s.contact_name != "", rx.hstack(
                        rx.icon("user", size=16), rx.text(s.contact_name, size="3"),
                        rx.cond(s.contact_phone != "", rx.link(
                            rx.button(rx.icon("phone", size=16), s.contact_phone, size="3", variant="soft"),
                            href="tel:" + s.contact_tel, id="call-contact")),
                        align="center", spacing="2", wrap="wrap")),
                    spacing="2", width="100%"), width="100%"),
                rx.card(rx.vstack(rx.text(T("interventions.field.description"), size="2", weight="bold"),
                                  rx.text(item.description, size="3", white_space="pre-wrap"), spacing="1"),
                        width="100%"),
                rx.match(
                    item.status,
                    ("planned", rx.button(rx.icon("play", size=18), T("interventions.start"), size="4",
                                          width="100%", on_click=s.start_work, id="start-intervention")),
                    ("in_progress", rx.vstack(_photos(), _close_form(), spacing="4", width="100%")),
                    ("closed", rx.vstack(
                        rx.callout.root(rx.callout.icon(rx.icon("circle-check", size=16)),
                                        rx.callout.text(T("interventions.closed_by"), " ", s.signer),
                                        color_scheme="green", width="100%"),
                        rx.cond(item.sheet_url != "", rx.link(
                            rx.button(rx.icon("file-check", size=16), T("interventions.sheet"), size="3",
                                      width="100%", variant="soft"), href=item.sheet_url, is_external=True,
                            width="100%", id="field-sheet")),
                        rx.text(s.work_done, size="2", white_space="pre-wrap"),
                        spacing="3", width="100%")),
                    rx.callout.root(rx.callout.text(T("interventions.cancelled_note")), color_scheme="gray",
                                    width="100%"),
                ),
                rx.vstack(
                    rx.text(T("interventions.notes"), size="2", weight="medium"),
                    rx.foreach(s.notes, note_card),
                    rx.form(rx.hstack(rx.input(name="body", placeholder=T("interventions.note_placeholder"),
                                               aria_label=T("interventions.note_placeholder"), width="100%"),
                                      rx.button(T("interventions.add_note"), type="submit", variant="soft"),
                                      width="100%"),
                            field_error(s.note_error), on_submit=s.add_field_note, reset_on_submit=True,
                            width="100%"),
                    spacing="2", width="100%",
                ),
                rx.cond(s.previous.length() > 0, rx.vstack(
                    rx.heading(T("interventions.previous"), size="4"),
                    rx.foreach(s.previous, _previous), spacing="2", width="100%")),
                spacing="4", width="100%",
            ),
            empty_state("search-x", T("interventions.not_found"), T("field.not_yours")),
        ),
    )
