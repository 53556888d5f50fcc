"""Office settings (administrators): the rules for customer requests and the consent types."""

from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import dialog_control, field_error, for_id, office_shell, page_header
from app.domain.vocabularies import ConsentChannel
from app.pages.office.api_keys import api_keys_card
from app.pages.office.blocks import block_effects_card
from app.pages.office.change_requests import request_rules_card
from app.state.consents import ConsentTypesState, ReconsentView, TypeRowView
from app.state.interventions import InterventionTypesState, TypeView
from app.state.mail_templates import MailTemplatesState
from app.state.portal_settings import ModuleChoice, PortalSettingsState, ProfileView
from app.state.upstream_settings import UpstreamSettingsState


def _type_row(row: TypeRowView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.code, font_family="monospace", size="2")),
        rx.table.cell(rx.text(row.title, weight="medium")),
        rx.table.cell(row.channel),
        rx.table.cell(row.version),
        rx.table.cell(rx.hstack(
            rx.cond(row.requires_signature, rx.badge(T("consent_types.signature"), variant="soft")),
            rx.cond(~row.active, rx.badge(T("consent_types.inactive"), color_scheme="gray")),
            spacing="1")),
        rx.table.cell(rx.cond(
            row.to_ask_again > 0,
            rx.button(row.to_ask_again, " ", T("consent_types.reconsent"), size="1",
                      color_scheme="orange", variant="soft", on_click=ConsentTypesState.show_reconsent(row.id)),
            rx.text("0", size="2", color_scheme="gray"),
        )),
        rx.table.cell(rx.button(rx.icon("pencil", size=12), T("consent_types.edit"), size="1", variant="ghost",
                                on_click=ConsentTypesState.edit_type(row.id))),
        id=f"consent-type-{row.code}",
    )


def _field(name: str, label_key: str, control: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.text(T(label_key), as_="label", size="2", weight="medium", **for_id(f"ct-{name}")),
        control,
        field_error(ConsentTypesState.editor_errors.get(name, "")),
        spacing="1", width="100%",
    )


def _editor() -> rx.Component:
    v = ConsentTypesState.editor_values
    form = rx.form(
        rx.vstack(
            rx.grid(
                _field("code", "consent_types.col.code",
                       rx.input(id="ct-code", name="code", default_value=v["code"], width="100%")),
                _field("title", "consent_types.col.title",
                       rx.input(id="ct-title", name="title", default_value=v["title"], width="100%")),
                _field("channel", "consent_types.col.channel", rx.select.root(
                    rx.select.trigger(width="100%", aria_label=T("consent_types.col.channel")),
                    rx.select.content(*[rx.select.item(T(c.label_key), value=c.value) for c in ConsentChannel]),
                    name="channel", default_value=v["channel"])),
                _field("position", "consent_types.position",
                       rx.input(id="ct-position", name="position", type="number", default_value=v["position"],
                                width="100%")),
                columns="2", spacing="3", width="100%",
            ),
            _field("body", "consent_types.body",
                   rx.text_area(id="ct-body", name="body", default_value=v["body"], rows="7", width="100%")),
            rx.hstack(
                rx.hstack(rx.checkbox(name="requires_signature", id="ct-signature",
                                      default_checked=v["requires_signature"] == "on"),
                          rx.text(T("consent_types.signature"), as_="label", **for_id("ct-signature"), size="2")),
                rx.hstack(rx.checkbox(name="active", id="ct-active", default_checked=v["active"] == "on"),
                          rx.text(T("consent_types.active"), as_="label", **for_id("ct-active"), size="2")),
                spacing="5",
            ),
            rx.flex(rx.dialog.close(rx.button(T("common.cancel"), variant="soft", color_scheme="gray", type="button")),
                    rx.button(T("common.save"), type="submit", id="ct-save"), spacing="3", justify="end",
                    width="100%"),
            spacing="4", width="100%",
        ),
        on_submit=ConsentTypesState.save_type, key=ConsentTypesState.editor_key, width="100%",
    )
    return rx.dialog.root(
        rx.dialog.content(rx.dialog.title(T("consent_types.title")), form, max_width="720px"),
        **dialog_control(ConsentTypesState, "editor"),
    )


def _reconsent_row(row: ReconsentView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(row.customer, href=f"/office/customer?id={row.customer_id}")),
        rx.table.cell(row.subject),
        rx.table.cell(rx.text(row.granted, size="2", color_scheme="gray")),
    )


def _reconsent_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(ConsentTypesState.reconsent_title),
            rx.box(rx.table.root(rx.table.body(rx.foreach(ConsentTypesState.reconsent_rows, _reconsent_row)),
                                 size="1", width="100%"), max_height="60vh", overflow_y="auto", margin_y="12px"),
            rx.flex(rx.dialog.close(rx.button(T("common.close"), variant="soft")), justify="end"),
            max_width="760px", id="reconsent-dialog",
        ),
        **dialog_control(ConsentTypesState, "reconsent"),
    )


def consent_types_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.heading(T("consent_types.title"), size="4"), rx.spacer(),
                      rx.button(rx.icon("plus", size=14), T("consent_types.new"), size="2",
                                on_click=ConsentTypesState.new_type, id="new-consent-type"),
                      width="100%", align="center"),
            rx.text(T("consent_types.help"), size="2", color_scheme="gray"),
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(T(f"consent_types.col.{k}")) for k in (
                    "code", "title", "channel", "version", "flags", "ask_again")], rx.table.column_header_cell(""))),
                rx.table.body(rx.foreach(ConsentTypesState.type_rows, _type_row)),
                variant="surface", size="1", width="100%",
            ),
            spacing="3", width="100%",
        ),
        size="3", width="100%",
    )


def _profile_row(p: ProfileView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(p.code, font_family="monospace", size="2")),
        rx.table.cell(rx.hstack(rx.text(p.name, weight="medium"),
                                rx.cond(p.is_default, rx.badge(T("profiles.default"), color_scheme="indigo")))),
        rx.table.cell(rx.text(p.modules, size="2")),
        rx.table.cell(rx.button(rx.icon("pencil", size=12), T("consent_types.edit"), size="1", variant="ghost",
                                on_click=PortalSettingsState.edit_profile(p.id))),
        id=f"profile-{p.code}",
    )


def _module_choice(m: ModuleChoice) -> rx.Component:
    return rx.hstack(
        rx.checkbox(checked=m.included, on_change=lambda _: PortalSettingsState.toggle_module(m.key),
                    id=f"module-{m.key}", name=f"module-{m.key}"),
        rx.text(m.label, as_="label", **for_id(f"module-{m.key}"), size="2", flex="1"),
        rx.icon_button(rx.icon("arrow-up", size=12), size="1", variant="ghost", type="button",
                       aria_label=T("profiles.up"), on_click=PortalSettingsState.move_module(m.key, -1)),
        rx.icon_button(rx.icon("arrow-down", size=12), size="1", variant="ghost", type="button",
                       aria_label=T("profiles.down"), on_click=PortalSettingsState.move_module(m.key, 1)),
        align="center", width="100%",
    )


def _profile_dialog() -> rx.Component:
    s = PortalSettingsState
    v = s.profile_values
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(T("profiles.edit")),
            rx.form(
                rx.vstack(
                    rx.grid(
                        rx.vstack(rx.text(T("profiles.code"), size="2", weight="medium"),
                                  rx.input(name="code", default_value=v["code"], width="100%", id="profile-code"),
                                  field_error(s.profile_errors.get("code", "")), spacing="1"),
                        rx.vstack(rx.text(T("profiles.name"), size="2", weight="medium"),
                                  rx.input(name="name", default_value=v["name"], width="100%", id="profile-name"),
                                  field_error(s.profile_errors.get("name", "")), spacing="1"),
                        columns="2", spacing="3", width="100%",
                    ),
                    rx.text(T("profiles.modules"), size="2", weight="medium"),
                    rx.vstack(rx.foreach(s.module_choices, _module_choice), spacing="1", width="100%"),
                    field_error(s.profile_errors.get("modules", "")),
                    rx.hstack(rx.checkbox(name="is_default", id="profile-default",
                                          default_checked=v["is_default"] == "on"),
                              rx.text(T("profiles.make_default"), as_="label", **for_id("profile-default"), size="2")),
                    field_error(s.profile_errors.get("is_default", "")),
                    rx.flex(rx.dialog.close(rx.button(T("common.cancel"), variant="soft", color_scheme="gray",
                                                      type="button")),
                            rx.button(T("common.save"), type="submit", id="save-profile"), spacing="3",
                            justify="end", width="100%"),
                    spacing="3", width="100%",
                ),
                on_submit=s.save_profile, key=s.profile_key, width="100%",
            ),
            max_width="560px",
        ),
        **dialog_control(s, "profile"),
    )


def portal_settings_card() -> rx.Component:
    s = PortalSettingsState
    return rx.card(
        rx.vstack(
            rx.heading(T("portal_settings.title"), size="4"),
            rx.vstack(
                rx.text(T("tickets.assignee"), weight="medium", size="2"),
                rx.text(T("tickets.assignee_help"), size="1", color_scheme="gray"),
                rx.select.root(rx.select.trigger(min_width="280px", aria_label=T("tickets.assignee")),
                               rx.select.content(
                    rx.foreach(s.assignee_options, lambda o: rx.select.item(o[1], value=o[0]))),
                    value=s.assignee, on_change=s.set_assignee),
                spacing="1",
            ),
            rx.divider(),
            rx.hstack(rx.vstack(rx.text(T("profiles.title"), weight="medium", size="2"),
                                rx.text(T("profiles.help"), size="1", color_scheme="gray"), spacing="0"),
                      rx.spacer(),
                      rx.button(rx.icon("plus", size=14), T("profiles.new"), size="2", variant="soft",
                                on_click=s.new_profile, id="new-profile"),
                      width="100%", align="start"),
            rx.table.root(rx.table.body(rx.foreach(s.profile_rows, _profile_row)), variant="surface", size="1",
                          width="100%"),
            spacing="3", width="100%",
        ),
        size="3", width="100%",
    )


def mail_templates_card() -> rx.Component:
    s = MailTemplatesState
    form = rx.form(
        rx.vstack(
            rx.text(T("templates.subject"), size="2", weight="medium", as_="label", **for_id("template-subject")),
            rx.input(name="subject", default_value=s.template_subject, width="100%", id="template-subject"),
            field_error(s.template_errors.get("subject", "")),
            rx.text(T("templates.body"), size="2", weight="medium", as_="label", **for_id("template-body")),
            rx.text_area(name="body", default_value=s.template_body, rows="10", width="100%", id="template-body"),
            field_error(s.template_errors.get("body", "")),
            field_error(s.template_errors.get("", "")),
            rx.text(s.template_placeholders, size="1", color_scheme="gray", font_family="monospace"),
            rx.hstack(
                rx.cond(s.template_custom, rx.button(T("templates.reset"), variant="soft", color_scheme="gray",
                                                     type="button", on_click=s.reset_template)),
                rx.spacer(),
                rx.button(rx.icon("save", size=14), T("templates.save"), type="submit", id="save-template"),
                width="100%",
            ),
            spacing="2", width="100%",
        ),
        on_submit=s.save_template, key=s.template_form_key, width="100%",
    )
    return rx.card(
        rx.vstack(
            rx.heading(T("templates.title"), size="4"),
            rx.text(T("templates.help"), size="2", color_scheme="gray"),
            rx.hstack(
                rx.select.root(rx.select.trigger(min_width="320px", aria_label=T("templates.title")), rx.select.content(
                    rx.foreach(s.template_options, lambda o: rx.select.item(o[1], value=o[0]))),
                    value=s.template_key, on_change=s.pick_template),
                rx.segmented_control.root(rx.segmented_control.item("Italiano", value="it"),
                                          rx.segmented_control.item("English", value="en"),
                                          value=s.template_lang, on_change=s.pick_language),
                rx.badge(rx.cond(s.template_custom, T("templates.custom"), T("templates.standard")),
                         color_scheme=rx.cond(s.template_custom, "indigo", "gray")),
                spacing="3", align="center", wrap="wrap",
            ),
            form,
            spacing="3", width="100%",
        ),
        size="3", width="100%",
    )


def _intervention_type_row(row: TypeView) -> rx.Component:
    s = InterventionTypesState
    return rx.table.row(
        rx.table.cell(rx.code(row.code)), rx.table.cell(row.name_it), rx.table.cell(row.name_en),
        rx.table.cell(row.position),
        rx.table.cell(rx.cond(row.active, rx.badge(T("common.yes"), color_scheme="green"),
                              rx.badge(T("common.no"), color_scheme="gray"))),
        rx.table.cell(rx.icon_button(rx.icon("pencil", size=14), variant="ghost", size="1",
                                     aria_label=T("interventions.types.edit"), on_click=s.edit_type(row.id))),
    )


def intervention_types_card() -> rx.Component:
    s = InterventionTypesState

    def field(name: str, label_key: str, width: str = "100%") -> rx.Component:
        return rx.vstack(
            rx.text(T(label_key), size="1", color_scheme="gray", as_="label", **for_id(f"itype-{name}")),
            rx.input(name=name, id=f"itype-{name}", default_value=s.type_values[name], width=width),
            field_error(s.type_errors.get(name, "")), spacing="1",
        )

    return rx.card(
        rx.vstack(
            rx.heading(T("interventions.types.title"), size="4"),
            rx.text(T("interventions.types.help"), size="2", color_scheme="gray"),
            rx.box(rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(T(k)) for k in (
                    "interventions.types.code", "interventions.types.name_it", "interventions.types.name_en",
                    "interventions.types.position", "interventions.types.active", "interventions.types.edit")])),
                rx.table.body(rx.foreach(s.type_rows, _intervention_type_row)), size="1", width="100%"),
                overflow_x="auto", width="100%"),
            rx.form(
                rx.flex(
                    field("code", "interventions.types.code", "140px"),
                    field("name_it", "interventions.types.name_it"),
                    field("name_en", "interventions.types.name_en"),
                    field("position", "interventions.types.position", "80px"),
                    rx.hstack(rx.checkbox(name="active", id="itype-active",
                                          default_checked=s.type_values["active"] == "on"),
                              rx.text(T("interventions.types.active"), as_="label", **for_id("itype-active"),
                                      size="2"),
                              align="center", padding_top="22px"),
                    rx.button(rx.cond(s.editing_type > 0, T("common.save"), T("interventions.types.add")),
                              type="submit", margin_top="20px", id="itype-save"),
                    rx.cond(s.editing_type > 0, rx.button(T("common.cancel"), type="button", variant="soft",
                                                          color_scheme="gray", margin_top="20px",
                                                          on_click=s.cancel_type_edit)),
                    spacing="3", wrap="wrap", align="start", width="100%",
                ),
                field_error(s.type_errors.get("", "")),
                on_submit=s.save_type, key=s.type_key, width="100%",
            ),
            spacing="3", width="100%",
        ),
        width="100%", id="intervention-types",
    )


def upstream_card() -> rx.Component:
    s = UpstreamSettingsState

    def field(name: str, label_key: str, control: rx.Component, help_key: str | None = None) -> rx.Component:
        return rx.vstack(
            rx.text(T(label_key), size="2", weight="medium", as_="label", **for_id(f"upstream-{name}")),
            control,
            rx.text(T(help_key), size="1", color_scheme="gray") if help_key else rx.fragment(),
            field_error(s.upstream_errors.get(name, "")),
            spacing="1", width="100%",
        )

    return rx.card(
        rx.vstack(
            rx.heading(T("upstream.title"), size="4"),
            rx.text(T("upstream.help"), size="2", color_scheme="gray"),
            rx.form(
                rx.vstack(
                    field("base_url", "upstream.base_url",
                          rx.input(name="base_url", id="upstream-base_url", default_value=s.upstream_url,
                                   placeholder="https://sede.example.it", width="100%", auto_complete="off")),
                    field("api_key", "upstream.api_key",
                          rx.input(name="api_key", id="upstream-api_key", type="password", width="100%",
                                   placeholder=s.upstream_key_hint, auto_complete="new-password"),
                          "upstream.api_key_help"),
                    field("timeout", "upstream.timeout",
                          rx.input(name="timeout", id="upstream-timeout", default_value=s.upstream_timeout,
                                   input_mode="decimal", width="120px")),
                    rx.hstack(rx.checkbox(name="enabled", id="upstream-enabled", default_checked=s.upstream_enabled),
                              rx.text(T("upstream.enabled"), as_="label", size="2", **for_id("upstream-enabled")),
                              align="center"),
                    field_error(s.upstream_errors.get("", "")),
                    rx.hstack(
                        rx.button(rx.icon("plug-zap", size=14), T("upstream.check"), type="button", variant="soft",
                                  on_click=s.check_upstream, id="upstream-check"),
                        rx.cond(s.upstream_check != "", rx.badge(s.upstream_check, color_scheme=s.upstream_check_color,
                                                                 id="upstream-check-result")),
                        rx.spacer(),
                        rx.button(rx.icon("save", size=14), T("common.save"), type="submit", id="upstream-save"),
                        width="100%", align="center", wrap="wrap",
                    ),
                    spacing="3", width="100%",
                ),
                on_submit=s.save_upstream, key=s.upstream_form_key, width="100%",
            ),
            rx.text(s.upstream_last_sync, size="1", color_scheme="gray"),
            spacing="3", width="100%",
        ),
        size="3", width="100%", id="upstream-settings",
    )


def settings_page() -> rx.Component:
    return office_shell(
        "settings",
        page_header(T("settings.title")),
        request_rules_card(),
        block_effects_card(),
        consent_types_card(),
        intervention_types_card(),
        portal_settings_card(),
        upstream_card(),
        mail_templates_card(),
        api_keys_card(),
        _editor(),
        _profile_dialog(),
        _reconsent_dialog(),
    )
