"""The transaction history's lines, filled from the documents already shown; complaints' defective flag.

Revision ID: b73a1478ce60
Revises: a7f493633adf
Create Date: 2026-11-28 12:29:18.411275
"""

from collections.abc import Sequence

import unicodedata

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = 'b73a1478ce60'
down_revision: str | None = 'a7f493633adf'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('history_line',
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('document_kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('document_number', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('source_number', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
    sa.Column('document_date', sa.Date(), nullable=False),
    sa.Column('document_created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=True),
    sa.Column('article_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('ean', sqlmodel.sql.sqltypes.AutoString(length=14), nullable=True),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('properties', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('unit_price', sa.BigInteger(), nullable=False),
    sa.Column('unit_discount', sa.BigInteger(), nullable=False),
    sa.Column('final_unit_gross', sa.BigInteger(), nullable=False),
    sa.Column('document_gross', sa.BigInteger(), nullable=False),
    sa.Column('defective', sa.Boolean(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_history_line_article_id_article'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_history_line_customer_id_customer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['sales_document.id'], name=op.f('fk_history_line_document_id_sales_document'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['line_id'], ['sales_line.id'], name=op.f('fk_history_line_line_id_sales_line'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('line_id')
    )
    with op.batch_alter_table('history_line', schema=None) as batch_op:
        batch_op.create_index('ix_history_line_customer_date', ['customer_id', 'document_date', 'line_id'], unique=False)
        batch_op.create_index('ix_history_line_customer_status', ['customer_id', 'status', 'document_date', 'line_id'],
                              unique=False)
        batch_op.create_index('ix_history_line_customer_defective', ['customer_id', 'document_date', 'line_id'],
                              unique=False, sqlite_where=sa.text('defective = 1'), postgresql_where=sa.text('defective'))
    _create_history_search(op.get_bind().dialect.name)

    with op.batch_alter_table('sales_document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('defective', sa.Boolean(), nullable=False, server_default=sa.false()))

    _fill_history()



def downgrade() -> None:
    with op.batch_alter_table('sales_document', schema=None) as batch_op:
        batch_op.drop_column('defective')

    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        op.execute("DROP TRIGGER history_search_insert")
        op.execute("DROP TRIGGER history_search_delete")
        op.execute("DROP TABLE history_search")
    elif dialect == 'postgresql':
        op.execute("DROP INDEX ix_history_line_search_trgm")
    with op.batch_alter_table('history_line', schema=None) as batch_op:
        batch_op.drop_index('ix_history_line_customer_defective')
        batch_op.drop_index('ix_history_line_customer_status')
        batch_op.drop_index('ix_history_line_customer_date')

    op.drop_table('history_line')


def _create_history_search(dialect: str) -> None:
    """Substring search over history_line.search_text, as for customers: an FTS5 trigram index on SQLite
    (external content, rowid = line_id, kept by triggers; the sync replaces rows, never updates them),
    pg_trgm on PostgreSQL."""
    if dialect == 'sqlite':
        op.execute(
            "CREATE VIRTUAL TABLE history_search USING fts5("
            "search_text, content='history_line', content_rowid='line_id', tokenize='trigram')"
        )
        op.execute(
            "CREATE TRIGGER history_search_insert AFTER INSERT ON history_line BEGIN "
            "INSERT INTO history_search(rowid, search_text) VALUES (new.line_id, new.search_text); END"
        )
        op.execute(
            "CREATE TRIGGER history_search_delete AFTER DELETE ON history_line BEGIN "
            "INSERT INTO history_search(history_search, rowid, search_text) "
            "VALUES ('delete', old.line_id, old.search_text); END"
        )
    elif dialect == 'postgresql':
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_history_line_search_trgm ON history_line USING gin (search_text gin_trgm_ops)")


# As the app numbered and showed documents when this migration was written.
_PREFIX = {"quote": "PRV", "order": "ORD", "delivery_note": "DDT", "invoice": "FT", "credit_note": "NC",
           "return": "RES", "complaint": "REC"}
_VISIBLE = {("invoice", "approved"): "sold", ("order", "open"): "ordered", ("delivery_note", "approved"):
            "awaiting_pickup", ("credit_note", "approved"): "returned", ("return", "approved"): "returned",
            ("complaint", "approved"): "complaint"}


def _fold(text):  # noqa: ANN001, ANN202
    plain = "".join(c for c in unicodedata.normalize("NFKD", text or "") if not unicodedata.combining(c))
    return " ".join(plain.split()).lower()


def _cents(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, in whole units."""
    whole, rest = divmod(numerator, denominator)
    return whole + (1 if rest * 2 >= denominator else 0)


def _fill_history() -> None:
    """Amounts are stored as whole hundredths (quantities thousandths): the arithmetic stays in integers."""
    bind = op.get_bind()
    documents = bind.execute(sa.text(
        "SELECT d.id, d.kind, d.status, d.year, d.number, d.customer_id, d.document_date, d.created_at, "
        "d.gross_total, s.kind, s.year, s.number FROM sales_document d "
        "LEFT JOIN sales_document s ON s.id = d.source_document_id")).all()
    rows = []
    for doc_id, kind, status, year, number, customer_id, day, created, gross, s_kind, s_year, s_number in documents:
        shown = _VISIBLE.get((kind, status))
        if shown is None:
            continue
        doc_number = f"{_PREFIX[kind]}-{year}/{number:05d}"
        source = f"{_PREFIX[s_kind]}-{s_year}/{s_number:05d}" if s_kind else None
        for line in bind.execute(sa.text(
            "SELECT l.id, l.article_id, a.code, a.ean, l.description, a.properties, l.quantity, l.unit_price, "
            "l.discount, l.gross FROM sales_line l LEFT JOIN article a ON a.id = l.article_id "
            "WHERE l.document_id = :d"), {"d": doc_id}).all():
            line_id, article_id, code, ean, description, properties, quantity, price, discount, line_gross = line
            rows.append({
                "line_id": line_id, "customer_id": customer_id, "document_id": doc_id, "document_kind": kind,
                "document_number": doc_number, "source_number": source, "document_date": day,
                "document_created_at": created, "status": shown, "article_id": article_id, "article_code": code,
                "ean": ean, "description": description, "properties": properties, "quantity": quantity,
                "unit_price": price, "unit_discount": _cents(price * discount, 10_000),
                "final_unit_gross": _cents(line_gross * 1000, quantity) if quantity else line_gross,
                "document_gross": gross, "defective": False,
                "search_text": " ".join(_fold(p) for p in (description, code, ean, properties, doc_number, source) if p),
            })
    if rows:
        op.bulk_insert(sa.table("history_line", *[sa.column(name) for name in rows[0]]), rows)
