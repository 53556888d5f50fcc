"""The customer card's Accesses tab: the customer's reserved-area users."""

from __future__ import annotations

import dataclasses

import reflex as rx

from app.db import session_scope
from app.domain.errors import DomainError
from app.domain.ids import parse_id
from app.domain.inputs import AccessInput
from app.domain.permissions import Actor, Perm
from app.i18n import t
from app.i18n.formats import format_datetime
from app.services import portal_accesses, portal_profiles
from app.state.customers import CardTab, CustomerCardState, register_tab
from app.state.dialogs import Dialogs
from app.state.session import field_messages, guarded

INVITATION_COLORS = {"none": "gray", "sent": "blue", "expired": "orange", "accepted": "green"}
EMPTY_ACCESS = {"full_name": "", "email": "", "language": "it", "active": "on", "receives_reminders": "on",
                "receives_signed_sheets": "on", "may_see_contracts": "", "visibility": "own",
                "profile_id": "default"}


@dataclasses.dataclass
class AccessView:
    user_id: int
    full_name: str
    email: str
    active: bool
    rights: str
    visibility: str
    profile: str
    invitation: str
    invitation_color: str
    can_resend: bool


class AccessesTab(CardTab, Dialogs, CustomerCardState):

    access_rows: list[AccessView] = []
    access_values: dict[str, str] = {}
    access_errors: dict[str, str] = {}
    access_key: int = 0
    profile_options: list[list[str]] = []
    _editing_access: int | None = None


    def _fetch(self, actor: Actor) -> None:
        with session_scope() as session:
            rows = portal_accesses.list_accesses(session=session, actor=actor, customer_id=self.customer_id)
            profiles = portal_profiles.list_profiles(session=session, actor=actor)
        names = {p.id: p.name for p in profiles}
        default_name = next((p.name for p in profiles if p.is_default), "")
        self.profile_options = [["default", t("accesses.default_profile", self.lang, name=default_name)]] + [
            [str(p.id), p.name] for p in profiles if not p.is_default]
        views = []
        for r in rows:
            rights = [t(key, self.lang) for flag, key in (
                (r.receives_reminders, "accesses.short.reminders"), (r.receives_signed_sheets, "accesses.short.sheets"),
                (r.may_see_contracts, "accesses.short.contracts")) if flag]
            invitation = t(f"accesses.invitation.{r.invitation}", self.lang,
                           date=format_datetime(r.invited_at, self.lang))
            views.append(AccessView(
                user_id=r.user_id, full_name=r.full_name, email=r.email, active=r.active, rights=", ".join(rights),
                visibility=t(f"accesses.visibility.{r.visibility}", self.lang),
                profile=names.get(r.profile_id, default_name), invitation=invitation,
                invitation_color=INVITATION_COLORS[r.invitation],
                can_resend=r.active and r.invitation != "accepted",
            ))
        self.access_rows = views

    @guarded(Perm.CUSTOMERS_WRITE)
    def new_access(self, actor: Actor):
        if not self._current():
            return
        self._editing_access = None
        self._open_access(dict(EMPTY_ACCESS))

    @guarded(Perm.CUSTOMERS_WRITE)
    def edit_access(self, actor: Actor, user_id: int):
        wanted = parse_id(user_id)
        if wanted is None or not self._current():
            return
        with session_scope() as session:
            rows = portal_accesses.list_accesses(session=session, actor=actor, customer_id=self.customer_id)
        row = next((r for r in rows if r.user_id == wanted), None)
        if row is None:
            return
        self._editing_access = row.user_id
        on = {True: "on", False: ""}
        self._open_access({
            "full_name": row.full_name, "email": row.email, "language": row.language, "active": on[row.active],
            "receives_reminders": on[row.receives_reminders], "receives_signed_sheets": on[row.receives_signed_sheets],
            "may_see_contracts": on[row.may_see_contracts], "visibility": row.visibility,
            "profile_id": str(row.profile_id) if row.profile_id else "default",
        })

    def _open_access(self, values: dict[str, str]) -> None:
        self.access_values, self.access_errors = values, {}
        self.access_key += 1
        self._open_dialog("access")

    @guarded(Perm.CUSTOMERS_WRITE)
    def save_access(self, actor: Actor, form_data: dict):
        if not self._current() or not self._is_open("access"):
            return None
        form = form_data if isinstance(form_data, dict) else {}
        raw = {name: form.get(name) for name in EMPTY_ACCESS}
        self.access_values = AccessInput.echo(raw)
        try:
            with session_scope(write=True) as session:
                saved = portal_accesses.save_access(session=session, actor=actor, customer_id=self.customer_id,
                                                    raw=raw, user_id=self._editing_access)
        except DomainError as error:
            self.access_errors = field_messages(error, self.lang)
            return None
        self.access_errors = {}
        self._close_dialog("access")
        self._fetch(actor)
        message = t("accesses.invited", self.lang, email=saved.email) if saved.invited else \
            t("accesses.saved", self.lang)
        return rx.toast.success(message)

    @guarded(Perm.CUSTOMERS_WRITE)
    def resend_invitation(self, actor: Actor, user_id: int):
        wanted = parse_id(user_id)
        row = next((r for r in self.access_rows if r.user_id == wanted), None)
        if row is None or not self._current():
            return None
        try:
            with session_scope(write=True) as session:
                portal_accesses.resend_invitation(session=session, actor=actor, customer_id=self.customer_id,
                                                  user_id=row.user_id)
        except DomainError as error:
            return rx.toast.error(t(error.message_key, self.lang))
        self._fetch(actor)
        return rx.toast.success(t("accesses.resent", self.lang, email=row.email))


register_tab("accesses", AccessesTab.load)
