"""outbox operations renamed: loop.* to followup.*, loop.reconcile to reconcile.claim

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 10:00:00

The code's "loop" package became "followup"; entries already queued under the old names must
still find their handlers, and the reconcile slot claims keep one name.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

RENAMED = (
    ("loop.refresh_card", "followup.refresh_card"),
    ("loop.round_tally", "followup.round_tally"),
    ("loop.reconcile", "reconcile.claim"),
)


def upgrade():
    for old, new in RENAMED:
        op.execute(
            f"UPDATE outbox_entries SET operation = '{new}' WHERE operation = '{old}'"
        )


def downgrade():
    for old, new in RENAMED:
        op.execute(
            f"UPDATE outbox_entries SET operation = '{old}' WHERE operation = '{new}'"
        )
