"""Articles, payment terms and sales documents with their lines; the usual payment terms.

Amounts are whole hundredths (quantities thousandths) in BIGINT columns: exact on SQLite as on PostgreSQL.

Revision ID: 954b5d5d2a9b
Revises: 4e421b1b4d34
Create Date: 2026-11-28 10:37:18.561471
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '954b5d5d2a9b'
down_revision: str | None = '4e421b1b4d34'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('article',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('ean', sqlmodel.sql.sqltypes.AutoString(length=14), nullable=True),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('unit_price', sa.BigInteger(), nullable=False),
    sa.Column('vat_rate', sa.BigInteger(), nullable=False),
    sa.Column('properties', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_ean'), ['ean'], unique=False)

    op.create_table('payment_term',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('days', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    payment_term = sa.table("payment_term", sa.column("code", sa.String), sa.column("description", sa.String),
                            sa.column("days", sa.String), sa.column("position", sa.Integer))
    op.bulk_insert(payment_term, [
        {"code": "CASH", "description": "Rimessa diretta", "days": "0", "position": 10},
        {"code": "BT30", "description": "Bonifico bancario 30 giorni data fattura", "days": "30", "position": 20},
        {"code": "BT60", "description": "Bonifico bancario 60 giorni data fattura", "days": "60", "position": 30},
        {"code": "RIBA60", "description": "Ri.Ba. 60 giorni data fattura", "days": "60", "position": 40},
        {"code": "RIBA6090", "description": "Ri.Ba. 60/90 giorni data fattura", "days": "60,90", "position": 50},
        {"code": "RIBA306090", "description": "Ri.Ba. 30/60/90 giorni data fattura", "days": "30,60,90",
         "position": 60},
    ])
    op.create_table('sales_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('document_date', sa.Date(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('held_reasons', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('payment_term', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('shipping_site_id', sa.Integer(), nullable=True),
    sa.Column('shipping_costs', sa.BigInteger(), nullable=False),
    sa.Column('net_total', sa.BigInteger(), nullable=False),
    sa.Column('vat_total', sa.BigInteger(), nullable=False),
    sa.Column('gross_total', sa.BigInteger(), nullable=False),
    sa.Column('source_document_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['app_user.id'], name=op.f('fk_sales_document_created_by_user_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_sales_document_customer_id_customer'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['payment_term'], ['payment_term.code'], name=op.f('fk_sales_document_payment_term_payment_term')),
    sa.ForeignKeyConstraint(['shipping_site_id'], ['site.id'], name=op.f('fk_sales_document_shipping_site_id_site'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_document_id'], ['sales_document.id'], name=op.f('fk_sales_document_source_document_id_sales_document'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'year', 'number', name='uq_sales_document_number')
    )
    with op.batch_alter_table('sales_document', schema=None) as batch_op:
        batch_op.create_index('ix_sales_document_customer', ['customer_id', 'kind', 'id'], unique=False)
        batch_op.create_index('ix_sales_document_status', ['status', 'id'], unique=False)

    op.create_table('sales_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=True),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('unit_price', sa.BigInteger(), nullable=False),
    sa.Column('discount', sa.BigInteger(), nullable=False),
    sa.Column('vat_rate', sa.BigInteger(), nullable=False),
    sa.Column('net', sa.BigInteger(), nullable=False),
    sa.Column('vat', sa.BigInteger(), nullable=False),
    sa.Column('gross', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_sales_line_article_id_article'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['document_id'], ['sales_document.id'], name=op.f('fk_sales_line_document_id_sales_document'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sales_line', schema=None) as batch_op:
        batch_op.create_index('ix_sales_line_document', ['document_id', 'position'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('sales_line', schema=None) as batch_op:
        batch_op.drop_index('ix_sales_line_document')

    op.drop_table('sales_line')
    with op.batch_alter_table('sales_document', schema=None) as batch_op:
        batch_op.drop_index('ix_sales_document_status')
        batch_op.drop_index('ix_sales_document_customer')

    op.drop_table('sales_document')
    op.drop_table('payment_term')
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_ean'))

    op.drop_table('article')
