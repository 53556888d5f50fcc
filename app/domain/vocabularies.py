"""Every list of kinds the app knows, each defined once. Rules check against these, pages build their
filters and labels from them, and the message catalogs hold one label per member (`label_key`), so a
new member without a text in both languages fails the tests."""

from __future__ import annotations

from enum import StrEnum


class Vocabulary(StrEnum):
    """A list of kinds. `__label__` is the message key of a member's label, `{}` standing for it."""

    __label__ = "{}"

    @classmethod
    def values(cls) -> tuple[str, ...]:
        return tuple(member.value for member in cls)

    @classmethod
    def parse(cls, value: object) -> Vocabulary | None:
        """The member `value` names, or None for anything else the browser or a caller may send."""
        return cls(value) if isinstance(value, str) and value in cls.values() else None

    @property
    def label_key(self) -> str:
        return type(self).__label__.format(self.value)


class CustomerKind(Vocabulary):
    __label__ = "kind.{}"
    BUSINESS = "business"
    PRIVATE = "private"


class CustomerStatus(Vocabulary):
    __label__ = "status.{}"
    ACTIVE = "active"
    ANONYMIZED = "anonymized"


class ContactKind(Vocabulary):
    __label__ = "contacts.kind.{}"
    CONTACT_PERSON = "contact_person"
    FAMILY_MEMBER = "family_member"


class Source(Vocabulary):
    """Where a change came from."""

    __label__ = "source.{}"
    OFFICE = "office"
    PORTAL = "portal"
    API = "api"
    IMPORT = "import"
    SYSTEM = "system"
    FIELD = "field"
    # The headquarters' registry this one follows (its sync job and the customers saved from its search).
    UPSTREAM = "upstream"


class MovementGroup(Vocabulary):
    """What the customer's timeline can be filtered by."""

    __label__ = "movements.group.{}"
    CUSTOMER = "customer"
    CONTACT = "contact"
    SITE = "site"
    REQUEST = "request"
    CONSENT = "consent"
    ACCESS = "access"
    TICKET = "ticket"
    DOCUMENT = "document"
    CREDIT = "credit"
    SALES = "sales"
    INTERVENTION = "intervention"


class MovementKind(Vocabulary):
    """Every kind of movement on the customer's timeline."""

    __label__ = "movements.kind.{}"
    CUSTOMER_CREATED = "customer.created"
    CUSTOMER_UPDATED = "customer.updated"
    CUSTOMER_ANONYMIZED = "customer.anonymized"
    CONTACT_ADDED = "contact.added"
    CONTACT_UPDATED = "contact.updated"
    CONTACT_REMOVED = "contact.removed"
    CONTACT_ANONYMIZED = "contact.anonymized"
    SITE_ADDED = "site.added"
    SITE_UPDATED = "site.updated"
    SITE_REMOVED = "site.removed"
    REQUEST_CREATED = "request.created"
    REQUEST_APPLIED = "request.applied"
    REQUEST_ACCEPTED = "request.accepted"
    REQUEST_IGNORED = "request.ignored"
    REQUEST_REFUSED = "request.refused"
    REQUEST_SUPERSEDED = "request.superseded"
    CONSENT_CHANGED = "consent.changed"
    ACCESS_ADDED = "access.added"
    ACCESS_UPDATED = "access.updated"
    ACCESS_INVITED = "access.invited"
    TICKET_OPENED = "ticket.opened"
    TICKET_REPLIED = "ticket.replied"
    TICKET_ANSWERED = "ticket.answered"
    TICKET_CLOSED = "ticket.closed"
    CONTRACT_ADDED = "contract.added"
    CONTRACT_UPDATED = "contract.updated"
    REPORT_ADDED = "report.added"
    REPORT_UPDATED = "report.updated"
    ATTACHMENT_ADDED = "attachment.added"
    ATTACHMENT_REMOVED = "attachment.removed"
    BLOCK_SET = "block.set"
    BLOCK_LIFTED = "block.lifted"
    SALES_CREATED = "sales.created"
    SALES_UPDATED = "sales.updated"
    SALES_STATUS = "sales.status"
    SALES_RELEASED = "sales.released"
    SALES_REJECTED = "sales.rejected"
    SALES_HELD = "sales.held"
    CREDIT_UPDATED = "credit.updated"
    PAYMENT_RECORDED = "payment.recorded"
    UNPAID_REGISTERED = "unpaid.registered"
    INTERVENTION_PLANNED = "intervention.planned"
    INTERVENTION_UPDATED = "intervention.updated"
    INTERVENTION_RESCHEDULED = "intervention.rescheduled"
    INTERVENTION_CANCELLED = "intervention.cancelled"
    INTERVENTION_STARTED = "intervention.started"
    INTERVENTION_CLOSED = "intervention.closed"
    INTERVENTION_NOTE = "intervention.note"

    @property
    def group(self) -> MovementGroup:
        subject = self.value.split(".")[0]
        if subject in ("contract", "report", "attachment"):
            return MovementGroup.DOCUMENT
        return MovementGroup.CREDIT if subject in ("block", "payment", "unpaid", "credit") else MovementGroup(subject)

    @classmethod
    def of_group(cls, group: MovementGroup) -> tuple[str, ...]:
        return tuple(kind.value for kind in cls if kind.group is group)


class UnpaidKind(Vocabulary):
    """How a payment came back."""

    __label__ = "unpaid.kind.{}"
    RIBA = "riba"
    DIRECT_DEBIT = "direct_debit"
    OTHER = "other"


class TicketStatus(Vocabulary):
    __label__ = "tickets.status.{}"
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


class ConsentState(Vocabulary):
    __label__ = "consents.state.{}"
    GRANTED = "granted"
    REFUSED = "refused"
    UNKNOWN = "unknown"


class ConsentChannel(Vocabulary):
    __label__ = "consents.channel_label.{}"
    NONE = "none"
    EMAIL = "email"
    SMS = "sms"
    PHONE = "phone"
    POST = "post"


class AccessVisibility(Vocabulary):
    """What a reserved-area user sees of their company's records."""

    __label__ = "accesses.visibility.{}"
    OWN = "own"
    COMPANY = "company"


class BlockLevel(Vocabulary):
    """In order of importance, lowest first."""

    __label__ = "blocks.level.{}"
    ASSISTANCE = "assistance"
    UNPAID = "unpaid"
    OVERDUE = "overdue"
    STUCK = "stuck"
    BAD_DEBT = "bad_debt"

    @property
    def rank(self) -> int:
        return list(BlockLevel).index(self)


class CreditAction(Vocabulary):
    """What a block can stop: new documents, work for the customer, and the reserved area's requests."""

    __label__ = "blocks.action.{}"
    NEW_QUOTE = "new_quote"
    NEW_ORDER = "new_order"
    NEW_DELIVERY_NOTE = "new_delivery_note"
    NEW_INVOICE = "new_invoice"
    NEW_CREDIT_NOTE = "new_credit_note"
    NEW_PAYMENT = "new_payment"
    NEW_INTERVENTION = "new_intervention"
    NEW_TICKET = "new_ticket"
    PORTAL_ORDER = "portal_order"

    @property
    def holdable(self) -> bool:
        """Only a document can wait for a credit manager; anything else is done or refused."""
        return self in (CreditAction.NEW_QUOTE, CreditAction.NEW_ORDER, CreditAction.NEW_DELIVERY_NOTE,
                        CreditAction.NEW_INVOICE, CreditAction.PORTAL_ORDER)


class Effect(Vocabulary):
    """Strictest last."""

    __label__ = "blocks.effect.{}"
    ALLOW = "allow"
    HOLD = "hold"
    REFUSE = "refuse"

    @property
    def strictness(self) -> int:
        return list(Effect).index(self)


class DocumentKind(Vocabulary):
    """The commercial documents, each numbered on its own per year."""

    __label__ = "sales.kind.{}"
    QUOTE = "quote"
    ORDER = "order"
    DELIVERY_NOTE = "delivery_note"
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    RETURN = "return"
    COMPLAINT = "complaint"


class DocumentStatus(Vocabulary):
    __label__ = "sales.status.{}"
    DRAFT = "draft"
    HELD = "held"
    APPROVED = "approved"
    OPEN = "open"
    FULFILLED = "fulfilled"
    CLOSED = "closed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class HoldReason(Vocabulary):
    """Why a document waits for the credit manager; a document may carry several."""

    __label__ = "held.reason.{}"
    BLOCK = "block"
    OVER_LIMIT = "over_limit"
    WEB_SHOP = "web_shop"
    SHIPPING_COSTS = "shipping_costs"
    PAYMENT_TERMS = "payment_terms"


class HistoryStatus(Vocabulary):
    """What an article line of the transaction history is to the customer."""

    __label__ = "history.status.{}"
    SOLD = "sold"
    RETURNED = "returned"
    COMPLAINT = "complaint"
    ORDERED = "ordered"
    AWAITING_PICKUP = "awaiting_pickup"


class AgeingBucket(Vocabulary):
    """How late an open receivable is, in days after its due date."""

    __label__ = "credit.age.{}"
    NOT_DUE = "not_due"
    DAYS_0_30 = "0_30"
    DAYS_31_60 = "31_60"
    DAYS_61_90 = "61_90"
    OVER_90 = "over_90"


class InterventionStatus(Vocabulary):
    """An intervention moves only forward: planned -> in progress -> closed, or to cancelled before closing."""

    __label__ = "interventions.status.{}"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    def may_become(self, target: InterventionStatus) -> bool:
        return target in _INTERVENTION_MOVES[self]


_INTERVENTION_MOVES = {
    InterventionStatus.PLANNED: (InterventionStatus.IN_PROGRESS, InterventionStatus.CANCELLED),
    InterventionStatus.IN_PROGRESS: (InterventionStatus.CLOSED, InterventionStatus.CANCELLED),
    InterventionStatus.CLOSED: (),
    InterventionStatus.CANCELLED: (),
}


VOCABULARIES: tuple[type[Vocabulary], ...] = (
    CustomerKind, CustomerStatus, ContactKind, Source, MovementGroup, MovementKind, TicketStatus, ConsentState,
    ConsentChannel, AccessVisibility, BlockLevel, CreditAction, Effect, DocumentKind, DocumentStatus, UnpaidKind,
    HoldReason, AgeingBucket, HistoryStatus, InterventionStatus,
)

