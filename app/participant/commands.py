"""`flask --app app erase --email … | --card …`: carry out an erasure request."""

import click
from flask.cli import with_appcontext

from app.db import db
from app.models import current_programme, person_by_email, person_for_card, programme_option
from app.people.checks import normalise_email
from app.rounds.taking_part import leave
from app.trello.gateway import TrelloError, get_gateway


@click.command("erase")
@click.option("--email", help="The address the person signed up with.")
@click.option("--card", "card_id", help="The id or short link of the person's Trello card.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
@programme_option
def erase_command(email, card_id, yes):
    """Erase one person as if they had left: for erasure requests, and again after a restore."""
    if bool(email) == bool(card_id):
        raise click.ClickException("Give exactly one of --email and --card.")
    programme = current_programme()
    person = _person_to_erase(programme, email, card_id)
    if person.status == "left":
        click.echo(f"Person {person.id} has already left; nothing to erase.")
        return
    if not yes:
        click.confirm(f"Erase person {person.id} ({person.organisation}) for good?", abort=True)
    leave(programme, person)
    db.session.commit()
    click.echo(f"Person {person.id} erased; their card is emptied and archived by the worker.")


def _person_to_erase(programme, email, card_id):
    """Find the person named by address or card, or stop with a clear message."""
    if email:
        try:
            person = person_by_email(programme, normalise_email(email))
        except ValueError:
            raise click.ClickException(f"Not an email address: {email}") from None
    else:
        person = person_for_card(programme, _full_card_id(card_id))
    if person is None:
        raise click.ClickException("Nobody with that " + ("address." if email else "card."))
    return person


def _full_card_id(card_id):
    """Return a card's 24-hex id, asking Trello when given a short link (as in the card's URL)."""
    if len(card_id) == 24:
        return card_id
    try:
        return get_gateway().card(card_id)["id"]
    except TrelloError as exc:
        raise click.ClickException(f"Trello could not find card {card_id}: {exc}") from None
