"""What the participant page's tests share: people with chosen details in a round drawn by
`flask pair`, their own page's link, an output shared on their card, a round closed."""

from sqlalchemy import select

from app.db import db, utcnow
from app.links import make_token
from app.models import Group, Person, Round
from tests.followup_helpers import action, delivery
from tests.round_helpers import add_people
from tests.support import drain, post_signed


def add_person(app, sandbox, **changes):
    """Add a confirmed participant with a card in Sign-ups, with these columns changed (their
    address is theirs alone unless given); return their id."""
    [pid] = add_people(app, sandbox, 1)
    with app.app_context():
        person = db.session.get(Person, pid)
        for column, value in {"email": f"person.{pid}@example.org", **changes}.items():
            setattr(person, column, value)
        db.session.commit()
    return pid


def people_in_round(app, runner, sandbox, details, seed="5"):
    """Add one participant per dict of column changes, pair everyone in the pool with `flask
    pair`, send the introductions; return the new participants' ids, in the order given."""
    ids = [add_person(app, sandbox, **changes) for changes in details]
    pair(app, runner, seed)
    return ids


def pair(app, runner, seed="5"):
    """Draw and apply the next round as an organiser does from the command line."""
    result = runner.invoke(args=["pair", "--seed", seed])
    assert result.exit_code == 0, result.output
    drain(app)


def close_latest_round(app):
    """Close the open round, as an organiser does when its meetings are over."""
    with app.app_context():
        round_ = db.session.scalar(select(Round).order_by(Round.number.desc()))
        round_.closed_at = utcnow()
        db.session.commit()


def manage_path(app, person_id):
    """Return the path of the person's own page, as the link in each of their mails has it."""
    with app.app_context():
        return "/me/" + make_token(person_id, "manage")


def lead_of(app, person_id):
    """Return the id of whoever suggests a time in the person's latest group."""
    with app.app_context():
        groups = db.session.scalars(select(Group).order_by(Group.id.desc()))
        return next(g.lead_person_id for g in groups if person_id in g.person_ids)


def card_of(app, person_id):
    """Return the person's Trello card id."""
    with app.app_context():
        return db.session.get(Person, person_id).trello_card_id


def share_on_card(app, client, person_id, url):
    """Comment a link on the person's card on Trello (a signed webhook delivery) and carry out
    what it queues: the link becomes their output in the open round."""
    body = delivery(action("commentCard", card_of(app, person_id), text=f"I wrote: {url}"))
    callback = app.config["PUBLIC_URL"] + "/webhooks/trello"
    response = post_signed(client, body, app.config["TRELLO_API_SECRET"], callback)
    assert response.status_code == 200
    drain(app)
