"""`flask --app app doctor`: every check in order, one line each, exit 1 on any FAIL."""

import click
from flask import current_app
from flask.cli import with_appcontext

from app.doctor import probe, programme_checks, settings_checks, trello_checks
from app.doctor.results import FAIL, WARN, Context
from app.trello.gateway import get_gateway

# The first programme's board and the service's settings, in the order an operator fixes things:
# later Trello checks need the earlier ones to pass, and the rate-limit headers are read once
# the other checks have called Trello. Every other programme's lines follow these.
CHECKS = (
    trello_checks.key_and_token,
    trello_checks.membership,
    trello_checks.board_lists,
    trello_checks.webhook,
    probe.deliveries,
    settings_checks.powerup_keys,
    trello_checks.rate_limit_headers,
    settings_checks.mail,
    settings_checks.public_url,
    settings_checks.organisers_address,
    programme_checks.token_key,
)
# Enough to ride out one hiccup; the gateway's usual five would keep an operator waiting.
MAX_RETRIES = 2


@click.command("doctor")
@click.option(
    "--no-probe",
    is_flag=True,
    help="Do not make and delete the probe label that checks webhook deliveries.",
)
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=15.0,
    show_default=True,
    help="Seconds to wait for the probe's delivery to reach the web process.",
)
@with_appcontext
def doctor_command(no_probe, wait):
    """Check this deployment: Trello key and token, board role, lists, webhook, deliveries,
    Power-Up keys, rate-limit headers, mail, PUBLIC_URL, the organisers' address and
    TOKEN_ENCRYPTION_KEY; then each other programme's board, lists and webhook (a stopped one
    is a warning). Exits 1 when any check FAILs."""
    gateway = get_gateway()
    gateway.throttle.last_headers = {}  # report only what Trello said to this command's calls
    context = Context(current_app.config, gateway, None if no_probe else wait)
    results = []
    with gateway.session.overrides(max_retries=MAX_RETRIES):
        for run in CHECKS:
            result = run(context)
            results.append(result)
            click.echo(f"{result.status:<4}  {result.name}: {result.message}")
    for result in programme_checks.programme_results(current_app.config, MAX_RETRIES):
        results.append(result)
        click.echo(f"{result.status:<4}  {result.name}: {result.message}")
    failed = sum(result.status == FAIL for result in results)
    warned = sum(result.status == WARN for result in results)
    click.echo(_summary(len(results), failed, warned))
    if failed:
        raise click.exceptions.Exit(1)


def _summary(total, failed, warned):
    """Return the last line: how many checks passed, warned and failed."""
    if failed:
        return (
            f"{failed} of {total} checks failed: fix them, then run flask --app app doctor again."
        )
    if warned:
        return f"No check failed; {warned} of {total} warned."
    return f"All {total} checks passed."
