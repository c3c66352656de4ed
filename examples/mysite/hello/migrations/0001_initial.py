"""Initial

Migration 0001_initial of app 'hello', made by fastjango-orm 0.1.1 on 2026-11-30 15:05 UTC.
"""

import fastjango.orm.fields.types
import sqlalchemy as sa
from alembic import op

import fastjango.orm.migrations  # noqa: F401  (op.run_python, op.add_column_filled)

revision = 'hello_0001_initial'
down_revision = None
branch_labels = ('hello',)
depends_on = None


def upgrade() -> None:
    op.create_table('hello_visitor',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('visits', sa.Integer(), nullable=False),
    sa.Column('first_seen', fastjango.orm.fields.types.AwareDateTime(), nullable=False),
    sa.CheckConstraint('visits >= 0', name=op.f('ck_hello_visitor_visits_gte_0')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hello_visitor')),
    sa.UniqueConstraint('name', name=op.f('uq_hello_visitor_name'))
    )


def downgrade() -> None:
    op.drop_table('hello_visitor')
