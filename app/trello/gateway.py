"""The one door to Trello: domain-named calls through py-trello that return plain data."""

import json
import time

import requests
from flask import current_app
from trello import TrelloClient
from trello.exceptions import ResourceUnavailable

from app.models import current_programme
from app.trello import shared_budget, vault
from app.trello.http import TrelloError, TrelloSession, redact
from app.trello.throttle import KEY_RATE_LIMIT, Throttle, digest, shared_key_budget

__all__ = ["NotAuthorised", "TrelloError", "TrelloGateway", "gateway_for", "get_gateway"]

PING_TIMEOUT = 3.0
# Trello ids start with their creation time in seconds; allow for clocks that disagree.
CLOCK_SLACK = 120
BATCH_LIMIT = 10  # Trello's OpenAPI get-batch: at most 10 routes per call


class TrelloGateway:
    """Trello calls for one board, rate-limited and retried, returning dicts and lists."""

    def __init__(
        self,
        api_key,
        token,
        base_url,
        board_id,
        *,
        timeout=10.0,
        max_retries=5,
        rate_limit=100,
        rate_window=10.0,
        key_rate_limit=None,
        key_budget=None,
        token_budget=None,
        clock=time.monotonic,
        sleep=time.sleep,
        backoff_base=0.5,
    ):
        """rate_limit is the token's requests per rate_window; key_rate_limit the API key's,
        by default Trello's ratio of three tokens' worth (300 to 100). key_budget is the
        budget shared with other gateways on the key, by default this process's one;
        token_budget the token's, by default the gateway's own (throttle.Budget, both)."""
        self.board_id, self._token, self._secrets = board_id, token, (api_key, token)
        if key_budget is None:
            key_limit = key_rate_limit or rate_limit * KEY_RATE_LIMIT // 100
            key_budget = shared_key_budget(api_key, key_limit, rate_window, clock=clock)
        self.throttle = Throttle(
            rate_limit,
            rate_window,
            clock=clock,
            sleep=sleep,
            key_budget=key_budget,
            token_budget=token_budget,
            party=digest(token),
        )
        self.session = TrelloSession(
            base_url,
            self.throttle,
            timeout=timeout,
            max_retries=max_retries,
            backoff_base=backoff_base,
            secrets=self._secrets,
            sleep=sleep,
        )
        # py-trello 0.20.1 sends api_secret as the `token` query parameter; token= would
        # switch it to OAuth1 signing (trelloclient.py TrelloClient.__init__/fetch_json).
        self._client = TrelloClient(api_key=api_key, api_secret=token, http_service=self.session)

    @classmethod
    def from_config(cls, config):
        """Build a gateway from a mapping of settings named as in app.config; with REDIS_URL,
        its token's and its key's budgets are the ones every process shares in Redis."""
        api_key, token = config["TRELLO_API_KEY"], config.get("TRELLO_TOKEN")
        rate_limit = int(config.get("TRELLO_RATE_LIMIT", 100))
        budgets = {}
        if config.get("REDIS_URL"):
            url, key_limit = config["REDIS_URL"], rate_limit * KEY_RATE_LIMIT // 100
            budgets = {
                "token_budget": shared_budget.token_budget(url, token, rate_limit),
                "key_budget": shared_budget.key_budget(url, api_key, key_limit),
            }
        return cls(
            api_key,
            token,
            config["TRELLO_API_BASE"],
            config.get("TRELLO_BOARD_ID"),
            timeout=float(config.get("TRELLO_TIMEOUT", 10.0)),
            max_retries=int(config.get("TRELLO_MAX_RETRIES", 5)),
            rate_limit=rate_limit,
            **budgets,
        )

    def _call(self, method, path, params=None, body=None):
        """Send one call through py-trello and return its JSON, or raise TrelloError."""
        try:
            return self._client.fetch_json(
                path, http_method=method, query_params=dict(params or {}), post_args=body
            )
        except ResourceUnavailable as exc:  # Unauthorized is a subclass
            raise self._error(exc, method, path) from None
        except requests.exceptions.JSONDecodeError as exc:
            # fetch_json returns response.json() unchecked, so a 200 that is not JSON
            # surfaces as a JSONDecodeError (py-trello 0.20.1 trelloclient.py).
            doc, pos = getattr(exc, "doc", ""), getattr(exc, "pos", "?")
            message = f"answer is not valid JSON ({len(doc)} chars, fails at char {pos})"
            raise TrelloError(200, message, method, self._safe(path)) from None

    def _create(self, path, body, find):
        """POST a create; after an answer was lost, reuse what that attempt made, if anything.

        find(since) returns the object a lost attempt made (created at or after since), or None.
        """
        since, retries = time.time() - CLOCK_SLACK, self.session.current_max_retries()
        for attempt in range(retries + 1):
            try:
                return self._call("POST", path, body=body)
            except TrelloError as exc:
                if not exc.maybe_done:
                    raise
                if attempt < retries:
                    self.session.pause(attempt, retries, "POST", self._safe(path), "lost answer")
                found = find(since)
                if found is not None:
                    return found
                if attempt == retries:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _error(self, exc, method, path):
        """Translate py-trello's ResourceUnavailable into TrelloError with Trello's own message."""
        # ResourceUnavailable keeps only the status and "<body> at <url>", not the response
        # (py-trello 0.20.1 exceptions.py); the url carries no query string.
        text = exc._msg.rsplit(" at ", 1)[0]
        try:
            parsed = json.loads(text)
            text = parsed.get("message") or parsed.get("error") or text
        except (ValueError, AttributeError):
            pass  # Trello often answers errors as text/plain (`invalid id`)
        return TrelloError(
            exc._status, redact(str(text), self._secrets)[:500], method, self._safe(path)
        )

    def _safe(self, path):
        """Return an API path fit for messages: leading slash, no query, no secrets."""
        return redact("/" + path.lstrip("/").split("?", 1)[0], self._secrets)

    def board_state(self):
        """Return the board with its open lists, open cards (with attachments) and labels."""
        params = {"lists": "open", "cards": "open", "card_attachments": "true", "labels": "all"}
        return self._call("GET", f"/boards/{self.board_id}", params)

    def lists(self, filter="open"):
        """Return the board's lists (filter: open, closed or all)."""
        return self._call("GET", f"/boards/{self.board_id}/lists", {"filter": filter})

    def cards(self, filter="open"):
        """Return the board's cards with their attachments (filter: open, closed, all...)."""
        params = {"attachments": "true", "attachment_fields": "url,name"}
        return self._call("GET", f"/boards/{self.board_id}/cards/{filter}", params)

    def card(self, card_id):
        """Return one card."""
        return self._call("GET", f"/cards/{card_id}")

    def labels(self):
        """Return the board's labels."""
        return self._call("GET", f"/boards/{self.board_id}/labels")

    def memberships(self):
        """Return the board's memberships (idMember, memberType)."""
        return self._call("GET", f"/boards/{self.board_id}/memberships")

    def me(self):
        """Return the token's member; /members has its own 100 per 900 s limit, so sparingly."""
        return self._call("GET", "/members/me")

    def create_list(self, name, pos="bottom"):
        """Create a list on the board and return it."""
        body = {"name": name, "idBoard": self.board_id, "pos": pos}
        return self._create(
            "/lists", body, lambda since: self._made(self.lists(), since, name=name)
        )

    def reopen_list(self, list_id):
        """Unarchive a list and return it."""
        return self._call("PUT", f"/lists/{list_id}", body={"closed": False})

    def create_label(self, name, color=None):
        """Create a board label (color None means no colour) and return it."""
        body = {"name": name, "color": color, "idBoard": self.board_id}
        return self._create(
            "/labels", body, lambda since: self._made(self.labels(), since, name=name)
        )

    def delete_label(self, label_id):
        """Delete a board label (Trello takes it off every card that carries it too)."""
        self._call("DELETE", f"/labels/{label_id}")

    def create_card(self, list_id, name, desc="", pos="bottom", label_ids=(), taken=None):
        """Create a card in a list and return it.

        taken(card_id) tells whether a card already belongs to someone, so that after a lost
        answer a namesake's card made at the same time is never taken for this one.
        """
        body = {"idList": list_id, "name": name, "desc": desc, "pos": pos}
        if label_ids:
            body["idLabels"] = ",".join(label_ids)
        return self._create(
            "/cards", body, lambda since: self.find_card(list_id, name, desc, since, taken)
        )

    def find_card(self, list_id, name, desc, since, taken=None):
        """Return an open card in the list with this name and description made since then,
        and not taken (taken(card_id) is True for a card that belongs to someone already)."""
        cards = self._call("GET", f"/lists/{list_id}/cards") or []
        free = [card for card in cards if not (taken and taken(card.get("id")))]
        return self._made(free, since, name=name, desc=desc or "")

    def update_card(
        self, card_id, *, list_id=None, name=None, desc=None, label_ids=None, pos=None, closed=None
    ):
        """Change any of a card's list, name, description, labels, position, closed flag at once."""
        fields = {"idList": list_id, "name": name, "desc": desc, "pos": pos, "closed": closed}
        body = {k: v for k, v in fields.items() if v is not None}
        if label_ids is not None:
            body["idLabels"] = ",".join(label_ids)  # an empty string clears the labels
        if not body:
            raise ValueError("update_card needs at least one field to change")
        # py-trello's Card setters send one request per field; one PUT takes them all.
        return self._call("PUT", f"/cards/{card_id}", body=body)

    def move_card(self, card_id, list_id, pos="bottom"):
        """Move a card to a list and return it."""
        return self.update_card(card_id, list_id=list_id, pos=pos)

    def archive_card(self, card_id):
        """Archive (close) a card and return it."""
        return self.update_card(card_id, closed=True)

    def comment(self, card_id, text):
        """Comment on a card and return the commentCard action."""
        path = f"/cards/{card_id}/actions/comments"
        return self._create(
            path, {"text": text}, lambda since: self.find_comment(card_id, text, since)
        )

    def find_comment(self, card_id, text, since):
        """Return the card's comment with this text made since then, or None."""
        actions = self._call("GET", f"/cards/{card_id}/actions", {"filter": "commentCard"})
        found = [a for a in actions if (a.get("data") or {}).get("text") == text]
        return self._made(found, since)

    def attach_url(self, card_id, url, name=None):
        """Attach a link to a card and return the attachment."""
        body = {"url": url} if name is None else {"url": url, "name": name[:256]}
        path = f"/cards/{card_id}/attachments"
        return self._create(path, body, lambda since: self.find_attachment(card_id, url, since))

    def find_attachment(self, card_id, url, since):
        """Return the card's attachment of this URL made since then, or None."""
        attachments = self._call("GET", f"/cards/{card_id}/attachments")
        return self._made(attachments, since, url=url)

    def board_actions(self, filter="all", since=None, limit=1000):
        """Return the board's actions of the given types, newest first (at most 1,000 a call)."""
        params = {"filter": filter, "limit": limit}
        if since:
            params["since"] = since
        return self._call("GET", f"/boards/{self.board_id}/actions", params)

    def batch(self, urls):
        """Run up to 10 GET routes in one call; return [(status, body)] in order."""
        urls = list(urls)
        if not 0 < len(urls) <= BATCH_LIMIT:
            raise ValueError(f"batch takes 1 to {BATCH_LIMIT} routes, got {len(urls)}")
        # Routes are comma-separated and carry no /1 prefix (Trello OpenAPI get-batch).
        answer = self._call("GET", "/batch", {"urls": ",".join(urls)})
        try:
            return [(int(status), body) for item in answer for status, body in item.items()]
        except (TypeError, ValueError, AttributeError):
            raise TrelloError(
                200, "batch answer is not a list of {status: body}", "GET", "/batch"
            ) from None

    def webhooks(self):
        """Return the webhooks that belong to this token."""
        return self._call("GET", f"/tokens/{self._token}/webhooks")

    def create_webhook(self, callback_url, description, id_model=None):
        """Register a webhook on a model (default: the board) and return it."""
        # py-trello's create_hook posts form data to trello.com/1 and fails without OAuth
        # (py-trello issue #299), so this posts to /webhooks like any other call.
        body = {
            "callbackURL": callback_url,
            "idModel": id_model or self.board_id,
            "description": description,
        }
        match = {"callbackURL": callback_url, "idModel": body["idModel"]}
        return self._create(
            "/webhooks", body, lambda since: self._made(self.webhooks(), since, **match)
        )

    @staticmethod
    def _made(items, since, **fields):
        """Return the newest item with these field values whose id dates from since or later."""
        found = [
            item
            for item in items or []
            if all(item.get(k) == v for k, v in fields.items()) and _id_time(item) >= since
        ]
        return max(found, key=lambda item: item["id"]) if found else None

    def delete_webhook(self, webhook_id):
        """Delete a webhook."""
        self._call("DELETE", f"/webhooks/{webhook_id}")

    def activate_webhook(self, webhook_id):
        """Turn a webhook that Trello disabled (after failed deliveries) back on; return it."""
        return self._call("PUT", f"/webhooks/{webhook_id}", body={"active": "true"})

    def revoke_token(self):
        """Revoke this gateway's own token at Trello (its webhooks go with it)."""
        self._call("DELETE", f"/tokens/{self._token}")

    def ping(self):
        """Fetch the board's id with a short timeout and no retries; raise TrelloError if not."""
        # Not /members/me: /1/members/ allows only 100 calls per 900 s (Trello rate-limit docs).
        timeout = min(PING_TIMEOUT, self.session.timeout)
        with self.session.overrides(timeout=timeout, max_retries=0):
            self._call("GET", f"/boards/{self.board_id}", {"fields": "id"})
        return True


def _id_time(item):
    """Return when Trello made an object, from its id's leading seconds (0 when unreadable)."""
    try:
        return int(str(item.get("id", ""))[:8], 16)
    except ValueError:
        return 0


class NotAuthorised(TrelloError):
    """The programme has no token to work with: set-up was never finished, or the board's
    authorisation was revoked. Not retried: the board's admin must authorise again."""

    def __init__(self, programme):
        message = f"the board of programme {programme.id} is not authorised"
        super().__init__(401, message, "-", f"/boards/{programme.trello_board_id}")


def gateway_for(programme):
    """Return the gateway for a programme's board: the service's own (TRELLO_TOKEN) for the
    first programme, else one on the token its board admin gave, kept while that token is."""
    if programme.token_sealed is None:
        if programme.is_first:
            return current_app.extensions["trello"]
        raise NotAuthorised(programme)
    boards = current_app.extensions.setdefault("trello_boards", {})
    found = boards.get(programme.id)
    if found is not None and found[0] == programme.token_sealed:
        return found[1]
    try:
        token = vault.unseal(programme.token_sealed)
    except vault.VaultUnavailable:
        raise NotAuthorised(programme) from None
    config = current_app.config
    made = TrelloGateway.from_config(
        {**config, "TRELLO_TOKEN": token, "TRELLO_BOARD_ID": programme.trello_board_id}
    )
    boards[programme.id] = (programme.token_sealed, made)
    return made


def service_gateway():
    """Return the gateway on the service's own token (TRELLO_TOKEN), for the first board."""
    return current_app.extensions["trello"]


def get_gateway():
    """Return the Trello gateway of the programme the current work is for."""
    return gateway_for(current_programme())
