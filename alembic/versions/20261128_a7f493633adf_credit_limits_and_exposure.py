"""Credit limits, usual terms and the running exposure figures; credit notes set against invoices.

The figures of customers who already have receivables or orders are summed once here; from then on
every document, payment and unpaid item keeps them.

Revision ID: a7f493633adf
Revises: 931273e4ef43
Create Date: 2026-11-28 11:56:56.695766
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = 'a7f493633adf'
down_revision: str | None = '931273e4ef43'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('customer_credit',
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('credit_limit', sa.BigInteger(), nullable=True),
    sa.Column('payment_term', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('shipping_costs', sa.BigInteger(), nullable=True),
    sa.Column('receivables_open', sa.BigInteger(), nullable=False),
    sa.Column('orders_open', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_credit_customer_id_customer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['payment_term'], ['payment_term.code'], name=op.f('fk_customer_credit_payment_term_payment_term')),
    sa.PrimaryKeyConstraint('customer_id')
    )
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credit_note_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_payment_credit_note_id_sales_document'), 'sales_document', ['credit_note_id'], ['id'], ondelete='RESTRICT')

    with op.batch_alter_table('receivable', schema=None) as batch_op:
        batch_op.create_index('ix_receivable_open_due', ['settled', 'due_on'], unique=False)

    op.execute("""
        INSERT INTO customer_credit (customer_id, receivables_open, orders_open, updated_at)
        SELECT c.id,
               COALESCE((SELECT SUM(r.amount - r.paid) FROM receivable r
                         WHERE r.customer_id = c.id AND NOT r.settled), 0),
               COALESCE((SELECT SUM(d.gross_total) FROM sales_document d
                         WHERE d.customer_id = c.id AND ((d.kind = 'order' AND d.status IN ('draft', 'open'))
                                                        OR (d.kind = 'invoice' AND d.status = 'draft'))), 0),
               CURRENT_TIMESTAMP
        FROM customer c
        WHERE EXISTS (SELECT 1 FROM receivable r WHERE r.customer_id = c.id)
           OR EXISTS (SELECT 1 FROM sales_document d WHERE d.customer_id = c.id)
    """)


def downgrade() -> None:
    with op.batch_alter_table('receivable', schema=None) as batch_op:
        batch_op.drop_index('ix_receivable_open_due')

    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_payment_credit_note_id_sales_document'), type_='foreignkey')
        batch_op.drop_column('credit_note_id')

    op.drop_table('customer_credit')
