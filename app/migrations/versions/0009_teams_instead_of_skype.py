"""Microsoft Teams instead of Skype: people.teams; Skype is no longer shared with partners

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 07:00:00

people.teams: the address a person is found by in Microsoft Teams (an email address). Skype
closed in May 2025: people.skype stays, for its owner to see and delete, but "skype" is taken
out of every share_channels list, so it is never sent to a partner again. Downgrading drops the
Teams column; it does not put Skype back into anyone's share choices (nobody chose it again).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('teams', sa.String(length=320), nullable=True))

    people = sa.table('people', sa.column('id', sa.Integer), sa.column('share_channels', sa.JSON))
    connection = op.get_bind()
    for person_id, channels in connection.execute(sa.select(people.c.id, people.c.share_channels)):
        if channels and "skype" in channels:
            kept = [channel for channel in channels if channel != "skype"]
            connection.execute(
                people.update().where(people.c.id == person_id).values(share_channels=kept)
            )


def downgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('teams')
