"""Initial

Migration 0001_initial of app 'social', made by fastjango-orm 0.1.1 on 2026-11-30 20:19 UTC.
"""

from sqlalchemy.dialects import postgresql
import fastjango.orm.fields.types
import sqlalchemy as sa
from alembic import op

import fastjango.orm.migrations  # noqa: F401  (op.run_python, op.add_column_filled)
from fastjango.orm.migrations.swappable import swappable_dependency, swappable_target

revision = 'social_0001_initial'
down_revision = None
branch_labels = ('social',)
# The user model is the one AUTH_USER_MODEL names (auth.User unless the project swaps it).
depends_on = swappable_dependency('AUTH_USER_MODEL', default='auth.User', also=('auth_0001_initial',))


def upgrade() -> None:
    user = swappable_target('AUTH_USER_MODEL', default='auth.User')
    op.create_table('social_socialaccount',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('provider', sa.String(length=50), nullable=False),
    sa.Column('uid', sa.String(length=255), nullable=False),
    sa.Column('extra_data', sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True, astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created', fastjango.orm.fields.types.AwareDateTime(), nullable=False),
    sa.Column('last_login', fastjango.orm.fields.types.AwareDateTime(), nullable=True),
    sa.Column('user_id', user.column_type, nullable=False),
    sa.ForeignKeyConstraint(['user_id'], [user.reference], name=op.f(f'fk_social_socialaccount_user_id_{user.table}')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_social_socialaccount')),
    sa.UniqueConstraint('provider', 'uid', name=op.f('uq_social_socialaccount_provider_uid'))
    )
    with op.batch_alter_table('social_socialaccount', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_social_socialaccount_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_table('social_socialaccount')
