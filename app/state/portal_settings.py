"""Office settings for the reserved area: who receives support requests, and the profiles that
choose which sections a customer's user sees and in what order."""

from __future__ import annotations

import dataclasses

import reflex as rx

from app.db import session_scope
from app.domain.errors import DomainError
from app.domain.ids import parse_id
from app.domain.inputs import ProfileInput
from app.domain.permissions import Actor, Perm
from app.domain.portal_modules import MODULES
from app.i18n import t
from app.services import customers, portal_profiles, tickets
from app.state.dialogs import Dialogs
from app.state.session import SessionState, field_messages, guarded


@dataclasses.dataclass
class ProfileView:
    id: int
    code: str
    name: str
    modules: str
    is_default: bool


@dataclasses.dataclass
class ModuleChoice:
    key: str
    label: str
    included: bool


class PortalSettingsState(Dialogs, SessionState):
    assignee: str = ""
    assignee_options: list[list[str]] = []
    profile_rows: list[ProfileView] = []
    profile_values: dict[str, str] = {}
    profile_errors: dict[str, str] = {}
    profile_key: int = 0
    module_choices: list[ModuleChoice] = []
    _editing_profile: int | None = None

    @guarded(Perm.SETTINGS_MANAGE, page=True)
    def load_portal_settings(self, actor: Actor):
        self._load(actor)

    def _load(self, actor: Actor) -> None:
        with session_scope() as session:
            staff = customers.staff_choices(session=session, actor=actor)
            current = tickets.ticket_assignee(session)
            profiles = portal_profiles.list_profiles(session=session, actor=actor)
        self.assignee_options = [[str(i), name] for i, name in staff]
        self.assignee = str(current.id) if current else ""
        self.profile_rows = [
            ProfileView(p.id, p.code, p.name, " → ".join(t(f"module.{m}", self.lang) for m in p.modules), p.is_default)
            for p in profiles
        ]

    @guarded(Perm.SETTINGS_MANAGE)
    def set_assignee(self, actor: Actor, value: str):
        user_id = parse_id(value)
        try:
            with session_scope(write=True) as session:
                tickets.set_ticket_assignee(session=session, actor=actor, user_id=user_id)
        except DomainError as error:
            return rx.toast.error(t(error.message_key, self.lang))
        self._load(actor)
        return rx.toast.success(t("settings.saved", self.lang))

    @guarded(Perm.SETTINGS_MANAGE)
    def new_profile(self, actor: Actor):
        self._editing_profile = None
        self._open_profile({"code": "", "name": "", "is_default": ""}, [])

    @guarded(Perm.SETTINGS_MANAGE)
    def edit_profile(self, actor: Actor, profile_id: int):
        with session_scope() as session:
            profile = next((p for p in portal_profiles.list_profiles(session=session, actor=actor)
                            if p.id == parse_id(profile_id)), None)
        if profile is None:
            return
        self._editing_profile = profile.id
        self._open_profile({"code": profile.code, "name": profile.name, "is_default": "on" if profile.is_default
                            else ""}, list(profile.modules))

    def _open_profile(self, values: dict[str, str], modules: list[str]) -> None:
        rest = [m for m in MODULES if m not in modules]
        self.module_choices = [ModuleChoice(m, t(f"module.{m}", self.lang), m in modules) for m in [*modules, *rest]]
        self.profile_values, self.profile_errors = values, {}
        self.profile_key += 1
        self._open_dialog("profile")

    @guarded(Perm.SETTINGS_MANAGE)
    def toggle_module(self, actor: Actor, key: str):
        self.module_choices = [dataclasses.replace(m, included=not m.included) if m.key == key else m
                               for m in self.module_choices]

    @guarded(Perm.SETTINGS_MANAGE)
    def move_module(self, actor: Actor, key: str, step: int):
        keys = [m.key for m in self.module_choices]
        if key not in keys or step not in (-1, 1):
            return
        i = keys.index(key)
        j = i + step
        if 0 <= j < len(keys):
            choices = list(self.module_choices)
            choices[i], choices[j] = choices[j], choices[i]
            self.module_choices = choices


    @guarded(Perm.SETTINGS_MANAGE)
    def save_profile(self, actor: Actor, form_data: dict):
        form = form_data if isinstance(form_data, dict) else {}
        raw = {"code": form.get("code"), "name": form.get("name"), "is_default": form.get("is_default"),
               "modules": [m.key for m in self.module_choices if m.included]}
        self.profile_values = {k: v for k, v in ProfileInput.echo(form).items() if k != "modules"}
        try:
            with session_scope(write=True) as session:
                portal_profiles.save_profile(session=session, actor=actor, raw=raw,
                                             profile_id=self._editing_profile)
        except DomainError as error:
            self.profile_errors = field_messages(error, self.lang)
            return None
        self._close_dialog("profile")
        self._load(actor)
        return rx.toast.success(t("settings.saved", self.lang))
