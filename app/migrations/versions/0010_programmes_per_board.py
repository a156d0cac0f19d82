"""Programmes per board: a slug for their pages, listed or not, active or stopped, and the
board's Trello token, encrypted

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 11:00:00

Any board that enables the Power-Up can become a programme. Its admin names it (slug: its pages
live at /p/<slug>/), chooses whether the start page lists it, and authorises the service: the
token Trello gives is stored encrypted (token_sealed) with the member who gave it. A programme
is "active" or "stopped" (Power-Up removed, authorisation revoked, or disabled by an operator),
with when and why. Existing rows are the first programme: active, unlisted, no slug, no token
(it uses the service's TRELLO_TOKEN). Downgrading drops the columns and with them the stored
tokens.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('slug', sa.String(length=40), nullable=True))
        batch_op.add_column(
            sa.Column('listed', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column('state', sa.String(length=16), nullable=False, server_default='active')
        )
        batch_op.add_column(sa.Column('stopped_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('stopped_reason', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('token_sealed', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('token_member_id', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('authorised_at', sa.DateTime(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_programmes_slug'), ['slug'])


def downgrade():
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_programmes_slug'), type_='unique')
        batch_op.drop_column('authorised_at')
        batch_op.drop_column('token_member_id')
        batch_op.drop_column('token_sealed')
        batch_op.drop_column('stopped_reason')
        batch_op.drop_column('stopped_at')
        batch_op.drop_column('state')
        batch_op.drop_column('listed')
        batch_op.drop_column('slug')
