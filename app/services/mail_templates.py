"""E-mail texts: the office's wording where it has one, the standard text of the catalog otherwise."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from app.domain.errors import DomainError
from app.domain.mail_templates import TEMPLATES, validate_template
from app.domain.permissions import Actor, Perm, require
from app.i18n import LANGUAGES, normalize_language, t
from app.models import EmailTemplate
from app.models.base import utcnow


def render(session: Session, key: str, lang: str, **params: object) -> tuple[str, str]:
    """(subject, body) of one e-mail in the recipient's language, placeholders filled in."""
    template = TEMPLATES[key]
    lang = normalize_language(lang)
    own = session.get(EmailTemplate, (key, lang))
    if own is None:
        return t(template.subject_key, lang, **params), t(template.body_key, lang, **params)
    return own.subject.format(**params), own.body.format(**params)


@dataclass(frozen=True)
class TemplateText:
    key: str
    lang: str
    subject: str
    body: str
    placeholders: tuple[str, ...]
    customized: bool


def read_template(*, session: Session, actor: Actor, key: str, lang: str) -> TemplateText:
    require(actor, Perm.SETTINGS_MANAGE)
    if key not in TEMPLATES or lang not in LANGUAGES:
        raise DomainError("templates.err.unknown")
    template = TEMPLATES[key]
    own = session.get(EmailTemplate, (key, lang))
    if own is not None:
        return TemplateText(key, lang, own.subject, own.body, template.placeholders, True)
    catalog_subject = t(template.subject_key, lang)
    catalog_body = t(template.body_key, lang)
    return TemplateText(key, lang, catalog_subject, catalog_body, template.placeholders, False)


def save_template(*, session: Session, actor: Actor, key: str, lang: str, subject: object, body: object) -> None:
    require(actor, Perm.SETTINGS_MANAGE)
    if lang not in LANGUAGES:
        raise DomainError("templates.err.unknown")
    subject, body = validate_template(key, subject, body)
    own = session.get(EmailTemplate, (key, lang)) or EmailTemplate(key=key, lang=lang, subject=subject, body=body)
    own.subject, own.body, own.updated_at, own.updated_by_user_id = subject, body, utcnow(), actor.user_id
    session.add(own)


def reset_template(*, session: Session, actor: Actor, key: str, lang: str) -> None:
    """Back to the standard text."""
    require(actor, Perm.SETTINGS_MANAGE)
    own = session.exec(select(EmailTemplate).where(EmailTemplate.key == key, EmailTemplate.lang == lang)).first()
    if own is not None:
        session.delete(own)
