"""The programme's organisations as the forms offer them and organisers tidy them: the names the
organisation field suggests, the list organisers see, and merging a name into an organisation
(and undoing it), with the cards of the people concerned renamed through the outbox.

What the forms offer is public (the sign-up page needs no link), so a name people typed is offered
only when the public report would name it too: once at least OFFER_AFTER people who confirmed gave
it (or names merged into it). A name only a few people typed may be a typo, hold someone's own
name, or give away who takes part; an organiser's merge alone does not make it public. The seed
list of local authorities is offered to everyone because it says nothing about who takes part.
"""

from collections import Counter

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.orm import aliased

from app.db import db, utcnow
from app.models import Organisation, Person, Programme
from app.models.organisations import seed_names
from app.people.cards import queue_refresh

OFFER_AFTER = 5  # as many as the report needs to name one (app/report/publish.py THRESHOLD)
CARD_STATUSES = ("active", "paused")  # people whose card is on the board


class OrganisationProblem(Exception):
    """A merge or undo that cannot be done; code says which kind, the message says why."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code, self.message = code, message


def _rows(programme):
    """Return (organisations by id, {organisation id: confirmed people who gave that name})."""
    query = select(Organisation).where(Organisation.programme_id == programme.id)
    organisations = {org.id: org for org in db.session.scalars(query)}
    counts = select(Person.organisation_id, func.count()).where(
        Person.programme_id == programme.id,
        Person.status != "pending",  # unconfirmed: a stranger's typing, never shown
        Person.organisation_id.is_not(None),
    )
    people = dict(db.session.execute(counts.group_by(Person.organisation_id)).all())
    return organisations, people


def offered(programme):
    """Return the names the organisation field suggests, sorted: the seed list, and the
    programme's organisations that at least OFFER_AFTER confirmed people gave (counting the
    people of the names merged into them)."""
    organisations, people = _rows(programme)
    total = Counter()
    for org in organisations.values():
        total[org.canonical.id] += people.get(org.id, 0)
    names = set(seed_names())
    for org_id, org in organisations.items():
        if org.merged_into_id is None and total[org_id] >= OFFER_AFTER:
            names.add(org.name)
    return sorted(names, key=str.casefold)


def listing(programme):
    """Return the programme's organisations for organisers: each canonical name that confirmed
    people gave (or that names were merged into), how many people, and its aliases."""
    organisations, people = _rows(programme)
    aliases = {}
    for org in organisations.values():
        if org.merged_into_id is not None:
            aliases.setdefault(org.merged_into_id, []).append(org)
    listed = []
    for org in organisations.values():
        if org.merged_into_id is not None:
            continue
        own = sorted(aliases.get(org.id, []), key=lambda alias: alias.name.casefold())
        count = people.get(org.id, 0) + sum(people.get(alias.id, 0) for alias in own)
        if count or own:
            alias_rows = [
                {"id": alias.id, "name": alias.name, "people": people.get(alias.id, 0)}
                for alias in own
            ]
            listed.append({"id": org.id, "name": org.name, "people": count, "aliases": alias_rows})
    return sorted(listed, key=lambda row: (row["name"].casefold(), row["id"]))


def _organisation(programme, org_id):
    """Return the programme's organisation with this id, or raise not_found."""
    org = db.session.get(Organisation, org_id)
    if org is None or org.programme_id != programme.id:
        raise OrganisationProblem("not_found", "There is no such organisation.")
    return org


def _serialise(programme):
    """Make merges and undos of a programme one at a time: on PostgreSQL the programme's row is
    locked until the transaction ends (FOR NO KEY UPDATE, so sign-ups storing people and names
    of the programme are not held up), and what follows reads what the last one committed. On
    SQLite writers are one at a time anyway; the conditional UPDATEs below hold there too."""
    query = select(Programme.id).where(Programme.id == programme.id)
    db.session.execute(query.with_for_update(key_share=True))


def _changed_meanwhile(org):
    """The refusal when another organiser's merge or undo got there first."""
    message = f"Another organiser changed {org.name} or where it goes meanwhile: look again first."
    return OrganisationProblem("changed", message)


def merge(programme, org_id, into_id):
    """Make an organisation (and the names merged into it) an alias of another; the people who
    gave those names count as the other's from now on, and their cards are renamed.

    Never a chain or a loop, even when two organisers merge at the same moment: the name must
    still be unmerged and the target still canonical when the change is written."""
    org = _organisation(programme, org_id)
    target = _organisation(programme, into_id).canonical
    if org.merged_into_id is not None:
        message = f"{org.name} is already merged into {org.canonical.name}: undo that first."
        raise OrganisationProblem("already_merged", message)
    if target.id == org.id:
        raise OrganisationProblem("same_organisation", "An organisation cannot merge into itself.")
    _serialise(programme)  # what was read above may be stale by now: the UPDATE checks again
    now = utcnow()
    canonical = aliased(Organisation)
    target_canonical = exists().where(canonical.id == target.id, canonical.merged_into_id.is_(None))
    claim = (
        update(Organisation)
        .where(Organisation.id == org.id, Organisation.merged_into_id.is_(None), target_canonical)
        .values(merged_into_id=target.id, merged_at=now)
        .execution_options(synchronize_session=False)
    )
    if db.session.execute(claim).rowcount != 1:
        raise _changed_meanwhile(org)
    moved = [org.id, *db.session.scalars(_aliases_of(org.id))]
    follow = (
        update(Organisation)
        .where(Organisation.merged_into_id == org.id)
        .values(merged_into_id=target.id, merged_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(follow)
    db.session.expire_all()  # the rows changed in SQL: read them again
    _rename_cards(programme, moved)


def unmerge(programme, org_id):
    """Make a merged name its own organisation again; its people's cards are renamed back."""
    org = _organisation(programme, org_id)
    if org.merged_into_id is None:
        raise OrganisationProblem("not_merged", f"{org.name} is not merged into another.")
    _serialise(programme)
    claim = (
        update(Organisation)
        .where(Organisation.id == org.id, Organisation.merged_into_id.is_not(None))
        .values(merged_into_id=None, merged_at=None)
        .execution_options(synchronize_session=False)
    )
    if db.session.execute(claim).rowcount != 1:
        raise _changed_meanwhile(org)
    db.session.expire_all()
    _rename_cards(programme, [org.id])


def _aliases_of(org_id):
    """Return a query for the ids of the names merged into an organisation."""
    return select(Organisation.id).where(Organisation.merged_into_id == org_id)


def _rename_cards(programme, org_ids):
    """Queue a card refresh for each participant with a card who gave one of these names."""
    query = select(Person).where(
        Person.programme_id == programme.id,
        Person.organisation_id.in_(org_ids),
        Person.status.in_(CARD_STATUSES),
    )
    for person in db.session.scalars(query.order_by(Person.id)):
        queue_refresh(programme, person)


def forget_unused(programme):
    """Delete the programme's organisations nobody gave and nothing was merged into (what
    unconfirmed sign-ups typed, once they are erased); return how many. Aliases stay: they are
    organisers' decisions, and resolve the name if it is typed again.

    A sign-up may have just resolved its name to one of these. On PostgreSQL the rows are locked
    first (a sign-up storing a person who gave one waits for them, or has already finished), and
    the DELETE, a statement of its own, checks again and keeps any name a person now gives; a
    sign-up that found a name deleted meanwhile fails its foreign key and resolves it again
    (app/models/people.py makes SQLite, which does not check foreign keys, fail it the same way).
    """
    alias = aliased(Organisation)
    unused = (
        Organisation.programme_id == programme.id,
        Organisation.merged_into_id.is_(None),
        ~exists().where(Person.organisation_id == Organisation.id),
        ~exists().where(alias.merged_into_id == Organisation.id),
    )
    candidates = select(Organisation.id).where(*unused).order_by(Organisation.id)
    ids = list(db.session.scalars(candidates.with_for_update(of=Organisation)))
    if not ids:
        return 0
    still_unused = delete(Organisation).where(Organisation.id.in_(ids), *unused)
    return db.session.execute(still_unused.execution_options(synchronize_session=False)).rowcount
