"""Initial

Migration 0001_initial of app 'blog', made by fastjango-orm 0.1.1 on 2026-11-30 17:30 UTC.
"""

from sqlalchemy.dialects import mysql
import fastjango.orm.fields.types
import sqlalchemy as sa
from alembic import op

import fastjango.orm.migrations  # noqa: F401  (op.run_python, op.add_column_filled)

revision = 'blog_0001_initial'
down_revision = None
branch_labels = ('blog',)
depends_on = None


def upgrade() -> None:
    op.create_table('blog_author',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('bio', sa.Text().with_variant(mysql.LONGTEXT(), 'mariadb').with_variant(mysql.LONGTEXT(), 'mysql'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blog_author')),
    sa.UniqueConstraint('name', name=op.f('uq_blog_author_name'))
    )
    op.create_table('blog_tag',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('slug', sa.String(length=50), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blog_tag')),
    sa.UniqueConstraint('name', name=op.f('uq_blog_tag_name')),
    sa.UniqueConstraint('slug', name=op.f('uq_blog_tag_slug'))
    )
    op.create_table('blog_post',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('slug', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text().with_variant(mysql.LONGTEXT(), 'mariadb').with_variant(mysql.LONGTEXT(), 'mysql'), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('author_id', sa.BigInteger(), nullable=False),
    sa.Column('created', fastjango.orm.fields.types.AwareDateTime(), nullable=False),
    sa.Column('updated', fastjango.orm.fields.types.AwareDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['blog_author.id'], name=op.f('fk_blog_post_author_id_blog_author')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blog_post')),
    sa.UniqueConstraint('slug', name=op.f('uq_blog_post_slug'))
    )
    with op.batch_alter_table('blog_post', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_blog_post_author_id'), ['author_id'], unique=False)

    op.create_table('blog_comment',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('post_id', sa.BigInteger(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('body', sa.Text().with_variant(mysql.LONGTEXT(), 'mariadb').with_variant(mysql.LONGTEXT(), 'mysql'), nullable=False),
    sa.Column('created', fastjango.orm.fields.types.AwareDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['blog_post.id'], name=op.f('fk_blog_comment_post_id_blog_post')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blog_comment'))
    )
    with op.batch_alter_table('blog_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_blog_comment_post_id'), ['post_id'], unique=False)

    op.create_table('blog_post_tags',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('post_id', sa.BigInteger(), nullable=False),
    sa.Column('tag_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['blog_post.id'], name=op.f('fk_blog_post_tags_post_id_blog_post')),
    sa.ForeignKeyConstraint(['tag_id'], ['blog_tag.id'], name=op.f('fk_blog_post_tags_tag_id_blog_tag')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blog_post_tags')),
    sa.UniqueConstraint('post_id', 'tag_id', name=op.f('uq_blog_post_tags_post_id_tag_id'))
    )
    with op.batch_alter_table('blog_post_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_blog_post_tags_post_id'), ['post_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_blog_post_tags_tag_id'), ['tag_id'], unique=False)


def downgrade() -> None:
    op.drop_table('blog_post_tags')
    op.drop_table('blog_comment')
    op.drop_table('blog_post')
    op.drop_table('blog_tag')
    op.drop_table('blog_author')
