"""Customer blocks: set and lifted by credit managers and administrators, each change a movement,
and the check that every use case a block can stop calls before it writes anything."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.domain.blocks import BlockLevel, CreditAction, Effect, clean_effect_choices, effect_of, highest_level
from app.domain.errors import DomainError
from app.domain.inputs import BlockInput, LiftInput, check_text
from app.domain.permissions import Actor, Perm, require, require_customer_record
from app.i18n import N_
from app.models import BlockEffect, Customer, CustomerBlock
from app.models.base import utcnow
from app.services import customers, movements

# What a refusal says, per action: the reserved area shows it as it is, calm and without the reason.
REFUSALS = {
    CreditAction.NEW_TICKET: N_("blocks.refused.new_ticket"),
    CreditAction.NEW_INTERVENTION: N_("blocks.refused.new_intervention"),
}
REFUSED = N_("blocks.refused")


# The effects table -----------------------------------------------------------------------------


def office_effects(session: Session) -> dict[tuple[str, str], str]:
    """The cells the administrators chose; the domain's defaults answer for the others."""
    return {(row.level, row.action): row.effect for row in session.exec(select(BlockEffect))}


def read_effects(*, session: Session, actor: Actor) -> dict[tuple[str, str], Effect]:
    """Every cell of the table as it is in force."""
    require(actor, Perm.SETTINGS_MANAGE)
    chosen = office_effects(session)
    return {(level.value, action.value): effect_of([level], action, chosen)
            for level in BlockLevel for action in CreditAction}


def save_effects(*, session: Session, actor: Actor, choices: object) -> dict[tuple[str, str], Effect]:
    """Stores every cell sent, defaults included, so a later change of the defaults never changes
    what the administrators chose."""
    require(actor, Perm.SETTINGS_MANAGE)
    for (level, action), effect in clean_effect_choices(choices).items():
        row = session.get(BlockEffect, (level, action)) or BlockEffect(level=level, action=action, effect=effect)
        row.effect = effect
        session.add(row)
    session.flush()
    return read_effects(session=session, actor=actor)


def forget_effects(*, session: Session, actor: Actor) -> None:
    require(actor, Perm.SETTINGS_MANAGE)
    session.execute(delete(BlockEffect))


# Checking an action ------------------------------------------------------------------------------


def active_levels(session: Session, customer_id: int) -> list[str]:
    return list(session.exec(
        select(CustomerBlock.level)
        .where(CustomerBlock.customer_id == customer_id, col(CustomerBlock.lifted_at).is_(None))
    ))


def effect_for(session: Session, customer_id: int, action: CreditAction) -> Effect:
    levels = active_levels(session, customer_id)
    return effect_of(levels, action, office_effects(session)) if levels else Effect.ALLOW


def require_allowed(session: Session, customer_id: int, action: CreditAction) -> Effect:
    """ALLOW or HOLD for the customer's blocks; a refusal raises, before anything is written."""
    effect = effect_for(session, customer_id, action)
    if effect is Effect.REFUSE:
        raise DomainError(REFUSALS.get(action, REFUSED))
    return effect


# Setting and lifting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BlockRow:
    id: int
    level: str
    reason: str
    automatic: bool
    set_by: str
    set_at: datetime
    lifted_by: str | None
    lifted_at: datetime | None
    lift_note: str | None

    @property
    def active(self) -> bool:
        return self.lifted_at is None


def list_blocks(*, session: Session, actor: Actor, customer_id: int) -> list[BlockRow]:
    """Active blocks first, highest level first; then the lifted ones, newest first."""
    require_customer_record(actor, Perm.CUSTOMERS_READ, customer_id)
    found = session.exec(select(CustomerBlock).where(CustomerBlock.customer_id == customer_id)).all()
    active = sorted((b for b in found if b.lifted_at is None), key=lambda b: BlockLevel(b.level).rank, reverse=True)
    lifted = sorted((b for b in found if b.lifted_at is not None), key=lambda b: (b.lifted_at, b.id), reverse=True)
    rows = [*active, *lifted]
    return [BlockRow(b.id, b.level, b.reason, b.automatic, b.set_by_name, b.set_at, b.lifted_by_name, b.lifted_at,
                     b.lift_note) for b in rows]


def _locked(session: Session, customer_id: int) -> Customer:
    customer = customers.locked_customer(session, customer_id)
    if customer is None:
        raise DomainError("customer.not_found")
    return customer


def _refresh_level(session: Session, customer: Customer) -> None:
    level = highest_level(active_levels(session, customer.id))
    customer.block_level = level.value if level else None
    session.add(customer)


def set_block(
    *, session: Session, actor: Actor, customer_id: int, raw: BlockInput | Mapping,
) -> CustomerBlock:
    require(actor, Perm.BLOCKS_MANAGE)
    data, errors = BlockInput.read(raw)
    level = BlockLevel.parse(data.level)
    if level is None:
        errors.setdefault("level", N_("blocks.err.level"))
    check_text(data.reason, "reason", 500, errors, required=True)
    if errors:
        raise DomainError(errors)
    customer = _locked(session, customer_id)
    session.flush()
    if level.value in active_levels(session, customer.id):
        raise DomainError({"level": N_("blocks.err.already_active")})
    block = CustomerBlock(customer_id=customer.id, level=level.value, reason=data.reason,
                          set_by_user_id=actor.user_id, set_by_name=actor.name)
    session.add(block)
    session.flush()
    _refresh_level(session, customer)
    movements.record(session=session, customer_id=customer.id, actor=actor, source="office", kind="block.set",
                     field="block_level", after=level.value, summary=data.reason)
    return block


def set_automatic_block(session: Session, customer: Customer, level: BlockLevel, reason: str) -> CustomerBlock | None:
    """Set by a rule with no operator (an unpaid item, receivables long overdue), unless a block of that level
    is already active; the same rule lifts it again. The caller holds the customer's row lock."""
    if level.value in active_levels(session, customer.id):
        return None
    block = CustomerBlock(customer_id=customer.id, level=level.value, reason=reason, automatic=True,
                          set_by_name="")
    session.add(block)
    session.flush()
    _refresh_level(session, customer)
    movements.record(session=session, customer_id=customer.id, actor=None, source="system", kind="block.set",
                     field="block_level", after=block.level, summary=reason)
    return block


def lift_automatic_blocks(session: Session, customer: Customer, level: BlockLevel, reason: str) -> int:
    """Lifts what a rule set at that level; a block set by a person stays until a person lifts it."""
    lifted = 0
    automatic = select(CustomerBlock).where(CustomerBlock.customer_id == customer.id, col(CustomerBlock.automatic),
                                            CustomerBlock.level == level.value, col(CustomerBlock.lifted_at).is_(None))
    for block in session.exec(automatic):
        block.lifted_at, block.lifted_by_name, block.lift_note = utcnow(), "", reason
        session.add(block)
        movements.record(session=session, customer_id=customer.id, actor=None, source="system", kind="block.lifted",
                         field="block_level", before=block.level, summary=reason)
        lifted += 1
    if lifted:
        session.flush()
        _refresh_level(session, customer)
    return lifted


def lift_block(
    *, session: Session, actor: Actor, customer_id: int, block_id: int, raw: LiftInput | Mapping | None = None,
) -> CustomerBlock:
    require(actor, Perm.BLOCKS_MANAGE)
    data, errors = LiftInput.read(raw or {})
    check_text(data.note, "note", 500, errors)
    if errors:
        raise DomainError(errors)
    customer = _locked(session, customer_id)
    block = session.get(CustomerBlock, block_id) if isinstance(block_id, int) else None
    if block is None or block.customer_id != customer.id or block.lifted_at is not None:
        raise DomainError(N_("blocks.err.not_found"))
    block.lifted_at, block.lifted_by_user_id, block.lifted_by_name = utcnow(), actor.user_id, actor.name
    block.lift_note = data.note
    session.add(block)
    session.flush()
    _refresh_level(session, customer)
    movements.record(session=session, customer_id=customer.id, actor=actor, source="office", kind="block.lifted",
                     field="block_level", before=block.level, summary=data.note or block.reason)
    return block
