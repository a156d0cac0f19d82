"""organisations: one canonical name per organisation in a programme, and aliases merged into one

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 06:45:00

Each programme's people are grouped by the normalised form of the organisation they typed (case,
spacing, punctuation, apostrophes and "&"/"and" do not count); each group becomes one organisation,
and its people point at it. It is named as the seed list of UK local authorities names it when its
form is one of those (app/data/organisations), else by its most common spelling (the earliest
person's on a tie).
people.organisation keeps what each person typed. Downgrading drops the organisations and with
them any merges organisers made; what people typed is still there.
"""
import csv
import re
import unicodedata
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

NAME_LENGTH = 200
SEED_FILE = Path(__file__).resolve().parents[2] / "data" / "organisations" / "uk_local_authorities.csv"


def _normalise(name):
    """The normalised form as app/models/organisations.py has it at this revision."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    text = re.sub(r"['\u2019\u2018`]", "", text.replace("&", " and "))
    return " ".join(re.sub(r"[^\w\s]|_", " ", text).split())[:NAME_LENGTH]


def _tidy(name):
    return " ".join((name or "").split())[:NAME_LENGTH]


def upgrade():
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('merged_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['merged_into_id'], ['organisations.id'], name=op.f('fk_organisations_merged_into_id_organisations')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_organisations_programme_id_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('programme_id', 'key', name='uq_organisations_programme_key')
    )
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisations_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisations_programme_id'), ['programme_id'], unique=False)

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_people_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_people_organisation_id_organisations'), 'organisations', ['organisation_id'], ['id'])

    _group_existing_people()


def _official_names():
    """Return {normalised form: official name} of the seed list."""
    with SEED_FILE.open(encoding="utf-8", newline="") as rows:
        names = [_tidy(row["official-name"]) for row in csv.DictReader(rows)]
    return {_normalise(name): name for name in names}


def _group_existing_people():
    """Make one organisation per programme and normalised form, and point its people at it."""
    bind = op.get_bind()
    people = sa.table(
        "people",
        sa.column("id", sa.Integer),
        sa.column("programme_id", sa.Integer),
        sa.column("organisation", sa.String),
        sa.column("organisation_id", sa.Integer),
    )
    organisations = sa.table(
        "organisations",
        sa.column("id", sa.Integer),
        sa.column("programme_id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("key", sa.String),
        sa.column("created_at", sa.DateTime),
    )
    groups = defaultdict(list)  # (programme, form) -> [(person id, spelling)] in id order
    rows = bind.execute(
        sa.select(people.c.id, people.c.programme_id, people.c.organisation).order_by(people.c.id)
    )
    for person_id, programme_id, typed in rows:
        key = _normalise(typed)
        if key:
            groups[programme_id, key].append((person_id, _tidy(typed)))
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    official = _official_names()
    for (programme_id, key), members in groups.items():
        counts = Counter(spelling for _, spelling in members)
        first = {}
        for order, (_, spelling) in enumerate(members):
            first.setdefault(spelling, order)
        name = official.get(key) or min(
            counts, key=lambda spelling: (-counts[spelling], first[spelling])
        )
        bind.execute(
            organisations.insert().values(
                programme_id=programme_id, name=name, key=key, created_at=now
            )
        )
        org_id = bind.execute(
            sa.select(organisations.c.id).where(
                organisations.c.programme_id == programme_id, organisations.c.key == key
            )
        ).scalar_one()
        ids = [person_id for person_id, _ in members]
        bind.execute(people.update().where(people.c.id.in_(ids)).values(organisation_id=org_id))


def downgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_people_organisation_id_organisations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_people_organisation_id'))
        batch_op.drop_column('organisation_id')

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisations_programme_id'))
        batch_op.drop_index(batch_op.f('ix_organisations_merged_into_id'))

    op.drop_table('organisations')
