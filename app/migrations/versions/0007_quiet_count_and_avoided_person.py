"""quiet people are counted from a round on; never-pair entries remember whom they named

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 06:40:00

people.quiet_from_round: rounds up to this number no longer count towards being quiet (set when
a person comes back from a pause). avoidances.avoided_person_id: the person an entry's address
belonged to when it was matched, so a change of address does not undo the rule; filled in here
for every entry whose address a person of the programme has now.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quiet_from_round', sa.Integer(), nullable=True))

    with op.batch_alter_table('avoidances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('avoided_person_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_avoidances_avoided_person_id'), ['avoided_person_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_avoidances_avoided_person_id_people'), 'people', ['avoided_person_id'], ['id'])

    op.execute(
        "UPDATE avoidances SET avoided_person_id = ("
        "SELECT people.id FROM people WHERE people.email = avoidances.email"
        " AND people.programme_id = avoidances.programme_id)"
    )


def downgrade():
    with op.batch_alter_table('avoidances', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_avoidances_avoided_person_id_people'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_avoidances_avoided_person_id'))
        batch_op.drop_column('avoided_person_id')

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('quiet_from_round')
