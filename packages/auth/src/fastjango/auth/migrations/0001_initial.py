"""Initial

Migration 0001_initial of app 'auth', made by fastjango-orm 0.1.1 on 2026-11-30 18:33 UTC.
"""

import fastjango.orm.fields.types
import sqlalchemy as sa
from alembic import op

import fastjango.orm.migrations  # noqa: F401  (op.run_python, op.add_column_filled)

revision = 'auth_0001_initial'
down_revision = None
branch_labels = ('auth',)
depends_on = None


def upgrade() -> None:
    op.create_table('auth_group',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auth_group')),
    sa.UniqueConstraint('name', name=op.f('uq_auth_group_name'))
    )
    op.create_table('auth_permission',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('app_label', sa.String(length=100), nullable=False),
    sa.Column('model', sa.String(length=100), nullable=False),
    sa.Column('codename', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auth_permission')),
    sa.UniqueConstraint('app_label', 'codename', name=op.f('uq_auth_permission_app_label_codename'))
    )
    op.create_table('auth_user',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('password', sa.String(length=128), nullable=False),
    sa.Column('last_login', fastjango.orm.fields.types.AwareDateTime(), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('is_superuser', sa.Boolean(), nullable=False),
    sa.Column('username', sa.String(length=150), nullable=False),
    sa.Column('first_name', sa.String(length=150), nullable=False),
    sa.Column('last_name', sa.String(length=150), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('is_staff', sa.Boolean(), nullable=False),
    sa.Column('date_joined', fastjango.orm.fields.types.AwareDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auth_user')),
    sa.UniqueConstraint('username', name=op.f('uq_auth_user_username'))
    )
    op.create_table('auth_group_permissions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('group_id', sa.BigInteger(), nullable=False),
    sa.Column('permission_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['auth_group.id'], name=op.f('fk_auth_group_permissions_group_id_auth_group')),
    sa.ForeignKeyConstraint(['permission_id'], ['auth_permission.id'], name=op.f('fk_auth_group_permissions_permission_id_auth_permission')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auth_group_permissions')),
    sa.UniqueConstraint('group_id', 'permission_id', name=op.f('uq_auth_group_permissions_group_id_permission_id'))
    )
    with op.batch_alter_table('auth_group_permissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auth_group_permissions_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_auth_group_permissions_permission_id'), ['permission_id'], unique=False)

    op.create_table('auth_user_groups',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('group_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['auth_group.id'], name=op.f('fk_auth_user_groups_group_id_auth_group')),
    sa.ForeignKeyConstraint(['user_id'], ['auth_user.id'], name=op.f('fk_auth_user_groups_user_id_auth_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auth_user_groups')),
    sa.UniqueConstraint('user_id', 'group_id', name=op.f('uq_auth_user_groups_user_id_group_id'))
    )
    with op.batch_alter_table('auth_user_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auth_user_groups_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_auth_user_groups_user_id'), ['user_id'], unique=False)

    op.create_table('auth_user_user_permissions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('permission_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['permission_id'], ['auth_permission.id'], name=op.f('fk_auth_user_user_permissions_permission_id_auth_permission')),
    sa.ForeignKeyConstraint(['user_id'], ['auth_user.id'], name=op.f('fk_auth_user_user_permissions_user_id_auth_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auth_user_user_permissions')),
    sa.UniqueConstraint('user_id', 'permission_id', name=op.f('uq_auth_user_user_permissions_user_id_permission_id'))
    )
    with op.batch_alter_table('auth_user_user_permissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auth_user_user_permissions_permission_id'), ['permission_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_auth_user_user_permissions_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_table('auth_user_user_permissions')
    op.drop_table('auth_user_groups')
    op.drop_table('auth_group_permissions')
    op.drop_table('auth_user')
    op.drop_table('auth_permission')
    op.drop_table('auth_group')
