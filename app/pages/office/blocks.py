"""Credit control in the office: the card's "Dati contabili" tab and the settings table of what each
level of block does."""

from __future__ import annotations

import reflex as rx

from app.components.i18n import T
from app.components.shell import confirm_dialog, dialog_control, empty_state, field_error, for_id
from app.domain.vocabularies import Effect
from app.state.blocks import BlockEffectsState, BlocksTab, BlockView, EffectCell, EffectRow

EFFECT_COLORS = {Effect.ALLOW.value: "green", Effect.HOLD.value: "amber", Effect.REFUSE.value: "red"}


def _block_row(block: BlockView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.vstack(
            rx.badge(rx.icon("lock", size=11), block.level, color_scheme=block.color,
                     variant=rx.cond(block.active, "solid", "soft")),
            rx.cond(block.automatic, rx.text(T("blocks.automatic"), size="1", color_scheme="gray")),
            spacing="1")),
        rx.table.cell(rx.vstack(rx.text(block.reason, size="2"),
                                rx.text(block.set_line, size="1", color_scheme="gray"),
                                rx.cond(block.lifted_line != "",
                                        rx.text(block.lifted_line, size="1", color_scheme="gray")),
                                spacing="0")),
        rx.table.cell(rx.cond(block.active & BlocksTab.can_manage_blocks,
                              rx.button(rx.icon("lock-open", size=12), T("blocks.lift"), size="1", variant="soft",
                                        color_scheme="gray", on_click=BlocksTab.ask_lift(block.id),
                                        class_name="lift-block"),
                              rx.cond(block.active, rx.badge(T("blocks.active"), color_scheme="red", variant="soft"),
                                      rx.badge(T("blocks.lifted_badge"), color_scheme="gray", variant="soft")))),
        class_name="block-row",
    )


def _block_dialog() -> rx.Component:
    errors = BlocksTab.block_errors
    form = rx.form(
        rx.vstack(
            rx.text(T("blocks.level_label"), size="2", weight="medium", as_="label", **for_id("block-level")),
            rx.select.root(rx.select.trigger(width="100%", id="block-level"), rx.select.content(
                rx.foreach(BlocksTab.level_options, lambda o: rx.select.item(o[1], value=o[0]))),
                name="level", default_value=BlocksTab.block_values["level"]),
            field_error(errors.get("level", "")),
            rx.text(T("blocks.reason"), size="2", weight="medium", as_="label", **for_id("block-reason")),
            rx.text_area(name="reason", id="block-reason", default_value=BlocksTab.block_values["reason"], rows="3",
                         width="100%", max_length=500),
            field_error(errors.get("reason", "")),
            rx.flex(rx.dialog.close(rx.button(T("common.cancel"), variant="soft", color_scheme="gray", type="button")),
                    rx.button(T("blocks.set"), type="submit", color_scheme="red", id="save-block"),
                    spacing="3", justify="end", width="100%"),
            spacing="2", width="100%",
        ),
        on_submit=BlocksTab.save_block, key=BlocksTab.block_form_key, width="100%",
    )
    return rx.dialog.root(
        rx.dialog.content(rx.dialog.title(T("blocks.new")), rx.dialog.description(T("blocks.new_help"), size="2"),
                          form, max_width="520px"),
        **dialog_control(BlocksTab, "block"),
    )


def _lift_dialog() -> rx.Component:
    form = rx.form(
        rx.vstack(
            rx.text(T("blocks.lift_note"), size="2", weight="medium", as_="label", **for_id("lift-note")),
            rx.text_area(name="note", id="lift-note", rows="2", width="100%", max_length=500),
            field_error(BlocksTab.lift_errors.get("note", "")),
            rx.flex(rx.dialog.close(rx.button(T("common.cancel"), variant="soft", color_scheme="gray", type="button")),
                    rx.button(T("blocks.lift"), type="submit", id="confirm-lift"),
                    spacing="3", justify="end", width="100%"),
            spacing="2", width="100%",
        ),
        on_submit=BlocksTab.confirm_lift, width="100%",
    )
    return rx.dialog.root(
        rx.dialog.content(rx.dialog.title(BlocksTab.lift_title), form, max_width="480px"),
        **dialog_control(BlocksTab, "lift"),
    )


def blocks_tab() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(T("blocks.help"), size="2", color_scheme="gray", max_width="760px"),
            rx.spacer(),
            rx.cond(BlocksTab.can_manage_blocks,
                    rx.button(rx.icon("lock", size=14), T("blocks.new"), size="2", variant="soft", color_scheme="red",
                              on_click=BlocksTab.new_block, id="new-block")),
            width="100%", align="start",
        ),
        rx.hstack(
            rx.switch(checked=BlocksTab.auto_block, on_change=BlocksTab.set_auto_block, id="auto-block",
                      disabled=~BlocksTab.can_manage_blocks),
            rx.text(T("blocks.auto_block"), as_="label", **for_id("auto-block"), size="2"),
            spacing="2", align="center",
        ),
        rx.cond(
            BlocksTab.block_rows.length() > 0,
            rx.table.root(rx.table.body(rx.foreach(BlocksTab.block_rows, _block_row)), variant="surface",
                          width="100%", id="blocks-table"),
            empty_state("lock-open", T("blocks.empty"), T("blocks.empty_hint")),
        ),
        _block_dialog(),
        _lift_dialog(),
        spacing="3", width="100%",
    )


def _effect_cell(row: EffectRow, cell: EffectCell) -> rx.Component:
    items = [rx.select.item(T(effect.label_key), value=effect.value) for effect in Effect if effect is not Effect.HOLD]
    hold = rx.select.item(T(Effect.HOLD.label_key), value=Effect.HOLD.value)
    return rx.table.cell(rx.select.root(
        rx.select.trigger(variant="soft", color_scheme=rx.match(cell.effect, *EFFECT_COLORS.items(), "gray"),
                          aria_label=cell.name),
        rx.select.content(items[0], rx.cond(cell.holdable, hold), items[1]),
        value=cell.effect, on_change=lambda value: BlockEffectsState.set_effect(row.action, cell.level, value),
        size="1",
    ))


def _effect_row(row: EffectRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row.label),
        rx.foreach(row.cells, lambda cell: _effect_cell(row, cell)),
    )


def block_effects_card() -> rx.Component:
    """Office settings: what each level of block does to each action."""
    s = BlockEffectsState
    return rx.fragment(
        rx.card(
            rx.vstack(
                rx.heading(T("blocks.settings_title"), size="4"),
                rx.text(T("blocks.settings_help"), size="2", color_scheme="gray"),
                rx.box(rx.table.root(
                    rx.table.header(rx.table.row(
                        rx.table.column_header_cell(T("blocks.col.action")),
                        rx.foreach(s.level_headers, lambda label: rx.table.column_header_cell(label)),
                    )),
                    rx.table.body(rx.foreach(s.effect_rows, _effect_row)),
                    variant="surface", size="1", width="100%", id="block-effects",
                ), overflow_x="auto", width="100%"),
                rx.cond(s.effects_error != "", rx.callout(s.effects_error, icon="triangle-alert", color_scheme="red")),
                rx.hstack(
                    rx.button(T("settings.defaults"), variant="soft", color_scheme="gray",
                              on_click=s.ask_effect_defaults),
                    rx.spacer(),
                    rx.button(rx.icon("save", size=14), T("settings.save"), on_click=s.save_effects,
                              id="save-block-effects"),
                    width="100%",
                ),
                spacing="4", width="100%",
            ),
            size="3", width="100%",
        ),
        confirm_dialog(s, s.restore_effect_defaults),
    )
