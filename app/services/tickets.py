"""Support requests: opened and followed from the reserved area, assigned to the staff user the
portal settings name, answered by the office; each step is a movement and, where due, an e-mail."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.domain.errors import DomainError, Forbidden
from app.domain.inputs import ReplyInput, TicketInput, check_text
from app.domain.permissions import STAFF_ROLES, Actor, Perm, Role, has_perm, require
from app.domain.vocabularies import CreditAction, Effect, TicketStatus
from app.i18n import N_, normalize_language, t
from app.models import AppSetting, Attachment, Customer, PortalAccess, Ticket, TicketMessage, User
from app.models.base import utcnow
from app.services import blocks, documents, mail_rate, mail_templates, movements, outbox
from app.services.documents import StoredFile
from app.services.lists import COUNT_CAP, CappedCount, capped_count
from app.settings import get_settings

ASSIGNEE_SETTING = "portal.ticket_assignee"
STATUSES = TicketStatus.values()
MAX_FILES = 5  # per message: a thread is a conversation, not a file share


# Who receives new requests ----------------------------------------------------------------


def ticket_assignee(session: Session) -> User | None:
    """The staff user named in the portal settings, else the first active administrator."""
    setting = session.get(AppSetting, ASSIGNEE_SETTING)
    user = session.get(User, int(setting.value)) if setting and setting.value.isdigit() else None
    if user is not None and user.is_active and Role(user.role) in STAFF_ROLES:
        return user
    return session.exec(select(User).where(User.role == Role.ADMIN.value, col(User.is_active))
                        .order_by(User.id)).first()


def set_ticket_assignee(*, session: Session, actor: Actor, user_id: int) -> None:
    require(actor, Perm.SETTINGS_MANAGE)
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active or Role(user.role) not in STAFF_ROLES:
        raise DomainError({"assignee": "tickets.err.assignee"})
    setting = session.get(AppSetting, ASSIGNEE_SETTING) or AppSetting(key=ASSIGNEE_SETTING, value="")
    setting.value, setting.updated_at, setting.updated_by_user_id = str(user.id), utcnow(), actor.user_id
    session.add(setting)


# The reserved area ------------------------------------------------------------------------


def _sees_whole_company(session: Session, actor: Actor) -> bool:
    access = session.get(PortalAccess, actor.user_id)
    return access is not None and access.visibility == "company"


def _visible_ticket(session: Session, actor: Actor, ticket_id: object) -> Ticket:
    """A ticket the actor may see: staff any; a customer user their company's, or only the ones
    they opened when their visibility is "own"."""
    ticket = session.get(Ticket, ticket_id) if isinstance(ticket_id, int) and not isinstance(ticket_id, bool) \
        else None
    if ticket is None:
        raise DomainError("tickets.not_found")
    if actor.role is Role.CUSTOMER:
        require(actor, Perm.PORTAL_ACCESS)
        mine = ticket.opened_by_user_id == actor.user_id
        if ticket.customer_id != actor.customer_id or not (mine or _sees_whole_company(session, actor)):
            raise DomainError("tickets.not_found")  # the same answer as for a ticket that does not exist
    else:
        require(actor, Perm.TICKETS_ANSWER)
    return ticket


def opening_refusal(*, session: Session, actor: Actor) -> str | None:
    """Why the user's company may not open support requests now (a message key), or None."""
    require(actor, Perm.PORTAL_ACCESS)
    if blocks.effect_for(session, actor.customer_id, CreditAction.NEW_TICKET) is Effect.REFUSE:
        return blocks.REFUSALS[CreditAction.NEW_TICKET]
    return None


def open_ticket(
    *, session: Session, actor: Actor, raw: TicketInput | Mapping, files: Sequence[StoredFile] = (),
) -> Ticket:
    require(actor, Perm.PORTAL_ACCESS)
    blocks.require_allowed(session, actor.customer_id, CreditAction.NEW_TICKET)
    data, errors = TicketInput.read(raw)
    subject, body = data.subject, data.body
    check_text(subject, "subject", 200, errors, required=True)
    check_text(body, "body", 10_000, errors, required=True)
    _check_files(files, errors)
    if errors:
        raise DomainError(errors, max=MAX_FILES)
    mail_rate.require_mail_allowance(session=session, actor=actor)
    assignee = ticket_assignee(session)
    ticket = Ticket(customer_id=actor.customer_id, opened_by_user_id=actor.user_id, subject=subject,
                    assigned_user_id=assignee.id if assignee else None)
    session.add(ticket)
    session.flush()
    first = TicketMessage(ticket_id=ticket.id, author_user_id=actor.user_id, author_name=actor.name, body=body)
    session.add(first)
    session.flush()
    movements.record(session=session, customer_id=actor.customer_id, actor=actor, source="portal",
                     kind="ticket.opened", summary=f"#{ticket.id} {subject}")
    _attach(session, actor, ticket, first, files)
    if assignee is not None:
        _tell_staff(session, ticket, first, assignee, "new")
    session.flush()
    return ticket


def reply(
    *, session: Session, actor: Actor, ticket_id: int, body: object, files: Sequence[StoredFile] = (),
) -> TicketMessage:
    """A message in the thread: from the customer it reopens the request; from the office it answers."""
    ticket = _visible_ticket(session, actor, ticket_id)
    data, errors = ReplyInput.read({"body": body})
    text = data.body
    check_text(text, "body", 10_000, errors, required=True)
    _check_files(files, errors)
    if errors:
        raise DomainError(errors, max=MAX_FILES)
    if ticket.status == "closed":
        raise DomainError("tickets.closed")
    mail_rate.require_mail_allowance(session=session, actor=actor)
    from_office = actor.is_staff
    message = TicketMessage(ticket_id=ticket.id, author_user_id=actor.user_id, author_name=actor.name,
                            from_office=from_office, body=text)
    ticket.status, ticket.updated_at = ("answered" if from_office else "open"), utcnow()
    session.add_all([message, ticket])
    session.flush()
    movements.record(session=session, customer_id=ticket.customer_id, actor=actor,
                     source="office" if from_office else "portal",
                     kind="ticket.answered" if from_office else "ticket.replied", summary=f"#{ticket.id}")
    _attach(session, actor, ticket, message, files)
    if from_office:
        _tell_customer(session, ticket, message)
    else:
        assignee = session.get(User, ticket.assigned_user_id) if ticket.assigned_user_id else None
        if assignee is not None and assignee.is_active:
            _tell_staff(session, ticket, message, assignee, "reply")
    session.flush()
    return message


def plannable_tickets(*, session: Session, actor: Actor, customer_id: int, limit: int = 50) -> list[tuple[int, str]]:
    """The customer's support requests still open, newest first, that an intervention may be planned from."""
    require(actor, Perm.INTERVENTIONS_PLAN)
    rows = session.exec(select(Ticket.id, Ticket.subject).where(
        Ticket.customer_id == customer_id, Ticket.status != "closed").order_by(col(Ticket.id).desc()).limit(limit))
    return [(ticket_id, subject) for ticket_id, subject in rows]


def may_close(actor: Actor, ticket: Ticket) -> bool:
    """Staff who answer requests close any; a customer user the ones they opened themselves."""
    if ticket.status == "closed":
        return False
    if actor.role is Role.CUSTOMER:
        return ticket.opened_by_user_id == actor.user_id
    return has_perm(actor, Perm.TICKETS_ANSWER)


def close_ticket(*, session: Session, actor: Actor, ticket_id: int) -> None:
    ticket = _visible_ticket(session, actor, ticket_id)
    if not may_close(actor, ticket):
        raise Forbidden() if ticket.status != "closed" else DomainError("tickets.already_closed")
    ticket.status, ticket.updated_at = "closed", utcnow()
    session.add(ticket)
    movements.record(session=session, customer_id=ticket.customer_id, actor=actor,
                     source="portal" if actor.role is Role.CUSTOMER else "office", kind="ticket.closed",
                     summary=f"#{ticket.id}")


# Files on messages ------------------------------------------------------------------------


def stage_file(
    *, session: Session, actor: Actor, ticket_id: int | None, filename: object, data: object,
) -> StoredFile:
    """Checks and stores a file the user is about to send with a message: in the thread of a request
    they may see and that is still open, or (a customer user, `ticket_id` None) with a new request.
    It belongs to nobody until the message is sent; one never sent is cleaned up after an hour."""
    if ticket_id is None:
        require(actor, Perm.PORTAL_ACCESS)
        blocks.require_allowed(session, actor.customer_id, CreditAction.NEW_TICKET)
    else:
        ticket = _visible_ticket(session, actor, ticket_id)
        if ticket.status == "closed":
            raise DomainError("tickets.closed")
    return documents.write_private_file(filename, data)


def _check_files(files: Sequence[StoredFile], errors: dict) -> None:
    if len(files) > MAX_FILES:
        errors["files"] = N_("tickets.err.too_many_files")
    elif any(not isinstance(f, StoredFile) or not documents.still_stored(f) for f in files):
        errors["files"] = N_("tickets.err.file_gone")


def _attach(session: Session, actor: Actor, ticket: Ticket, message: TicketMessage,
            files: Sequence[StoredFile]) -> None:
    for stored in files:
        session.add(documents.attachment_row(stored, customer_id=ticket.customer_id, owner_kind=documents.TICKET_FILE,
                                             owner_id=message.id, actor=actor))
        movements.record(session=session, customer_id=ticket.customer_id, actor=actor,
                         source="office" if actor.is_staff else "portal", kind="attachment.added",
                         summary=f"{stored.name} (#{ticket.id})")
    session.flush()


def require_message_reader(*, session: Session, actor: Actor, message_id: int) -> None:
    """Who may download a message's files: whoever may see its request."""
    message = session.get(TicketMessage, message_id)
    if message is None:
        raise DomainError("documents.not_found")
    try:
        _visible_ticket(session, actor, message.ticket_id)
    except DomainError as error:
        raise DomainError("documents.not_found") from error


# Reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketRow:
    id: int
    customer_id: int
    customer: str
    subject: str
    status: str
    opened_by: str
    assigned_to: str
    updated_at: datetime


@dataclass(frozen=True)
class TicketPage:
    rows: list[TicketRow]
    next_before_id: int | None


TICKET_ORDERS = ("newest", "oldest")  # both read from the id (or status and id) index, either way


def _listed(session: Session, actor: Actor, status: str, *columns):  # noqa: ANN002, ANN202
    query = select(*columns)
    if actor is not None and actor.role is Role.CUSTOMER:
        require(actor, Perm.PORTAL_ACCESS)
        query = query.where(Ticket.customer_id == actor.customer_id)
        if not _sees_whole_company(session, actor):
            query = query.where(Ticket.opened_by_user_id == actor.user_id)
    else:
        require(actor, Perm.TICKETS_ANSWER)
    if status in STATUSES:
        query = query.where(Ticket.status == status)
    return query


def count_tickets(*, session: Session, actor: Actor, status: str = "", cap: int = COUNT_CAP) -> CappedCount:
    return capped_count(session, _listed(session, actor, status, Ticket.id), cap)


def list_tickets(
    *, session: Session, actor: Actor, status: str = "", before_id: int | None = None, limit: int = 25,
    order: str = "newest",
) -> TicketPage:
    """Newest first (or oldest first). Staff see every customer's; a customer user what their visibility
    allows. `before_id` is the cursor of the previous page in either order."""
    limit = max(1, min(int(limit), 100))
    query = _listed(session, actor, status, Ticket, Customer).join(Customer, Customer.id == Ticket.customer_id)
    oldest = order == "oldest"
    if isinstance(before_id, int):
        query = query.where(Ticket.id > before_id if oldest else Ticket.id < before_id)
    found = session.exec(query.order_by(Ticket.id if oldest else col(Ticket.id).desc()).limit(limit + 1)).all()
    names = _user_names(session, {x for t_, _ in found for x in (t_.opened_by_user_id, t_.assigned_user_id) if x})
    rows = [
        TicketRow(t_.id, c.id, c.display_name, t_.subject, t_.status, names.get(t_.opened_by_user_id, ""),
                  names.get(t_.assigned_user_id, ""), t_.updated_at)
        for t_, c in found[:limit]
    ]
    return TicketPage(rows, rows[-1].id if len(found) > limit else None)


def _user_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {u.id: u.full_name for u in session.exec(select(User).where(col(User.id).in_(ids)))}


@dataclass(frozen=True)
class MessageFile:
    id: int
    name: str
    size: int


@dataclass(frozen=True)
class ThreadMessage:
    author: str
    from_office: bool
    body: str
    at: datetime
    files: list[MessageFile]


@dataclass(frozen=True)
class Thread:
    ticket: TicketRow
    messages: list[ThreadMessage]
    can_answer: bool
    can_close: bool


def thread(*, session: Session, actor: Actor, ticket_id: int) -> Thread:
    ticket = _visible_ticket(session, actor, ticket_id)
    customer = session.get(Customer, ticket.customer_id)
    names = _user_names(session, {x for x in (ticket.opened_by_user_id, ticket.assigned_user_id) if x})
    row = TicketRow(ticket.id, customer.id, customer.display_name, ticket.subject, ticket.status,
                    names.get(ticket.opened_by_user_id, ""), names.get(ticket.assigned_user_id, ""),
                    ticket.updated_at)
    found = session.exec(select(TicketMessage).where(TicketMessage.ticket_id == ticket.id)
                         .order_by(TicketMessage.id)).all()
    files: dict[int, list[MessageFile]] = {}
    if found:
        for a in session.exec(select(Attachment).where(Attachment.owner_kind == documents.TICKET_FILE,
                                                       col(Attachment.owner_id).in_([m.id for m in found]))
                              .order_by(Attachment.id)):
            files.setdefault(a.owner_id, []).append(MessageFile(a.id, a.original_name, a.size))
    messages = [ThreadMessage(m.author_name, m.from_office, m.body, m.created_at, files.get(m.id, [])) for m in found]
    return Thread(row, messages, has_perm(actor, Perm.TICKETS_ANSWER), may_close(actor, ticket))


# E-mails ----------------------------------------------------------------------------------


def _tell_staff(session: Session, ticket: Ticket, message: TicketMessage, staff: User, what: str) -> None:
    """Staff are always told: the customer's "block automatic e-mails" is about the customer's users."""
    lang = normalize_language(staff.language)
    customer = session.get(Customer, ticket.customer_id)
    settings = get_settings()
    subject, body = mail_templates.render(
        session, f"ticket_{what}", lang, name=staff.full_name, author=message.author_name,
        customer=customer.display_name, subject=ticket.subject, body=message.body, number=ticket.id,
        link=f"{settings.public_base_url}/office/tickets")
    outbox.enqueue(session=session, dedupe_key=f"ticket-message:{message.id}", to_address=staff.email,
                   subject=subject, body_text=body, kind="ticket")


def _tell_customer(session: Session, ticket: Ticket, message: TicketMessage) -> None:
    customer = session.get(Customer, ticket.customer_id)
    user = session.get(User, ticket.opened_by_user_id) if ticket.opened_by_user_id else None
    if customer.block_automatic_emails or user is None or not user.is_active:
        return
    lang = normalize_language(user.language)
    settings = get_settings()
    subject, body = mail_templates.render(
        session, "ticket_answer", lang, name=user.full_name, author=message.author_name, body=message.body,
        number=ticket.id, subject=ticket.subject, link=f"{settings.public_base_url}/portal/support",
        app=t("app.name", lang))
    outbox.enqueue(session=session, dedupe_key=f"ticket-message:{message.id}", to_address=user.email,
                   subject=subject, body_text=body, kind="ticket")
