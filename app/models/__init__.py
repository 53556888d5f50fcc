"""Every table, imported here so Alembic and the app see the whole schema."""

from app.models.api_key import ApiKey, WebhookDelivery
from app.models.block import BlockEffect, CustomerBlock
from app.models.change_request import AppSetting, ChangeRequest, ChangeRequestItem, EmailTemplate, FieldPolicy
from app.models.consent import ConsentEvent, ConsentText, ConsentType
from app.models.credit import CustomerCredit
from app.models.customer import CodeSequence, Contact, Customer, Site
from app.models.customer_import import ImportJob
from app.models.document import Attachment, Contract, Report
from app.models.history import HistoryLine
from app.models.intervention import (
    Intervention,
    InterventionMaterial,
    InterventionNote,
    InterventionTechnician,
    InterventionType,
    OutboxAttachment,
)
from app.models.ledger import LedgerValue
from app.models.movement import Movement
from app.models.outbox import OutboxMessage
from app.models.portal_access import PortalAccess, PortalProfile
from app.models.receivable import Payment, Receivable, UnpaidItem
from app.models.reminder import Reminder
from app.models.sales import Article, PaymentTerm, SalesDocument, SalesLine
from app.models.ticket import Ticket, TicketMessage
from app.models.user import AuthSession, PasswordToken, SignInThrottle, User, UserEvent
from app.models.version import RecordVersion

__all__ = [
    "ApiKey", "AppSetting", "Article", "Attachment", "AuthSession", "BlockEffect", "ChangeRequest", "ChangeRequestItem",
    "CodeSequence", "ConsentEvent", "ConsentText", "ConsentType", "Contact", "Contract", "Customer",
    "CustomerBlock", "CustomerCredit", "EmailTemplate", "FieldPolicy", "HistoryLine", "ImportJob", "Intervention",
    "InterventionMaterial", "InterventionNote", "InterventionTechnician", "InterventionType", "LedgerValue",
    "Movement", "OutboxAttachment", "OutboxMessage", "PasswordToken", "Payment", "PaymentTerm", "PortalAccess",
    "PortalProfile", "Receivable", "RecordVersion", "Reminder", "Report", "SalesDocument", "SalesLine",
    "SignInThrottle", "Site", "Ticket", "TicketMessage", "UnpaidItem", "User", "UserEvent", "WebhookDelivery",
]
