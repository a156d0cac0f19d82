"""The board as a round reads it once at the start: its lists, open cards and labels by id."""

from app.outbox import PermanentError
from app.trello.board import LIST_KEYS


class BoardNotReady(PermanentError):
    """The board lacks the lists the round needs: run setup-board first."""


class BoardState:
    """The board as read once at the start: lists, open cards and labels by id."""

    def __init__(self, state, programme):
        self.cards = {card["id"]: card for card in state.get("cards", [])}
        self.labels = {label["id"]: label.get("name", "") for label in state.get("labels", [])}
        open_lists = {item["id"] for item in state.get("lists", []) if not item.get("closed")}
        self.lists = {}
        for key in LIST_KEYS:
            list_id = programme.list_id(key)
            if list_id not in open_lists:
                raise BoardNotReady(f"the {key} list is missing: run `flask setup-board`")
            self.lists[key] = list_id

    def short_url(self, card_id):
        """Return an open card's short URL, or None when the card is gone."""
        card = self.cards.get(card_id or "")
        return card.get("shortUrl") if card else None

    def made_by_lost_run(self, round_card_names):
        """Return the round card a run that died before recording it left in Matched (under
        any of the names it may have been given), or None."""
        for card in self.cards.values():
            if card.get("idList") == self.lists["matched"] and card.get("name") in round_card_names:
                return card
        return None

    def ensure_label(self, gateway, name):
        """Return the id of the label with this name, creating it once."""
        for label_id, label_name in self.labels.items():
            if label_name == name:
                return label_id
        label = gateway.create_label(name, "purple")
        self.labels[label["id"]] = name
        return label["id"]

    def differs(self, card_id, fields):
        """Tell whether a card is not yet as the round wants it."""
        card = self.cards[card_id]
        return (
            card.get("name") != fields["name"]
            or card.get("idList") != fields["list_id"]
            or float(card.get("pos", 0)) != float(fields["pos"])
            or set(card.get("idLabels", [])) != set(fields["label_ids"])
            or (card.get("desc") or "") != fields["desc"]
        )
