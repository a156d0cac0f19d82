"""One sandbox: its state, limits, faults, webhook worker and JWT key, behind one object."""

import functools

from flask import current_app, has_request_context, request

from trello_sandbox import constants
from trello_sandbox.faults import Faults
from trello_sandbox.jwt_keys import JwtKeys
from trello_sandbox.model.boards import model_json
from trello_sandbox.rate_limits import RateLimiter
from trello_sandbox.state.seed import seed, upgrade
from trello_sandbox.state.store import Store
from trello_sandbox.webhooks.dispatcher import Dispatcher


class Sandbox:
    """What the routes share: the store, and everything a reset puts back."""

    def __init__(
        self, state_path=None, *, rate_limits=True, retry_delays=(30, 60, 120), timeout=30
    ):
        self.store = Store(state_path)
        self.rate_limits = rate_limits
        self.limiter = RateLimiter(rate_limits)
        self.faults = Faults()
        self.webhook_timeout = timeout
        self.dispatcher = Dispatcher(self.store, constants.API_SECRET, retry_delays, timeout)
        if self.store.get("board", constants.BOARD_ID) is None:
            self.store.wipe()
            seed(self.store)
        elif self.store.get("token", constants.API_TOKEN) is None:
            upgrade(self.store)  # a state kept before tokens and boardPlugins were stored
        self.keys = JwtKeys(self.store)

    def reset(self):
        """Wipe and reseed; forget faults, logs, mail, windows and pending deliveries."""
        self.dispatcher.clear()
        self.faults.clear()
        self.limiter.reset(self.rate_limits)
        with self.store.transaction():
            self.store.wipe()
            seed(self.store)
            self.keys.retire_old()  # one signing key again, kept in the new state

    def record(self, action):
        """Store an action; queue its deliveries once the write's transaction commits."""
        if has_request_context() and request.path.startswith("/1/"):
            # Made through the REST API with the app's key: Trello names the app (a comment
            # made through the API, 2023: "appCreator": {"id": …}); the board page's are null.
            action["appCreator"] = {"id": constants.POWERUP_ID}
        card = action["data"].get("card") or {}
        self.store.put("action", action, board=action["data"]["board"]["id"], parent=card.get("id"))
        model = functools.partial(model_json, self.store)
        self.store.after_commit(lambda: self.dispatcher.enqueue(action, model))


def sandbox():
    """Return the Sandbox behind the current app (create_sandbox_app keeps it in extensions)."""
    return current_app.extensions["sandbox"]
