"""Who is asking, declared once per event handler.

Every public method of a state is an event handler the browser may call with any arguments, so
each one says who may call it with one of three declarations, and a test holds the whole app to it:

- `@guarded(Perm.X, module=..., page=...)`: resolves the signed-in user, checks the permission (and,
  in the reserved area, that the user's profile shows the module) before the body runs, and runs a
  synchronous body in a worker thread: a database lock wait or a slow query never stalls the other
  users of this worker. The body receives the `actor` as its first argument after `self`.
- `@public`: sign-in pages and the language switch; no user needed, the body still runs off the loop.
- `@ui_only`: changes only what this tab shows (a dialog closing); it reads and writes no data.

A guarded or public body receives its arguments with every text cleaned (`clean_arguments`: no NUL, lone
surrogate or noncharacter reaches a query or the state sent back to the browser), and is not run at all
when the arguments do not fit its signature.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import inspect
from collections.abc import Callable
from typing import Any

import reflex as rx
from reflex_base.event import BACKGROUND_TASK_MARKER
from starlette.requests import cookie_parser

from app.api.session import SIGN_OUT_PATH
from app.db import session_scope
from app.domain.errors import DomainError
from app.domain.inputs import clean_arguments
from app.domain.permissions import Actor, Perm, Role, has_perm, home_path, require
from app.domain.portal_modules import MODULES
from app.domain.throttle import client_address
from app.i18n import normalize_language, t
from app.services import auth, change_requests, portal_profiles
from app.services.auth import LANGUAGE_COOKIE, SESSION_COOKIE
from app.services.security import token_hash
from app.services.users import set_language
from app.settings import get_settings

# Behind HTTPS the cookies this app sets never travel over plain HTTP.
SECURE_COOKIES = get_settings().public_base_url.startswith("https://")


# Stands for the permission a list state names in `list_permission` (its paging handlers are shared).
LIST_PERMISSION = "list_permission"


@dataclasses.dataclass(frozen=True)
class Guard:
    """What a handler declares about who may call it."""

    perm: Perm | str
    # A reserved-area module the user's profile must show (reminders, support...).
    module: str | None = None
    # A page load: a visitor who may not be here is sent where they belong instead of refused.
    page: bool = False


async def off_the_loop(fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """Runs blocking work in a worker thread. A cancelled event (a newer navigation supersedes it) still
    waits for its thread: the thread changes this tab's state, and must be done before the state's lock
    is released to the next event, or it would write into what that event shows."""
    work = asyncio.ensure_future(asyncio.to_thread(fn, *args, **kwargs))
    try:
        return await asyncio.shield(work)
    except asyncio.CancelledError:
        await asyncio.wait({work})
        raise


def _without_actor(fn: Callable) -> inspect.Signature:
    """The signature the browser sees: the actor is never an argument it can send."""
    signature = inspect.signature(fn)
    this, actor, *rest = signature.parameters.values()
    if actor.name != "actor":
        raise TypeError(f"{fn.__qualname__}: a guarded handler takes `actor` right after `self`")
    return signature.replace(parameters=[this, *rest])


def _accepts(signature: inspect.Signature, args: tuple, kwargs: dict) -> bool:
    try:
        signature.bind(None, *args, **kwargs)
    except TypeError:
        return False
    return True


def guarded(perm: Perm | str, *, module: str | None = None, page: bool = False) -> Callable:
    guard = Guard(perm, module, page)

    def decorate(fn: Callable) -> Callable:
        signature = _without_actor(fn)
        async def admit(self, args: tuple, kwargs: dict) -> Actor | rx.event.EventSpec | None:  # noqa: ANN001
            if not _accepts(signature, args, kwargs):
                return None
            if getattr(handler, BACKGROUND_TASK_MARKER, False):
                # A background event holds no lock on the state: the guard takes it to check and to show
                # who is signed in, before the body runs; the body takes it again for each update.
                async with self:
                    return await self._admit(guard)
            return await self._admit(guard)

        if inspect.isasyncgenfunction(fn):
            async def handler(self, *args, **kwargs):  # noqa: ANN001, ANN202
                args, kwargs = clean_arguments(args), clean_arguments(kwargs)
                admitted = await admit(self, args, kwargs)
                if not isinstance(admitted, Actor):
                    yield admitted
                    return
                async for update in fn(self, admitted, *args, **kwargs):
                    yield update
        elif inspect.iscoroutinefunction(fn):
            # The body awaits its own blocking work (it reads an upload first, for example), or is a background
            # event (`@rx.event(background=True)` above `@guarded`) that updates the state under `async with self`.
            async def handler(self, *args, **kwargs):  # noqa: ANN001, ANN202
                args, kwargs = clean_arguments(args), clean_arguments(kwargs)
                admitted = await admit(self, args, kwargs)
                if not isinstance(admitted, Actor):
                    return admitted
                return await fn(self, admitted, *args, **kwargs)
        else:
            async def handler(self, *args, **kwargs):  # noqa: ANN001, ANN202
                args, kwargs = clean_arguments(args), clean_arguments(kwargs)
                admitted = await admit(self, args, kwargs)
                if not isinstance(admitted, Actor):
                    return admitted
                return await off_the_loop(fn, self, admitted, *args, **kwargs)
        functools.update_wrapper(handler, fn)
        handler.__signature__ = signature
        handler.__annotations__ = {k: v for k, v in fn.__annotations__.items() if k != "actor"}
        handler.guard = guard
        return handler

    return decorate


def public(fn: Callable) -> Callable:
    """A handler anyone may call without signing in."""
    signature = inspect.signature(fn)
    if inspect.isasyncgenfunction(fn):
        async def handler(self, *args, **kwargs):  # noqa: ANN001, ANN202
            args, kwargs = clean_arguments(args), clean_arguments(kwargs)
            if not _accepts(signature, args, kwargs):
                return
            async for update in fn(self, *args, **kwargs):
                yield update
    elif inspect.iscoroutinefunction(fn):
        async def handler(self, *args, **kwargs):  # noqa: ANN001, ANN202
            args, kwargs = clean_arguments(args), clean_arguments(kwargs)
            if not _accepts(signature, args, kwargs):
                return None
            return await fn(self, *args, **kwargs)
    else:
        async def handler(self, *args, **kwargs):  # noqa: ANN001, ANN202
            args, kwargs = clean_arguments(args), clean_arguments(kwargs)
            if not _accepts(signature, args, kwargs):
                return None
            return await off_the_loop(fn, self, *args, **kwargs)
    functools.update_wrapper(handler, fn)
    handler.public = True
    return handler


def ui_only(fn: Callable) -> Callable:
    """A handler that only changes what this browser tab shows; it must not read or write data."""
    fn.ui_only = True
    return fn


def start_over(expired: bool = False) -> rx.event.EventSpec:
    """Back to the sign-in page with a new tab state: the backend ends the session and clears its cookie
    (HttpOnly: no script can), and the browser forgets the id of this tab's state, so nothing the previous
    user saw (messages, customers, links) is ever sent to it again."""
    target = "/login?expired=1" if expired else "/login"
    return rx.call_script(
        f"fetch('{SIGN_OUT_PATH}',{{method:'POST',credentials:'same-origin'}}).catch(()=>null).finally(()=>{{"
        f"window.sessionStorage.removeItem('token');window.location.replace('{target}');}})"
    )


def session_cookie(cookie_header: object) -> str:
    """The session token among the cookies a request carried ("" without one)."""
    return cookie_parser(cookie_header).get(SESSION_COOKIE, "") if isinstance(cookie_header, str) else ""


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
    lang: str = rx.Cookie("it", name=LANGUAGE_COOKIE, same_site="lax", max_age=365 * 24 * 3600)

    # What the shell shows about the signed-in user: never more than this reaches the browser.
    user_name: str = ""
    user_role: str = ""
    can_read_outbox: bool = False
    can_manage_users: bool = False
    can_decide_requests: bool = False
    can_manage_settings: bool = False
    can_answer_tickets: bool = False
    can_manage_credit: bool = False
    # Customer requests waiting for a decision, counted at each page load for the navigation badge.
    open_requests: int = 0
    # A reserved-area user's modules, in their profile's order.
    portal_links: list[PortalLink] = []
    # Set when the visitor picks a language on the sign-in page: that choice then wins over the saved one.
    language_chosen: bool = False
    # The session (a hash of its token) this tab's state was last filled for: a tab whose socket comes with
    # another cookie, or none, must not be sent what that session saw (calls.TieStateToSession).
    _shown_for: str = ""

    def _session_token(self) -> str:
        """The session token the browser sent with this tab's websocket: read at each event from the socket's
        opening request, never kept in the state, and never sent back to the page."""
        return session_cookie(self.router.headers.cookie) if self.router else ""

    def _client(self) -> str:
        """The address of the browser this tab's socket comes from (or that a trusted proxy reports)."""
        headers = self.router.headers.raw_headers if self.router else {}
        return client_address(headers.get("asgi-scope-client"), headers.get("x-forwarded-for"),
                              get_settings().trusted_proxies)

    def _current_actor(self) -> Actor | None:
        token = self._session_token()
        with session_scope() as session:
            actor = auth.resolve_session(session=session, token=token)
        self._remember_session(token if actor is not None else "")
        return actor

    def _remember_session(self, token: str) -> None:
        self._shown_for = token_hash(token) if token else ""

    def _show(self, actor: Actor | None) -> None:
        shown = {
            "user_name": actor.name if actor else "",
            "user_role": actor.role.value if actor else "",
            "can_read_outbox": has_perm(actor, Perm.OUTBOX_READ),
            "can_manage_users": has_perm(actor, Perm.USERS_MANAGE),
            "can_decide_requests": has_perm(actor, Perm.CHANGES_DECIDE),
            "can_manage_settings": has_perm(actor, Perm.SETTINGS_MANAGE),
            "can_answer_tickets": has_perm(actor, Perm.TICKETS_ANSWER),
            "can_manage_credit": has_perm(actor, Perm.BLOCKS_MANAGE),
        }
        for name, value in shown.items():
            # Every event passes here: a var assigned its own value would still be sent to the browser again,
            # with the greetings computed from it, on every key typed.
            if getattr(self, name) != value:
                setattr(self, name, value)

    async def _admit(self, guard: Guard) -> Actor | rx.event.EventSpec:
        return await off_the_loop(self._check, guard)

    def _check(self, guard: Guard) -> Actor | rx.event.EventSpec:
        """The actor a guarded handler runs for: one transaction resolves the session and, for a page,
        reads what the shell shows. A refused handler raises (the app answers it); a refused page
        load sends the visitor where they belong."""
        if guard.perm == LIST_PERMISSION:
            guard = dataclasses.replace(guard, perm=type(self).list_permission)
        token = self._session_token()
        with session_scope() as session:
            actor = auth.resolve_session(session=session, token=token)
            self._remember_session(token if actor is not None else "")
            self._show(actor)
            if guard.page and actor is not None and has_perm(actor, guard.perm):
                self._read_shell(session, actor)
            elif not guard.page and guard.module and has_perm(actor, guard.perm):
                try:
                    portal_profiles.require_module(session=session, actor=actor, module=guard.module)
                except DomainError as error:
                    error.lang = self.lang
                    raise
        if guard.page:
            if actor is None:
                return start_over(expired=bool(token))
            if not has_perm(actor, guard.perm):
                return rx.redirect(home_path(actor.role))
            if guard.module and guard.module not in {link.key for link in self.portal_links}:
                return rx.redirect("/portal")
            return actor
        try:
            return require(actor, guard.perm)
        except DomainError as error:
            error.lang = self.lang
            raise

    def _read_shell(self, session: Any, actor: Actor) -> None:
        self.open_requests = (change_requests.count_open_requests(session=session, actor=actor)
                              if self.can_decide_requests else 0)
        if actor.role is Role.CUSTOMER:
            modules = portal_profiles.modules_for(session=session, actor=actor)
            self.portal_links = [
                PortalLink(m, t(f"module.{m}", self.lang), MODULES[m], t(f"module.{m}.help", self.lang))
                for m in modules
            ]

    def _count_open_requests(self, actor: Actor) -> None:
        if not self.can_decide_requests:
            self.open_requests = 0
            return
        with session_scope() as session:
            self.open_requests = change_requests.count_open_requests(session=session, actor=actor)

    @rx.var
    def role_label(self) -> str:
        return t(f"role.{self.user_role}", self.lang) if self.user_role else ""

    @guarded(Perm.OFFICE_ACCESS, page=True)
    def enter_office(self, actor: Actor):
        return None

    @guarded(Perm.FIELD_ACCESS, page=True)
    def enter_field(self, actor: Actor):
        return None

    @guarded(Perm.PORTAL_ACCESS, page=True)
    def enter_portal(self, actor: Actor):
        return None

    @guarded(Perm.OWN_ACCOUNT, page=True)
    def enter_account(self, actor: Actor):
        return None

    @public
    def switch_language(self, lang: str):
        """Changes the interface language; a signed-in user's choice is saved on their account."""
        self.lang = normalize_language(lang)
        self.language_chosen = True
        actor = self._current_actor()
        if actor is not None:
            with session_scope(write=True) as session:
                set_language(session=session, actor=actor, language=self.lang)
