"""A form whose typed values and signature survive a lost connection and a page reload, kept in the
browser's localStorage until the server confirms, with a stable token for idempotent closing.

Usage (page and state)::

    from app.components.draft_form import clear_draft, draft_form

    # page
    draft_form(
        rx.text_area(name="work_done", default_value=SheetState.work_done),
        rx.foreach(SheetState.material_rows, lambda row: rx.hstack(
            rx.input(name=row.desc_name, default_value=row.description),   # "material_desc_0", ...
            rx.input(name=row.qty_name, default_value=row.quantity, type="number"),
        )),
        signature_pad(name="signature", draft_key=SheetState.draft_key),
        rx.button(T("interventions.close"), type="submit"),
        draft_key=SheetState.draft_key,          # "intervention-draft-42": one per sheet
        on_submit=SheetState.close_sheet,
        on_restore=SheetState.draft_restored,    # optional
    )

    # state
    @guarded(Perm.CLOSE_INTERVENTIONS)
    def close_sheet(self, actor: Actor, form: dict):
        token = form.get("client_token", "")     # the same for every submit of this draft
        ...  # the service stores the token with the sheet: a second close with it returns the same sheet
        return clear_draft(self.draft_key)        # only after the commit

    @guarded(Perm.CLOSE_INTERVENTIONS)
    def draft_restored(self, actor: Actor, draft: dict):
        # e.g. draft["fields"] has "material_desc_3": add rows up to 4 so the restored values find inputs
        ...

What is kept: the value of every named ``input`` (text, number, date, time, checkbox, radio ...),
``textarea`` and native ``select`` inside the form, saved on each keystroke; and the signature, saved by
the signature pad under the same key. On mount, and whenever a named control appears later (the page
renders its fields when the state arrives), the draft's value is put into it: an uncontrolled control
(``name`` + ``default_value``) shows it, a controlled one (``value`` + ``on_change``) receives it through
its ``on_change`` as if typed. Not kept: hidden, file and password inputs, controls inside an element with
the ``data-draft-skip`` attribute, and Radix's ``rx.select``/``rx.checkbox``/``rx.switch``/
``rx.radio_group`` (their native twin is aria-hidden and the visible control would not follow): use plain
``rx.el.select``/``rx.el.input(type="checkbox")`` where a choice must survive, or restore it in
``on_restore``. Give each material line's inputs their own names (``material_qty_0``, ``_1`` ...): a name
repeated on several inputs is kept as a list by position.

Props of ``draft_form`` (``DraftKeeper`` takes the first three):
- ``draft_key`` (required): the localStorage key. Use one key per record, never per user only.
- ``token_name`` (default ``"client_token"``): the hidden input holding the draft's token, a random UUID
  made when the draft is first opened and kept in it across reloads until the draft is cleared.
- ``on_restore``: trigger, called once after mount with ``{"restored": bool, "fields": {name: value or
  [values]}, "token": str, "saved_at": ISO str or None}``; ``restored`` says whether anything typed was
  found.
- ``on_submit`` and any other prop go to ``rx.form`` (``reset_on_submit`` stays False: the typed values
  must stay on screen until the server answers).

While the socket is down Reflex queues the submit and sends it on reconnect; a reload drops that queue,
but the fields, the signature and the token are restored, so the user submits again and the server, seeing
the token, returns the sheet it may already have made instead of a second one.

The answer of a close can be lost too (the connection drops right after the commit): a page that finds
its record already closed should not show the draft form and should return ``clear_draft(key)`` from its
load handler. Drafts stay in the browser, readable by the next person using it: return
``clear_all_drafts()`` at sign-out where devices are shared.

Helpers for the state, to return from a handler:
- ``clear_draft(key)``: forget one draft (after the server confirmed). The form on screen keeps its
  values and its token.
- ``clear_all_drafts()``: forget every draft this browser keeps (e.g. at sign-out on a shared device).
"""

from __future__ import annotations

import json
from typing import Any

import reflex as rx
from reflex_base.event import EventSpec, passthrough_event_spec

from app.components.js import MODULES

# Mirrors draft_store.js: kept self-contained so that it also runs on a page without a draft form.
_INDEX_KEY = "draft-keeper:keys"
_CLEARED_EVENT = "draft-keeper:cleared"
_CLEAR_SCRIPT = """(() => {{
  const keys = {keys};
  try {{
    const store = window.localStorage;
    let index = [];
    try {{ index = JSON.parse(store.getItem({index}) || "[]"); }} catch (e) {{ index = []; }}
    if (!Array.isArray(index)) index = [];
    const gone = keys === null ? index : keys;
    for (const key of gone) store.removeItem(key);
    const left = keys === null ? [] : index.filter((key) => !keys.includes(key));
    if (left.length) store.setItem({index}, JSON.stringify(left)); else store.removeItem({index});
    for (const key of gone) window.dispatchEvent(new CustomEvent({event}, {{ detail: {{ key }} }}));
  }} catch (e) {{}}
}})()"""


class DraftKeeper(rx.NoSSRComponent):
    """Saves and restores the named controls inside it; renders the token's hidden input."""

    library = MODULES["draft_keeper"]
    tag = "DraftKeeper"

    draft_key: rx.Var[str]
    token_name: rx.Var[str]

    on_restore: rx.EventHandler[passthrough_event_spec(dict[str, Any])]


def draft_form(*children: rx.Component, draft_key: rx.Var[str] | str, token_name: str = "client_token",
               on_restore: Any = None, **form_props: Any) -> rx.Component:
    keeper = {"draft_key": draft_key, "token_name": token_name, "width": "100%"}
    if on_restore is not None:
        keeper["on_restore"] = on_restore
    # The keeper sits inside the form so that the token's hidden input is submitted with the fields.
    return rx.form(DraftKeeper.create(*children, **keeper), **form_props)


def _clear_script(keys: list[str] | None) -> str:
    return _CLEAR_SCRIPT.format(keys=json.dumps(keys), index=json.dumps(_INDEX_KEY), event=json.dumps(_CLEARED_EVENT))


def clear_draft(key: str) -> EventSpec:
    return rx.call_script(_clear_script([str(key)]))


def clear_all_drafts() -> EventSpec:
    return rx.call_script(_clear_script(None))
