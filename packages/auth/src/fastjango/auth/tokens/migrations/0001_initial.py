"""Initial

Migration 0001_initial of app 'authtokens', made by fastjango-orm 0.1.1 on 2026-11-30 20:20 UTC.
"""

import fastjango.orm.fields.types
import sqlalchemy as sa
from alembic import op

import fastjango.orm.migrations  # noqa: F401  (op.run_python, op.add_column_filled)
from fastjango.orm.migrations.swappable import swappable_dependency, swappable_target

revision = 'authtokens_0001_initial'
down_revision = None
branch_labels = ('authtokens',)
# The user model is the one AUTH_USER_MODEL names (auth.User unless the project swaps it).
depends_on = swappable_dependency('AUTH_USER_MODEL', default='auth.User', also=('auth_0001_initial',))


def upgrade() -> None:
    user = swappable_target('AUTH_USER_MODEL', default='auth.User')
    op.create_table('authtokens_apikey',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('hashed_secret', sa.String(length=64), nullable=False),
    sa.Column('created_at', fastjango.orm.fields.types.AwareDateTime(), nullable=False),
    sa.Column('last_used_at', fastjango.orm.fields.types.AwareDateTime(), nullable=True),
    sa.Column('expires_at', fastjango.orm.fields.types.AwareDateTime(), nullable=True),
    sa.Column('revoked_at', fastjango.orm.fields.types.AwareDateTime(), nullable=True),
    sa.Column('user_id', user.column_type, nullable=False),
    sa.ForeignKeyConstraint(['user_id'], [user.reference], name=op.f(f'fk_authtokens_apikey_user_id_{user.table}')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authtokens_apikey')),
    sa.UniqueConstraint('prefix', name=op.f('uq_authtokens_apikey_prefix'))
    )
    with op.batch_alter_table('authtokens_apikey', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_authtokens_apikey_user_id'), ['user_id'], unique=False)

    op.create_table('authtokens_refreshtoken',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('jti', sa.String(length=64), nullable=False),
    sa.Column('family', sa.String(length=64), nullable=False),
    sa.Column('created_at', fastjango.orm.fields.types.AwareDateTime(), nullable=False),
    sa.Column('expires_at', fastjango.orm.fields.types.AwareDateTime(), nullable=False),
    sa.Column('used_at', fastjango.orm.fields.types.AwareDateTime(), nullable=True),
    sa.Column('revoked_at', fastjango.orm.fields.types.AwareDateTime(), nullable=True),
    sa.Column('user_id', user.column_type, nullable=False),
    sa.ForeignKeyConstraint(['user_id'], [user.reference], name=op.f(f'fk_authtokens_refreshtoken_user_id_{user.table}')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authtokens_refreshtoken')),
    sa.UniqueConstraint('jti', name=op.f('uq_authtokens_refreshtoken_jti'))
    )
    with op.batch_alter_table('authtokens_refreshtoken', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_authtokens_refreshtoken_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_authtokens_refreshtoken_family'), ['family'], unique=False)
        batch_op.create_index(batch_op.f('ix_authtokens_refreshtoken_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_table('authtokens_refreshtoken')
    op.drop_table('authtokens_apikey')
