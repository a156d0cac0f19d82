"""300 card updates on the rate-limited sandbox: the gateway versus clients with no throttle."""

import multiprocessing
import os
import random
import threading
import time

import redis
import requests
from trello import TrelloClient
from trello.exceptions import ResourceUnavailable

from app.trello.gateway import TrelloError, TrelloGateway
from app.trello.http import backoff_delay
from tests.shared_budget_child import write_many
from trello_sandbox import constants
from trello_sandbox.server import SandboxServer

UPDATES = 300
# 100 requests per 10 s per token: 300 writes need three full windows.
FLOOR_SECONDS = UPDATES / 100 * 10.0
AUTH = {"key": constants.API_KEY, "token": constants.API_TOKEN}
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")
PROCESSES = 3


def fresh_card(server):
    """Make a list and a card on a fresh sandbox with plain HTTP; return the card id."""
    base = server.api_base
    made = requests.post(
        f"{base}/lists", params={**AUTH, "name": "Bench", "idBoard": constants.BOARD_ID}, timeout=10
    )
    card = requests.post(
        f"{base}/cards", params={**AUTH, "idList": made.json()["id"], "name": "Bench"}, timeout=10
    )
    return card.json()["id"]


def with_gateway(server, card_id):
    """Send the updates through the gateway; return (retries, failures)."""
    gateway = TrelloGateway(
        constants.API_KEY, constants.API_TOKEN, server.api_base, constants.BOARD_ID
    )
    for n in range(UPDATES):
        gateway.update_card(card_id, desc=f"update {n}")
    return gateway.session.counters["retries"], 0


def with_gateway_threads(server, card_id, threads=4):
    """Send the updates from several threads sharing one gateway; return (retries, failures)."""
    gateway = TrelloGateway(
        constants.API_KEY, constants.API_TOKEN, server.api_base, constants.BOARD_ID
    )
    share, failures = UPDATES // threads, []

    def work(first):
        for n in range(first, first + share):
            try:
                gateway.update_card(card_id, desc=f"update {n}")
            except TrelloError:
                failures.append(n)

    workers = [threading.Thread(target=work, args=(i * share,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return gateway.session.counters["retries"], len(failures)


def redis_there():
    """Return whether Redis answers at REDIS_URL (its database is flushed if so)."""
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        client.flushdb()
        client.close()
        return True
    except redis.RedisError:
        return False


def with_processes_and_redis(server, card_id):
    """Send the updates from three OS processes on the one token, each with its gateway built
    from settings with REDIS_URL (one shared budget); return (retries, failures, seconds from
    the start signal to the last answer, leaving out the processes' start-up)."""
    config = {
        "TRELLO_API_KEY": constants.API_KEY,
        "TRELLO_TOKEN": constants.API_TOKEN,
        "TRELLO_API_BASE": server.api_base,
        "TRELLO_BOARD_ID": constants.BOARD_ID,
        "TRELLO_MAX_RETRIES": 5,
        "REDIS_URL": REDIS_URL,
    }
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    share = UPDATES // PROCESSES
    specs = [
        {"config": config, "count": share, "card_id": card_id, "name": f"p{n}"}
        for n in range(PROCESSES)
    ]
    processes = [context.Process(target=write_many, args=(s, start, results)) for s in specs]
    for process in processes:
        process.start()
    for _ in processes:
        results.get(timeout=60)  # "ready": the child has imported the app and made its gateway
    started = time.monotonic()
    start.set()
    outcomes = [results.get(timeout=300) for _ in processes]
    for process in processes:
        process.join(30)
    return "", sum(o[1] for o in outcomes), max(o[2] for o in outcomes) - started


def with_naive_retries(server, card_id, max_retries=5):
    """Send the updates with requests, retrying 429 and 5xx with backoff but no throttle."""
    retries = failures = 0
    for n in range(UPDATES):
        for attempt in range(max_retries + 1):
            answer = requests.put(
                f"{server.api_base}/cards/{card_id}",
                params={**AUTH, "desc": f"update {n}"},
                timeout=10,
            )
            if answer.status_code != 429 and answer.status_code < 500:
                break
            if attempt == max_retries:
                failures += 1
                break
            retries += 1
            time.sleep(backoff_delay(attempt, 0.5, rand=random.random))
    return retries, failures


class _Rewriting(requests.Session):
    """Only what py-trello needs to reach the sandbox: the base URL, nothing else."""

    def __init__(self, api_base):
        super().__init__()
        self.api_base = api_base + "/"

    def request(self, method, url, *args, **kwargs):
        """Send to the sandbox instead of api.trello.com."""
        return super().request(
            method, url.replace("https://api.trello.com/1/", self.api_base), *args, **kwargs
        )


def with_py_trello_alone(server, card_id):
    """Send the updates through py-trello as shipped: no throttle, a 429 is an exception."""
    client = TrelloClient(
        constants.API_KEY, constants.API_TOKEN, http_service=_Rewriting(server.api_base)
    )
    failures = 0
    for n in range(UPDATES):
        try:
            client.fetch_json(
                f"/cards/{card_id}", http_method="PUT", post_args={"desc": f"update {n}"}
            )
        except ResourceUnavailable:
            failures += 1
    return 0, failures


SCENARIOS = {
    "gateway": with_gateway,
    "gateway, 4 threads": with_gateway_threads,
    "requests + retry/backoff, no throttle": with_naive_retries,
    "py-trello alone": with_py_trello_alone,
}


def measure(name, scenario):
    """Run one scenario on its own sandbox (fresh rate windows); return its row."""
    with SandboxServer(rate_limits=True) as server:
        card_id = fresh_card(server)
        started = time.monotonic()
        retries, failures, *took = scenario(server, card_id)
        elapsed = took[0] if took else time.monotonic() - started
        log = requests.get(f"{server.url}/sandbox/control/requests", timeout=10).json()
    puts = [entry for entry in log if entry["method"] == "PUT"]
    return {
        "scenario": name,
        "requests": len(puts),
        "429s": sum(entry["status"] == 429 for entry in puts),
        "retries": retries,
        "failed": failures,
        "seconds": round(elapsed, 2),
        "x floor": round(elapsed / FLOOR_SECONDS, 3),
    }


def run():
    """Run every scenario; the gateway must get no 429 and lose no update. The three-process
    one runs when Redis answers at BENCH_REDIS_URL (database 1 by default), and says so if not."""
    rows, scenarios = [], dict(SCENARIOS)
    if redis_there():
        scenarios = {
            **dict(list(SCENARIOS.items())[:2]),
            f"gateway, {PROCESSES} processes, Redis": with_processes_and_redis,
            **dict(list(SCENARIOS.items())[2:]),
        }
    else:
        print(f"  no Redis at {REDIS_URL}: the three-process scenario is left out", flush=True)
    for name, scenario in scenarios.items():
        print(f"  {name}: {UPDATES} updates ...", flush=True)
        rows.append(measure(name, scenario))
    gateway = rows[0]
    ok = all(
        row["429s"] == 0 and row["failed"] == 0 and row["requests"] == UPDATES
        for row in rows
        if row["scenario"].startswith("gateway")
    )
    verdict = (
        f"gateway: {gateway['requests']} requests, {gateway['429s']} 429s, {gateway['seconds']} s "
        f"= {gateway['x floor']} x the {FLOOR_SECONDS:.0f} s rate-limit floor"
    )
    plain = rows[-1]
    summary = {
        "measure": f"{UPDATES} card updates",
        "ours": f"{gateway['429s']} 429s, {gateway['seconds']} s",
        "baseline": f"{plain['scenario']}: {plain['429s']} 429s, {plain['failed']} lost",
    }
    return {
        "rows": rows,
        "ok": ok,
        "verdict": verdict,
        "floor_seconds": FLOOR_SECONDS,
        "summary": summary,
    }
