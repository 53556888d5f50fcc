"""Office settings: the e-mail templates, reworded per language."""

from __future__ import annotations

import reflex as rx

from app.db import session_scope
from app.domain.errors import DomainError
from app.domain.ids import parse_choice
from app.domain.mail_templates import TEMPLATES
from app.domain.permissions import Actor, Perm
from app.i18n import LANGUAGES, t
from app.services import mail_templates
from app.state.session import SessionState, field_messages, guarded


class MailTemplatesState(SessionState):
    template_key: str = "invite"
    template_lang: str = "it"
    template_subject: str = ""
    template_body: str = ""
    template_placeholders: str = ""
    template_custom: bool = False
    template_errors: dict[str, str] = {}
    template_form_key: int = 0

    @rx.var
    def template_options(self) -> list[list[str]]:
        return [[key, t(f"templates.name.{key}", self.lang)] for key in TEMPLATES]

    @guarded(Perm.SETTINGS_MANAGE, page=True)
    def load_templates(self, actor: Actor):
        self._show_template(actor)

    def _show_template(self, actor: Actor) -> None:
        with session_scope() as session:
            text = mail_templates.read_template(session=session, actor=actor, key=self.template_key,
                                                lang=self.template_lang)
        self.template_subject, self.template_body = text.subject, text.body
        self.template_placeholders = t("templates.placeholders", self.lang,
                                       names=", ".join("{" + p + "}" for p in text.placeholders))
        self.template_custom, self.template_errors = text.customized, {}
        self.template_form_key += 1

    @guarded(Perm.SETTINGS_MANAGE)
    def pick_template(self, actor: Actor, key: str):
        self.template_key = parse_choice(key, tuple(TEMPLATES)) or "invite"
        self._show_template(actor)

    @guarded(Perm.SETTINGS_MANAGE)
    def pick_language(self, actor: Actor, lang: str | list[str]):
        self.template_lang = parse_choice(lang, LANGUAGES) or "it"
        self._show_template(actor)

    @guarded(Perm.SETTINGS_MANAGE)
    def save_template(self, actor: Actor, form_data: dict):
        form = form_data if isinstance(form_data, dict) else {}
        self.template_subject = str(form.get("subject") or "")
        self.template_body = str(form.get("body") or "")
        try:
            with session_scope(write=True) as session:
                mail_templates.save_template(session=session, actor=actor, key=self.template_key,
                                             lang=self.template_lang, subject=form.get("subject"),
                                             body=form.get("body"))
        except DomainError as error:
            self.template_errors = field_messages(error, self.lang)
            return None
        self._show_template(actor)
        return rx.toast.success(t("templates.saved", self.lang))

    @guarded(Perm.SETTINGS_MANAGE)
    def reset_template(self, actor: Actor):
        with session_scope(write=True) as session:
            mail_templates.reset_template(session=session, actor=actor, key=self.template_key,
                                          lang=self.template_lang)
        self._show_template(actor)
        return rx.toast.success(t("templates.reset_done", self.lang))
