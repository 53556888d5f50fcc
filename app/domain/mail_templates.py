"""The e-mails the office may reword: which exist, which placeholders each offers, and a check that
a reworded text uses only those (and keeps the ones the message cannot do without)."""

from __future__ import annotations

from dataclasses import dataclass
from string import Formatter

from app.domain.errors import DomainError
from app.i18n import N_


@dataclass(frozen=True)
class MailTemplate:
    subject_key: str
    body_key: str
    placeholders: tuple[str, ...]
    required: tuple[str, ...] = ()


TEMPLATES: dict[str, MailTemplate] = {
    "invite": MailTemplate("mail.invite.subject", "mail.invite.body",
                           ("name", "customer", "company", "hours", "link", "app"), required=("link",)),
    "staff_invite": MailTemplate("mail.staff_invite.subject", "mail.staff_invite.body",
                                 ("name", "role", "company", "hours", "link", "app"), required=("link",)),
    "reset": MailTemplate("mail.reset.subject", "mail.reset.body", ("name", "minutes", "link", "app"),
                          required=("link",)),
    "request_decided": MailTemplate("mail.request_decided.subject", "mail.request_decided.body",
                                    ("name", "number", "lines", "app"), required=("lines",)),
    "unpaid_notice": MailTemplate("mail.unpaid_notice.subject", "mail.unpaid_notice.body",
                                  ("name", "invoice", "due", "amount", "charges", "total", "company", "app"),
                                  required=("total",)),
    "document_rejected": MailTemplate("mail.document_rejected.subject", "mail.document_rejected.body",
                                      ("name", "number", "customer", "note", "by", "app"), required=("number",)),
    "ticket_answer": MailTemplate("mail.ticket_answer.subject", "mail.ticket_answer.body",
                                  ("name", "number", "subject", "author", "body", "link", "app"), required=("body",)),
    "ticket_new": MailTemplate("mail.ticket_new.subject", "mail.ticket_staff.body",
                               ("name", "number", "customer", "subject", "author", "body", "link"),
                               required=("body",)),
    "ticket_reply": MailTemplate("mail.ticket_reply.subject", "mail.ticket_staff.body",
                                 ("name", "number", "customer", "subject", "author", "body", "link"),
                                 required=("body",)),
}


def _fields(text: str) -> set[str]:
    """The placeholders of a text. A placeholder is a bare name: a format spec or conversion
    ({name:>99999}, {name!r}, {name:{link}}) could break or bloat every e-mail, so it counts as unknown."""
    try:
        parsed = list(Formatter().parse(text))
    except ValueError:
        raise DomainError("templates.err.braces") from None
    names = set()
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        names.add(name if not spec and conversion is None and name.isidentifier() else f"{name}:{spec or ''}")
    return names


def validate_template(key: str, subject: object, body: object) -> tuple[str, str]:
    """The cleaned subject and body, or a message per field naming the unknown placeholder."""
    template = TEMPLATES.get(key) if isinstance(key, str) else None
    if template is None:
        raise DomainError("templates.err.unknown")
    errors: dict[str, str] = {}
    params: dict[str, object] = {}
    cleaned = {}
    for field, value, limit in (("subject", subject, 200), ("body", body, 10_000)):
        text = str(value or "").replace("\r\n", "\n").strip()
        if field == "subject":
            text = " ".join(text.split())
        cleaned[field] = text
        if not text:
            errors[field] = N_("form.err.required")
            continue
        if len(text) > limit:
            errors[field] = N_("form.err.too_long")
            continue
        try:
            names = _fields(text)
        except DomainError:
            errors[field] = N_("templates.err.braces")
            continue
        unknown = sorted(n for n in names if n not in template.placeholders)
        if unknown:
            errors[field] = N_("templates.err.placeholder")
            params["placeholder"] = "{" + unknown[0] + "}"
    missing = [n for n in template.required if "{" + n + "}" not in cleaned["body"]]
    if missing and "body" not in errors:
        errors["body"] = N_("templates.err.required_placeholder")
        params["placeholder"] = "{" + missing[0] + "}"
    if errors:
        raise DomainError(errors, **params)
    sample = dict.fromkeys(template.placeholders, "x")
    cleaned["subject"].format(**sample), cleaned["body"].format(**sample)  # renders, or refuses above
    return cleaned["subject"], cleaned["body"]
