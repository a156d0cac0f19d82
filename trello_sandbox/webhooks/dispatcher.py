"""Webhook delivery as Trello does it: signed JSON POSTs from a background worker, with retries."""

import heapq
import itertools
import threading
import time

import requests

from trello_sandbox.model.ids import now_iso
from trello_sandbox.webhooks.payload import encode, sign, webhook_json


class Dispatcher:
    """Delivers each action to the matching webhooks in order, off the request thread."""

    def __init__(self, store, secret, retry_delays, timeout):
        self.store, self.secret = store, secret
        self.retry_delays, self.timeout = tuple(retry_delays), timeout
        self._jobs = []  # heap of (due, seq, job): first attempts keep action order
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._generation = 0
        self._thread = None

    def enqueue(self, action, model_for):
        """Queue a delivery of action to each active webhook on its board, card or list."""
        data = action["data"]
        watched = {
            data.get(k, {}).get("id") for k in ("board", "card", "list", "listBefore", "listAfter")
        }
        for hook in self.store.find("webhook"):
            if hook["active"] and hook["idModel"] in watched:
                payload = {
                    "model": model_for(hook["idModel"]),
                    "action": action,
                    "webhook": webhook_json(hook),
                }
                job = {
                    "hook": hook["id"],
                    "url": hook["callbackURL"],
                    "body": encode(payload),
                    "action": action["id"],
                    "type": action["type"],
                    "attempt": 0,
                }
                self._push(job, 0)

    def clear(self):
        """Drop pending deliveries (a reset); one already being sent is not logged."""
        with self._cond:
            self._jobs.clear()
            self._generation += 1

    def _push(self, job, delay):
        """Schedule a job delay seconds from now and wake the worker."""
        with self._cond:
            job["generation"] = self._generation
            heapq.heappush(self._jobs, (time.monotonic() + delay, next(self._seq), job))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, daemon=True, name="webhooks")
                self._thread.start()
            self._cond.notify()

    def _next(self):
        """Wait for the earliest due job and return it."""
        with self._cond:
            while True:
                wait = self._jobs[0][0] - time.monotonic() if self._jobs else None
                if wait is not None and wait <= 0:
                    return heapq.heappop(self._jobs)[2]
                self._cond.wait(wait)

    def _run(self):
        """Deliver jobs for ever (a daemon thread)."""
        while True:
            job = self._next()
            try:
                self._deliver(job)
            except Exception:  # noqa: BLE001 - the worker must outlive any one delivery
                continue

    def _deliver(self, job):
        """POST one job, log it, and retry, count the failure, or delete the webhook."""
        hook = self.store.get("webhook", job["hook"])
        if hook is None or not hook["active"]:
            return
        status, error = self._post(job)
        with self._cond:
            if job["generation"] != self._generation:
                return
        entry = {key: job[key] for key in ("action", "type", "attempt")}
        entry.update(
            webhook=job["hook"],
            callbackURL=job["url"],
            status=status,
            error=error,
            time=now_iso(),
            body=job["body"].decode("utf-8"),
        )
        self.store.append_log("delivery", entry)
        if status == 410:
            self.store.delete("webhook", hook["id"])
        elif status is not None and 200 <= status < 300:
            self._count_failure(hook, failed=False)
        else:
            self._count_failure(hook, failed=True)
            if job["attempt"] < len(self.retry_delays):
                self._push(
                    {**job, "attempt": job["attempt"] + 1}, self.retry_delays[job["attempt"]]
                )

    def _post(self, job):
        """Send the signed body; return (status or None, error text or None)."""
        headers = {
            "Content-Type": "application/json",
            "X-Trello-Webhook": sign(self.secret, job["body"], job["url"]),
            "User-Agent": "Trello Sandbox",
        }
        try:
            response = requests.post(
                job["url"], data=job["body"], headers=headers, timeout=self.timeout
            )
        except requests.RequestException as exc:
            return None, f"{type(exc).__name__}: {exc}"
        return response.status_code, None

    def _count_failure(self, hook, failed):
        """Keep the webhook's consecutiveFailures and firstConsecutiveFailDate up to date."""
        with self.store.transaction():
            current = self.store.get("webhook", hook["id"])
            if current is None:
                return
            if failed:
                current["consecutiveFailures"] += 1
                current["firstConsecutiveFailDate"] = (
                    current["firstConsecutiveFailDate"] or now_iso()
                )
            else:
                current["consecutiveFailures"], current["firstConsecutiveFailDate"] = 0, None
            self.store.put("webhook", current, parent=current["token"])
