"""What one OS process does in tests/test_shared_budget.py: make a gateway as a web or worker
process would, wait for the others, then send its writes. Kept apart from the test module so
that a spawned child imports only this and the app."""

import time

from app.trello import shared_budget
from app.trello.gateway import TrelloError, TrelloGateway


def gateway(spec):
    """Return the child's gateway: from settings (as the app builds it), or with small windows
    (the key stub's shrunk ones) and budgets in Redis when spec names a Redis URL."""
    config = spec["config"]
    window = spec.get("window")
    if window is None:
        return TrelloGateway.from_config(config)
    budgets = {}
    if config.get("REDIS_URL"):
        url = config["REDIS_URL"]
        budgets = {
            "token_budget": shared_budget.token_budget(
                url, config["TRELLO_TOKEN"], spec["token_limit"], window
            ),
            "key_budget": shared_budget.key_budget(
                url, config["TRELLO_API_KEY"], spec["key_limit"], window
            ),
        }
    return TrelloGateway(
        config["TRELLO_API_KEY"],
        config["TRELLO_TOKEN"],
        config["TRELLO_API_BASE"],
        config["TRELLO_BOARD_ID"],
        max_retries=int(config["TRELLO_MAX_RETRIES"]),
        rate_limit=spec["token_limit"],
        key_rate_limit=spec["key_limit"],
        rate_window=window,
        backoff_base=0.01,
        **budgets,
    )


def write_many(spec, start, results):
    """Say "ready" on results, send spec["count"] card updates once start is set, then put
    (sent, refused, when the last was answered on the machine's monotonic clock) on results."""
    made = gateway(spec)
    results.put("ready")
    start.wait(60)
    sent = refused = 0
    for n in range(spec["count"]):
        try:
            made.update_card(spec["card_id"], desc=f"{spec['name']} update {n}")
            sent += 1
        except TrelloError:
            refused += 1
    results.put((sent, refused, time.monotonic()))
