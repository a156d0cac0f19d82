"""Webhook queue: an index on (status, id) of webhook_events, for the worker's queue pass

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 12:20:00

The receiver now records each action as "received" and the worker processes it later; each
pass looks for the received actions, oldest first, which this index finds without reading the
whole (ever growing) table.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_webhook_events_queue', 'webhook_events', ['status', 'id'])


def downgrade():
    op.drop_index('ix_webhook_events_queue', table_name='webhook_events')
