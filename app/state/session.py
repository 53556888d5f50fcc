"""Who is asking. Every event handler of every state goes through `_authorize` or `_enter`,
or is marked `@public` (sign-in, language switch): a test holds the whole app to that."""

from __future__ import annotations

import dataclasses

import reflex as rx

from app.db import session_scope
from app.domain.errors import DomainError
from app.domain.permissions import Actor, Perm, Role, has_perm, home_path, require
from app.domain.portal_modules import MODULES
from app.i18n import normalize_language, t
from app.services import auth, change_requests, portal_profiles
from app.services.auth import LANGUAGE_COOKIE, SESSION_COOKIE
from app.services.users import set_language
from app.settings import get_settings

# Behind HTTPS the session cookie never travels over plain HTTP.
SECURE_COOKIES = get_settings().public_base_url.startswith("https://")


def public(handler):  # noqa: ANN001, ANN201
    """Marks an event handler that anyone may call without signing in."""
    handler._public_handler = True
    return handler


def start_over(expired: bool = False) -> rx.event.EventSpec:
    """Back to the sign-in page with a new tab state: the browser forgets the id of this tab's
    state, so nothing the previous user saw (messages, customers, links) is ever sent to it again."""
    target = "/login?expired=1" if expired else "/login"
    return rx.call_script(
        f"document.cookie='{SESSION_COOKIE}=; Max-Age=0; path=/; SameSite=Strict';"
        f"window.sessionStorage.removeItem('token');window.location.replace('{target}');"
    )


def field_messages(error: DomainError, lang: str) -> dict[str, str]:
    """A service's refusal as text per form field ("" for the whole form)."""
    return {name: t(key, lang, **error.params) for name, key in error.errors.items()}


@dataclasses.dataclass
class PortalLink:
    key: str
    label: str
    href: str
    help: str


class SessionState(rx.State):
    session_token: str = rx.Cookie(
        "", name=SESSION_COOKIE, same_site="strict", max_age=7 * 24 * 3600, secure=SECURE_COOKIES
    )
    lang: str = rx.Cookie("it", name=LANGUAGE_COOKIE, same_site="lax", max_age=365 * 24 * 3600)

    # What the shell shows about the signed-in user: never more than this reaches the browser.
    user_name: str = ""
    user_role: str = ""
    can_read_outbox: bool = False
    can_manage_users: bool = False
    can_decide_requests: bool = False
    can_manage_settings: bool = False
    can_answer_tickets: bool = False
    # Customer requests waiting for a decision, counted at each page load for the navigation badge.
    open_requests: int = 0
    # A reserved-area user's modules, in their profile's order.
    portal_links: list[PortalLink] = []
    # Set when the visitor picks a language on the sign-in page: that choice then wins over the saved one.
    _language_chosen: bool = False

    def _current_actor(self) -> Actor | None:
        with session_scope() as session:
            return auth.resolve_session(session=session, token=self.session_token)

    def _show(self, actor: Actor | None) -> None:
        self.user_name = actor.name if actor else ""
        self.user_role = actor.role.value if actor else ""
        self.can_read_outbox = has_perm(actor, Perm.OUTBOX_READ)
        self.can_manage_users = has_perm(actor, Perm.USERS_MANAGE)
        self.can_decide_requests = has_perm(actor, Perm.CHANGES_DECIDE)
        self.can_manage_settings = has_perm(actor, Perm.SETTINGS_MANAGE)
        self.can_answer_tickets = has_perm(actor, Perm.TICKETS_ANSWER)

    def _authorize(self, perm: Perm) -> Actor:
        """The actor for a data-touching handler; raises (and the app answers) when not allowed."""
        actor = self._current_actor()
        self._show(actor)
        try:
            return require(actor, perm)
        except DomainError as error:
            error.lang = self.lang
            if actor is None:
                self.session_token = ""
            raise

    def _enter(self, perm: Perm) -> Actor | rx.event.EventSpec:
        """For page loads: the actor, or where to send a visitor who may not be here."""
        actor = self._current_actor()
        self._show(actor)
        if actor is None:
            expired = bool(self.session_token)
            self.session_token = ""
            return start_over(expired=expired)
        if not has_perm(actor, perm):
            return rx.redirect(home_path(actor.role))
        self._count_open_requests(actor)
        if actor.role is Role.CUSTOMER:
            with session_scope() as session:
                modules = portal_profiles.modules_for(session=session, actor=actor)
            self.portal_links = [
                PortalLink(m, t(f"module.{m}", self.lang), MODULES[m], t(f"module.{m}.help", self.lang))
                for m in modules
            ]
        return actor

    def _enter_module(self, module: str) -> Actor | rx.event.EventSpec:
        """A reserved-area page: the actor, or back home when the profile does not show the module."""
        actor = self._enter(Perm.PORTAL_ACCESS)
        if not isinstance(actor, Actor):
            return actor
        if module not in {link.key for link in self.portal_links}:
            return rx.redirect("/portal")
        return actor

    def _authorize_module(self, perm: Perm, module: str) -> Actor:
        """A reserved-area handler: the permission, and the module in the user's profile."""
        actor = self._authorize(perm)
        with session_scope() as session:
            return portal_profiles.require_module(session=session, actor=actor, module=module)

    def _count_open_requests(self, actor: Actor) -> None:
        if not self.can_decide_requests:
            self.open_requests = 0
            return
        with session_scope() as session:
            self.open_requests = change_requests.count_open_requests(session=session, actor=actor)

    @rx.var
    def role_label(self) -> str:
        return t(f"role.{self.user_role}", self.lang) if self.user_role else ""

    @public
    @rx.event
    def enter_office(self):
        actor = self._enter(Perm.OFFICE_ACCESS)
        return None if isinstance(actor, Actor) else actor

    @public
    @rx.event
    def enter_field(self):
        actor = self._enter(Perm.FIELD_ACCESS)
        return None if isinstance(actor, Actor) else actor

    @public
    @rx.event
    def enter_portal(self):
        actor = self._enter(Perm.PORTAL_ACCESS)
        return None if isinstance(actor, Actor) else actor

    @public
    @rx.event
    def enter_account(self):
        actor = self._enter(Perm.OWN_ACCOUNT)
        return None if isinstance(actor, Actor) else actor

    @public
    @rx.event
    def switch_language(self, lang: str):
        """Changes the interface language; a signed-in user's choice is saved on their account."""
        self.lang = normalize_language(lang)
        self._language_chosen = True
        actor = self._current_actor()
        if actor is not None:
            with session_scope(write=True) as session:
                set_language(session=session, actor=actor, language=self.lang)

    @public
    @rx.event
    def logout(self):
        with session_scope(write=True) as session:
            auth.logout(session=session, token=self.session_token)
        self.session_token = ""
        self._show(None)
        return start_over()

