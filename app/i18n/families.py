"""Message keys the code builds from a value, t(f"role.{user.role}"): each family names the vocabulary
it is built from, so the catalog template lists every key a value can produce and the tests fail when
a new value has no message. A key built anywhere else must be registered here (a test holds the code
to that); one built over a literal tuple at its call site is expanded there instead."""

from __future__ import annotations

from dataclasses import fields

from app.domain import change_rules, consent_rules, customer_import, customer_rules, portal_modules
from app.domain.mail_templates import TEMPLATES
from app.domain.permissions import Role, Scope
from app.domain.sales import MOVES
from app.domain.vocabularies import VOCABULARIES, AgeingBucket
from app.services import anonymization, change_requests, documents, portal_accesses, users

# What a form, a movement, a change request or a duplicate check can name as a field.
FIELD_NAMES: tuple[str, ...] = tuple(dict.fromkeys((
    *customer_rules.FIELDS,
    *change_rules.REQUEST_FIELDS,
    *(f.name for f in fields(customer_rules.ContactData)),
    *(f.name for f in fields(customer_rules.SiteData)),
    *(f"access.{name}" for name in portal_accesses.RECORDED_FIELDS),
    "block_level",
    "sales_status",
    "unpaid_auto_block",
    "credit_limit",
    "payment_term",
    "shipping_costs",
    "status",
)))

FAMILIES: dict[str, tuple[str, ...]] = {
    **{vocabulary.__label__: vocabulary.values() for vocabulary in VOCABULARIES},
    "field.{}": FIELD_NAMES,
    "role.{}": tuple(Role),
    "api_keys.scope.{}": tuple(Scope),
    "requests.state.{}": change_rules.ITEM_STATES,
    "mydata.status.{}": change_requests.STATUSES,
    "consents.channel.{}": tuple(c for c in consent_rules.CHANNELS if c != "none"),
    "contracts.state.{}": documents.CONTRACT_STATES,
    "reports.kind.{}": documents.REPORT_KINDS,
    "accesses.invitation.{}": portal_accesses.INVITATION_STATES,
    "module.{}": tuple(portal_modules.MODULES),
    "module.{}.help": tuple(portal_modules.MODULES),
    "templates.name.{}": tuple(TEMPLATES),
    "as_of.state.{}": ("same", "changed", "added", "removed"),
    "users.event.{}": users.USER_EVENT_KINDS,
    # The customer fields an import's column may fill, as the mapping and the export's header name them.
    "import.field.{}": customer_import.IMPORT_FIELDS,
    "anon.outcome.{}": tuple(anonymization.Outcome),
    # The ageing chart's short labels under its bars.
    "credit.age_short.{}": AgeingBucket.values(),
    # What the button that moves a document to a status says.
    "sales.move.{}": tuple(sorted({wanted.value for moves in MOVES.values() for targets in moves.values()
                                   for wanted in targets})),
}
