"""Dialogs and confirmations, the same way on every page.

A state lists the dialogs open on its page by name; the page asks `open_dialogs.contains(name)` and
every dialog closes through the one `dialog_changed` handler (Escape, a click outside, Cancel).
A destructive action first remembers what it will do and asks; the confirming handler, guarded
like any other, takes what was remembered. Nothing the browser sends chooses the record.
"""

from __future__ import annotations

import reflex as rx

from app.state.session import ui_only

CONFIRM = "confirm"


class Dialogs(rx.State, mixin=True):
    open_dialogs: list[str] = []
    confirm_text: str = ""
    _confirming: tuple = ()

    def _open_dialog(self, name: str) -> None:
        if name not in self.open_dialogs:
            self.open_dialogs = [*self.open_dialogs, name]

    def _close_dialog(self, name: str) -> None:
        if name in self.open_dialogs:
            self.open_dialogs = [d for d in self.open_dialogs if d != name]
        if name == CONFIRM:
            self._confirming = ()

    def _is_open(self, name: str) -> bool:
        return name in self.open_dialogs

    def _ask(self, text: str, *what: object) -> None:
        """Opens the confirmation with `text`; `what` is handed to the confirming handler."""
        self.confirm_text = text
        self._confirming = what
        self._open_dialog(CONFIRM)

    def _confirmed(self) -> tuple:
        """What the user just confirmed (empty when nothing was asked), forgotten once taken."""
        what = self._confirming
        self._close_dialog(CONFIRM)
        return what

    @ui_only
    def dialog_changed(self, name: str, is_open: bool):
        """Dialogs only ever close from here; opening one is the job of a guarded handler."""
        if is_open is not True and isinstance(name, str):
            self._close_dialog(name)
