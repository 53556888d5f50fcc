"""Keyset paging for list states: the cursor of each page is kept on the server, the browser
only learns whether there is a previous and a next page."""

from __future__ import annotations

from typing import Any, ClassVar

import reflex as rx

from app.domain.permissions import Actor, Perm
from app.state.session import LIST_PERMISSION, guarded


class KeysetPaging(rx.State, mixin=True):
    """A list state names the permission its list needs and fetches the current page in `_fetch`."""

    list_permission: ClassVar[Perm]
    has_next: bool = False
    has_previous: bool = False
    _cursor: Any = None
    _next_cursor: Any = None
    _previous_cursors: list = []

    def _fetch(self, actor: Actor) -> None:
        raise NotImplementedError

    def _restart(self, actor: Actor) -> None:
        """Back to the first page, after the filters changed."""
        self._first_page()
        self._fetch(actor)

    def _first_page(self) -> None:
        self._cursor = None
        self._previous_cursors = []

    def _page_loaded(self, next_cursor: Any) -> None:
        self._next_cursor = next_cursor
        self.has_next = next_cursor is not None
        self.has_previous = bool(self._previous_cursors)

    def _forward(self) -> bool:
        if self._next_cursor is None:
            return False
        self._previous_cursors = [*self._previous_cursors, self._cursor]
        self._cursor = self._next_cursor
        return True

    def _back(self) -> bool:
        if not self._previous_cursors:
            return False
        *rest, self._cursor = self._previous_cursors
        self._previous_cursors = rest
        return True

    @guarded(LIST_PERMISSION)
    def next_page(self, actor: Actor):
        if self._forward():
            self._fetch(actor)

    @guarded(LIST_PERMISSION)
    def previous_page(self, actor: Actor):
        if self._back():
            self._fetch(actor)
