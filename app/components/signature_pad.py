"""A signature drawn with a finger, a pen or the mouse, on the `signature_pad` npm package.

Usage (page and state)::

    from app.components.draft_form import draft_form
    from app.components.signature_pad import signature_pad

    # page: inside a form, with the same draft key as the form's draft keeper
    draft_form(
        rx.text_area(name="work_done", default_value=SheetState.work_done),
        signature_pad(
            name="signature",
            draft_key=SheetState.draft_key,            # e.g. "intervention-draft-42"
            label=T("interventions.customer_signature"),  # optional: the canvas's accessible name
            on_empty_change=SheetState.set_signature_empty,
        ),
        rx.button(T("interventions.close"), type="submit", disabled=SheetState.signature_empty),
        draft_key=SheetState.draft_key,
        on_submit=SheetState.close_sheet,
    )

    # state
    signature_empty: bool = True

    @ui_only
    def set_signature_empty(self, empty: bool):
        self.signature_empty = empty is True

    @guarded(Perm.CLOSE_INTERVENTIONS)
    def close_sheet(self, actor: Actor, form: dict):
        png = form.get("signature", "")   # "data:image/png;base64,...", "" when not signed
        ...  # check the prefix, decode, check the PNG magic bytes and the size, store it privately

Props (all optional):
- ``name`` (default ``"signature"``): the hidden input's name; after each stroke it holds the PNG as a
  data URL (transparent background, dark ink, about 10-60 kB; width x height at the device's pixel
  ratio), ``""`` when empty. A surrounding ``rx.form`` submits it with the other fields.
- ``draft_key``: the localStorage key of the form's draft (app/components/draft_form.py). Each stroke is
  saved there (points and PNG) and the pad redraws itself from it when mounted, after a reload.
- ``clear_label``: the clear button's text, default "Cancella firma" / "Clear signature"; ``label``: the
  canvas's accessible name, default "Firma" / "Signature" (pass a ``T(...)`` to say whose signature).
- ``aspect_ratio`` (default 2): width / height. The pad takes its container's width and follows it; the
  drawing is redrawn to scale, sharp on high-density screens.
- ``pen_color`` (default a dark blue), ``disabled`` (stops drawing and clearing, e.g. once closed).

Event trigger:
- ``on_empty_change``: ``bool``. Sent on mount (``True``, or ``False`` when restored from a draft) and then
  only when it changes (first stroke, clear). The image itself is not sent on each stroke: it arrives with
  the form.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex_base.event import passthrough_event_spec

from app.components.i18n import T
from app.components.js import MODULES

NPM_PACKAGES = ["signature_pad@5.1.4"]


class SignatureField(rx.NoSSRComponent):
    """A canvas, its clear button and a hidden input, kept in step by the project's module."""

    library = MODULES["signature_field"]
    tag = "SignatureField"
    lib_dependencies: list[str] = NPM_PACKAGES

    name: rx.Var[str]
    draft_key: rx.Var[str]
    clear_label: rx.Var[str]
    label: rx.Var[str]
    aspect_ratio: rx.Var[float]
    pen_color: rx.Var[str]
    disabled: rx.Var[bool]

    on_empty_change: rx.EventHandler[passthrough_event_spec(bool)]


def signature_pad(**props: Any) -> rx.Component:
    props.setdefault("clear_label", T("signature.clear"))
    props.setdefault("label", T("signature.label"))
    props.setdefault("width", "100%")
    # Wider than a tablet held upright the box would only grow taller, not easier to sign in.
    props.setdefault("max_width", "40rem")
    return SignatureField.create(**props)
