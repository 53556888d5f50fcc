"""Credit control on screen: the customer card's "Dati contabili" tab with its blocks, and the table
of what each level of block does in the office settings."""

from __future__ import annotations

import dataclasses

import reflex as rx

from app.db import session_scope
from app.domain.errors import DomainError
from app.domain.ids import parse_id
from app.domain.inputs import BlockInput
from app.domain.permissions import Actor, Perm, has_perm
from app.domain.vocabularies import BlockLevel, CreditAction, Effect
from app.i18n import t
from app.i18n.formats import format_datetime
from app.services import blocks, customers, receivables
from app.state.customers import CardTab, CustomerCardState, level_color, register_tab
from app.state.dialogs import Dialogs
from app.state.session import SessionState, field_messages, guarded


@dataclasses.dataclass
class BlockView:
    id: int
    level: str
    color: str
    reason: str
    set_line: str
    lifted_line: str
    active: bool
    automatic: bool


class BlocksTab(CardTab, Dialogs, CustomerCardState):
    block_rows: list[BlockView] = []
    can_manage_blocks: bool = False
    level_options: list[list[str]] = []
    block_errors: dict[str, str] = {}
    block_values: dict[str, str] = {}
    block_form_key: int = 0
    lift_errors: dict[str, str] = {}
    lift_title: str = ""
    # Whether an unpaid item blocks this customer by itself.
    auto_block: bool = True

    def _fetch(self, actor: Actor) -> None:
        self.can_manage_blocks = has_perm(actor, Perm.BLOCKS_MANAGE)
        self.level_options = [[level.value, t(level.label_key, self.lang)] for level in BlockLevel]
        with session_scope() as session:
            found = blocks.list_blocks(session=session, actor=actor, customer_id=self.customer_id)
            customer = customers.get_customer(session=session, actor=actor, customer_id=self.customer_id)
            # The card's header shows the level: it follows what was just set or lifted.
            self._show_header(customer)
            self.auto_block = receivables.blocks_automatically(customer)
        self.block_rows = [
            BlockView(
                id=b.id, level=t(BlockLevel(b.level).label_key, self.lang), color=level_color(b.level),
                reason=b.reason,
                set_line=t("blocks.set_by", self.lang, name=b.set_by or t("movements.by_system", self.lang),
                           date=format_datetime(b.set_at, self.lang)),
                lifted_line=t("blocks.lifted_by", self.lang, name=b.lifted_by or t("movements.by_system", self.lang),
                              date=format_datetime(b.lifted_at, self.lang)) if b.lifted_at else "",
                automatic=b.automatic,
                active=b.active,
            )
            for b in found
        ]

    @guarded(Perm.BLOCKS_MANAGE)
    def set_auto_block(self, actor: Actor, enabled: bool):
        if not self._current() or not isinstance(enabled, bool):
            return None
        with session_scope(write=True) as session:
            receivables.set_auto_block(session=session, actor=actor, customer_id=self.customer_id, enabled=enabled)
        self.auto_block = enabled
        return rx.toast.success(t("settings.saved", self.lang))

    @guarded(Perm.BLOCKS_MANAGE)
    def new_block(self, actor: Actor):
        if not self._current():
            return
        self.block_values, self.block_errors = {"level": BlockLevel.UNPAID.value, "reason": ""}, {}
        self.block_form_key += 1
        self._open_dialog("block")

    @guarded(Perm.BLOCKS_MANAGE)
    def save_block(self, actor: Actor, form_data: dict):
        if not self._current() or not self._is_open("block"):
            return None
        self.block_values = BlockInput.echo(form_data)
        try:
            with session_scope(write=True) as session:
                blocks.set_block(session=session, actor=actor, customer_id=self.customer_id, raw=form_data)
        except DomainError as error:
            self.block_errors = field_messages(error, self.lang)
            return None
        self.block_errors = {}
        self._close_dialog("block")
        self._fetch(actor)
        return rx.toast.success(t("blocks.saved", self.lang))

    @guarded(Perm.BLOCKS_MANAGE)
    def ask_lift(self, actor: Actor, block_id: int):
        row = next((r for r in self.block_rows if r.active and r.id == parse_id(block_id)), None)
        if row is None or not self._current():
            return
        self._confirming = (row.id,)
        self.lift_title = t("blocks.lift_title", self.lang, level=row.level)
        self.lift_errors = {}
        self._open_dialog("lift")

    @guarded(Perm.BLOCKS_MANAGE)
    def confirm_lift(self, actor: Actor, form_data: dict):
        if not self._current() or not self._is_open("lift") or not self._confirming:
            return None
        block_id = self._confirming[0]
        try:
            with session_scope(write=True) as session:
                blocks.lift_block(session=session, actor=actor, customer_id=self.customer_id, block_id=block_id,
                                  raw=form_data)
        except DomainError as error:
            self.lift_errors = field_messages(error, self.lang)
            return None
        self._confirming = ()
        self._close_dialog("lift")
        self._fetch(actor)
        return rx.toast.success(t("blocks.lifted", self.lang))


register_tab("credit", BlocksTab.load)


# Settings: what each level of block does -----------------------------------------------------


@dataclasses.dataclass
class EffectCell:
    level: str
    effect: str
    holdable: bool
    # What a screen reader says for the cell's choice: the action and the level, the table's two headers.
    name: str = ""


@dataclasses.dataclass
class EffectRow:
    action: str
    label: str
    cells: list[EffectCell]


class BlockEffectsState(Dialogs, SessionState):
    effect_rows: list[EffectRow] = []
    level_headers: list[str] = []
    effects_error: str = ""

    @guarded(Perm.SETTINGS_MANAGE, page=True)
    def load_effects(self, actor: Actor):
        with session_scope() as session:
            self._show_table(blocks.read_effects(session=session, actor=actor))

    def _show_table(self, table: dict) -> None:
        self.level_headers = [t(level.label_key, self.lang) for level in BlockLevel]
        self.effect_rows = [
            EffectRow(action.value, t(action.label_key, self.lang),
                      [EffectCell(level.value, table[level.value, action.value].value, action.holdable,
                                  f"{t(action.label_key, self.lang)} · {t(level.label_key, self.lang)}")
                       for level in BlockLevel])
            for action in CreditAction
        ]
        self.effects_error = ""

    @guarded(Perm.SETTINGS_MANAGE)
    def set_effect(self, actor: Actor, action: str, level: str, effect: str):
        """Changes one cell on screen; nothing is stored until the table is saved."""
        wanted = Effect.parse(effect)
        if not (CreditAction.parse(action) and BlockLevel.parse(level) and wanted):
            return
        if wanted is Effect.HOLD and not CreditAction(action).holdable:
            return
        self.effect_rows = [
            dataclasses.replace(row, cells=[dataclasses.replace(c, effect=wanted.value) if c.level == level else c
                                            for c in row.cells]) if row.action == action else row
            for row in self.effect_rows
        ]

    @guarded(Perm.SETTINGS_MANAGE)
    def save_effects(self, actor: Actor):
        choices = {f"{cell.level}:{row.action}": cell.effect for row in self.effect_rows for cell in row.cells}
        try:
            with session_scope(write=True) as session:
                saved = blocks.save_effects(session=session, actor=actor, choices=choices)
        except DomainError as error:
            self.effects_error = t(error.message_key, self.lang)
            return None
        self._show_table(saved)
        return rx.toast.success(t("settings.saved", self.lang))

    @guarded(Perm.SETTINGS_MANAGE)
    def ask_effect_defaults(self, actor: Actor):
        self._ask(t("blocks.defaults_confirm", self.lang), "defaults")

    @guarded(Perm.SETTINGS_MANAGE)
    def restore_effect_defaults(self, actor: Actor):
        if not self._confirmed():
            return None
        with session_scope(write=True) as session:
            blocks.forget_effects(session=session, actor=actor)
            self._show_table(blocks.read_effects(session=session, actor=actor))
        return rx.toast.success(t("settings.saved", self.lang))
