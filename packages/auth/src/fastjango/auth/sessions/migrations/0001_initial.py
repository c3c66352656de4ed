"""Initial

Migration 0001_initial of app 'sessions', made by fastjango-orm 0.1.1 on 2026-11-30 18:41 UTC.
"""

from sqlalchemy.dialects import mysql
import fastjango.orm.fields.types
import sqlalchemy as sa
from alembic import op

import fastjango.orm.migrations  # noqa: F401  (op.run_python, op.add_column_filled)

revision = 'sessions_0001_initial'
down_revision = None
branch_labels = ('sessions',)
depends_on = None


def upgrade() -> None:
    op.create_table('sessions_session',
    sa.Column('session_key', sa.String(length=40), nullable=False),
    sa.Column('session_data', sa.Text().with_variant(mysql.LONGTEXT(), 'mariadb').with_variant(mysql.LONGTEXT(), 'mysql'), nullable=False),
    sa.Column('expire_date', fastjango.orm.fields.types.AwareDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('session_key', name=op.f('pk_sessions_session'))
    )
    with op.batch_alter_table('sessions_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sessions_session_expire_date'), ['expire_date'], unique=False)


def downgrade() -> None:
    op.drop_table('sessions_session')
