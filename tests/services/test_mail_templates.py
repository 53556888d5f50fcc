import pytest
from sqlmodel import select

from app.domain.errors import DomainError, Forbidden
from app.domain.permissions import Role
from app.models import OutboxMessage
from app.services import customers, mail_templates, portal_accesses
from tests import factories

ACME = {"kind": "business", "company_name": "Acme S.r.l.", "vat_number": "00743110157"}


def test_the_offices_wording_is_used_in_the_recipients_language(db):
    with db(write=True) as s:
        admin = factories.actor(s, Role.ADMIN)
        office = factories.actor(s, Role.OFFICE)
        acme = customers.create_customer(session=s, actor=office, raw=ACME)
        mail_templates.save_template(session=s, actor=admin, key="invite", lang="en", subject="Welcome, {name}",
                                     body="Dear {name} of {customer},\nyour link: {link}")
        with pytest.raises(Forbidden):
            mail_templates.save_template(session=s, actor=office, key="invite", lang="it", subject="x", body="{link}")
        with pytest.raises(DomainError):
            mail_templates.save_template(session=s, actor=admin, key="invite", lang="fr", subject="x", body="{link}")
        for lang, email in (("en", "tom@example.com"), ("it", "tea@example.com")):
            portal_accesses.save_access(session=s, actor=office, customer_id=acme.id, raw={
                "full_name": "Tom", "email": email, "language": lang, "active": "on"})
    with db() as s:
        mails = {m.to_address: m for m in s.exec(select(OutboxMessage))}
    assert mails["tom@example.com"].subject == "Welcome, Tom"
    assert mails["tom@example.com"].body_text.startswith("Dear Tom of Acme S.r.l.,\nyour link: http")
    assert "ti ha dato accesso" in mails["tea@example.com"].body_text  # no Italian wording: the standard one
    with db(write=True) as s:
        assert mail_templates.read_template(session=s, actor=admin, key="invite", lang="en").customized
        mail_templates.reset_template(session=s, actor=admin, key="invite", lang="en")
    with db() as s:
        text = mail_templates.read_template(session=s, actor=admin, key="invite", lang="en")
    assert not text.customized and "{link}" in text.body and "link" in text.placeholders
