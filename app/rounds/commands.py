"""`flask --app app pair [--dry-run] [--seed S]`: show the draw, store it, update the board."""

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app import outbox
from app.db import db
from app.models import OutboxEntry, Round, current_programme, programme_option
from app.pairing import PoolTooSmall, parse_seed
from app.rounds.apply import progress
from app.rounds.closing import RoundOpen, close_round
from app.rounds.describe import bend_sentences
from app.rounds.pool import said_reason
from app.rounds.rescue import RescueRaced, rescue, waiting_text
from app.rounds.service import PoolChanged, confirm_round, preview_round, unplaced_text
from app.rounds.tally import counts
from app.vocabulary import long_date


class SeedType(click.ParamType):
    """A seed as people type it: decimal, or 16 hex digits."""

    name = "seed"

    def convert(self, value, param, ctx):
        """Parse the seed or fail as a usage error."""
        try:
            return parse_seed(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def _print_plan(preview):
    """Print the groups with organisations, who waits or sits out, and which rules had to bend,
    in sentences."""
    people, plan = preview.people, preview.plan
    click.echo(
        f"Round {preview.number} · {long_date(preview.round_date)} · seed {preview.seed} "
        f"(--seed {preview.seed} draws these pairs again)"
    )
    click.echo(f"Pool: {len(people)} people; meet by {long_date(preview.meet_by)}")
    for number, ids in enumerate(plan.groups, start=1):
        names = " + ".join(f"{people[i].full_name} ({people[i].organisation})" for i in ids)
        click.echo(f"  {number:>3}. {names}")
    if plan.sits_out is not None:
        click.echo(f"  Sits out: {people[plan.sits_out].full_name}")
    for person, reason in preview.waiting:
        click.echo(f"  Not in this round: {person.full_name} ({said_reason(person, reason)})")
    if unplaced_text(preview):
        click.echo(f"  {unplaced_text(preview)}")
    for bend in plan.bent:
        names = bend_sentences(
            bend, lambda pid: people[pid].full_name, lambda pid: people[pid].organisation
        )
        for sentence in names:
            click.echo(f"  {sentence}")
    if not plan.bent:
        click.echo("  Every pairing rule held.")


def _apply_now(round_):
    """Run the round's board update here, with a progress bar; the worker finishes it if we fail.
    Only this programme's: another board's waiting round is its own worker's turn to apply."""
    query = select(OutboxEntry.id).where(
        OutboxEntry.programme_id == round_.programme_id,
        OutboxEntry.operation == "round.apply",
        OutboxEntry.waiting(),
    )
    entry_ids = list(db.session.scalars(query.order_by(OutboxEntry.id)))
    with click.progressbar(length=round_.cards_total, label="Updating the board") as bar:
        token = progress.set(lambda done, total: bar.update(done - bar.pos))
        try:
            for entry_id in entry_ids:
                outbox.run_entry(entry_id)
        finally:
            progress.reset(token)
    db.session.refresh(round_)


def _print_open_round(open_round, close_open):
    """Say which round is still open, how far it got, and what confirming does to it."""
    if open_round is None:
        return
    click.echo(
        f"Round {open_round.number} is still open (meet by {long_date(open_round.meet_by)}, "
        f"closes after {long_date(open_round.closes_on)}): {open_round.met} of "
        f"{open_round.total} met, "
        f"{open_round.shared} of {open_round.total} shared."
    )
    if close_open:
        click.echo("  It will be closed, its final tally kept on its card.")


@click.command("pair")
@click.option("--dry-run", is_flag=True, help="Show the draw; change nothing anywhere.")
@click.option("--seed", type=SeedType(), help="Reproduce a draw (decimal or 16 hex digits).")
@click.option(
    "--close-open",
    is_flag=True,
    help="Close the round that is still open (its final tally stays on the board) first.",
)
@with_appcontext
@programme_option
def pair_command(dry_run, seed, close_open):
    """Draw the next round's pairs, store them, move the cards and queue the introductions."""
    programme = current_programme()
    try:
        preview = preview_round(programme, seed)
    except PoolTooSmall as exc:
        raise click.ClickException(f"No round: {exc}") from None
    _print_open_round(preview.open_round, close_open)
    _print_plan(preview)
    if dry_run:
        click.echo("Dry run: nothing was stored, moved or sent.")
        return
    try:
        round_, created = confirm_round(
            programme, preview.seed, preview.pool_hash, "cli", close_open=close_open
        )
    except PoolChanged as exc:
        raise click.ClickException(str(exc)) from None
    except RoundOpen as exc:
        raise click.ClickException(
            f"Nothing was made: round {exc.round.number} is still open. Run again with "
            f"--close-open to close it and draw round {exc.round.number + 1}, or close it "
            "with `flask close-round`."
        ) from None
    if not created:
        click.echo(f"Round {round_.number} was already made with this seed; nothing new.")
    _apply_now(round_)
    state = "on the board" if round_.status == "applied" else "stored; the worker will finish it"
    click.echo(
        f"Round {round_.number}: {len(round_.groups)} groups, {round_.cards_done}/"
        f"{round_.cards_total} cards {state}; {len(round_.left_out)} left out."
    )


@click.command("close-round")
@click.option(
    "--number", type=click.IntRange(min=1), help="The round to close (default: the open one)."
)
@with_appcontext
@programme_option
def close_round_command(number):
    """Close a round now: its final tally stays on its card, its people wait for the next."""
    programme = current_programme()
    query = select(Round).where(Round.programme_id == programme.id)
    query = query.where(Round.number == number) if number else query.order_by(Round.number.desc())
    round_ = db.session.scalar(query.limit(1))
    if round_ is None:
        raise click.ClickException(f"There is no round {number}." if number else "No round yet.")
    if not close_round(programme, round_):
        click.echo(f"Round {round_.number} was already closed; nothing changed.")
        return
    db.session.commit()
    shared, met, total = counts(round_)
    click.echo(
        f"Round {round_.number} closed: {met} of {total} met, {shared} of {total} shared. "
        "The worker writes the final tally on its card."
    )


@click.command("rescue")
@click.option("--dry-run", is_flag=True, help="Show who would be re-matched; change nothing.")
@click.option("--seed", type=SeedType(), help="Reproduce a re-match (decimal or 16 hex digits).")
@with_appcontext
@programme_option
def rescue_command(dry_run, seed):
    """Re-match the open round's stranded people (every partner left) with each other."""
    programme = current_programme()
    try:
        outcome = rescue(programme, seed=seed, dry_run=dry_run)
    except RescueRaced:
        db.session.rollback()
        raise click.ClickException(
            "Another rescue re-matched these people a moment ago; run again to see who waits."
        ) from None
    if outcome.round is None:
        raise click.ClickException("No round is open: there is nobody to re-match.")
    number = outcome.round.number
    if not outcome.groups and not outcome.waiting:
        click.echo(f"Round {number}: nobody is stranded.")
        return
    for group in outcome.groups:
        click.echo(
            "  Re-matched: " + " + ".join(f"{p.full_name} ({p.organisation})" for p in group)
        )
    if outcome.waiting:
        click.echo(f"  {waiting_text(outcome)}")
    if dry_run:
        click.echo(f"Dry run (seed {outcome.seed}): nothing was stored, moved or sent.")
        return
    db.session.commit()
    click.echo(
        f"Round {number}: {len(outcome.groups)} group(s) re-matched; introductions queued, "
        "the worker updates their cards."
    )
