"""Human pages: the index, the board (with organiser forms) and the mail outbox."""

import re

from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from markupsafe import Markup, escape

from trello_sandbox import constants
from trello_sandbox.core import sandbox
from trello_sandbox.model.boards import create_list, labels_by_id
from trello_sandbox.model.card_extras import add_attachment, add_comment
from trello_sandbox.model.cards import create_card, update_card
from trello_sandbox.model.errors import TrelloError
from trello_sandbox.powerup_host.routes import app_url

bp = Blueprint("sandbox_pages", __name__, template_folder="templates")
# A Markdown link, or a bare URL that stops before an escaped quote or angle bracket.
LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^\s)]+)\)|(https?://(?:[^\s<&]|&(?!#|lt;|gt;))+)")
CARD_URL = re.compile(r"^https://trello\.com/c/([A-Za-z0-9]{8})")
FORM_ACTIONS = {
    "add-list": lambda sb, who, f: create_list(sb, who, constants.BOARD_ID, f.get("name")),
    "add-card": lambda sb, who, f: create_card(
        sb, who, {k: f.get(k) for k in ("idList", "name", "desc")}
    ),
    "move": lambda sb, who, f: update_card(sb, who, f.get("card"), {"idList": f.get("idList")}),
    "comment": lambda sb, who, f: add_comment(sb, who, f.get("card"), f.get("text")),
    "attach": lambda sb, who, f: add_attachment(
        sb, who, f.get("card"), f.get("url"), f.get("name") or None
    ),
    "archive": lambda sb, who, f: update_card(sb, who, f.get("card"), {"closed": True}),
    "restore": lambda sb, who, f: update_card(sb, who, f.get("card"), {"closed": False}),
}


@bp.app_template_filter("linkify")
def linkify(text, local=True):
    """Return text escaped, with URLs and Markdown links clickable; card short URLs stay on page."""

    def link(match):
        label, url = (match[1], match[2]) if match[2] else (None, match[3])
        trail = ""
        if label is None:  # a bare URL does not end with the sentence's punctuation
            trail = url[len(url.rstrip(".,;:!?)")) :]
            url = url[: len(url) - len(trail)]
        card = CARD_URL.match(url)
        href = f"#card-{card[1]}" if local and card else url
        return f'<a href="{href}">{label or url}</a>{trail}'

    return Markup(LINK.sub(link, str(escape(text or ""))))


def board_view():
    """Return the board as the page shows it: open lists with their cards, plus archived cards."""
    store = sandbox().store
    board_id = constants.BOARD_ID
    labels = labels_by_id(store, board_id)
    lists = sorted(store.find("list", board=board_id), key=lambda x: x["pos"])
    actions = store.find("action", board=board_id)
    comments = {}
    for action in actions:
        if action["type"] == "commentCard":
            comments.setdefault(action["data"]["card"]["id"], []).append(action)
    cards = []
    for card in sorted(store.find("card", board=board_id), key=lambda c: c["pos"]):
        cards.append(
            {
                **card,
                "labels": [labels[i] for i in card["idLabels"] if i in labels],
                "shortUrl": f"https://trello.com/c/{card['shortLink']}",
                "attachments": store.find("attachment", parent=card["id"]),
                "comments": comments.get(card["id"], []),
            }
        )
    shown = [
        {**lst, "cards": [c for c in cards if c["idList"] == lst["id"] and not c["closed"]]}
        for lst in lists
        if not lst["closed"]
    ]
    return {
        "board": store.get("board", board_id),
        "lists": shown,
        "archived": [c for c in cards if c["closed"]],
        "version": actions[-1]["id"] if actions else "",
    }


@bp.get("/")
def index():
    """Link the board, the mail outbox and the API, and show the sandbox-only credentials."""
    return render_template("sandbox/index.html", c=constants)


SIGNED_OUT = "signed-out"


@bp.get("/sandbox/board")
def board_page():
    """Render the board; a small script reloads it when the board changes."""
    members = {member_id: names[0] for member_id, names in constants.MEMBERS.items()}
    # ?as=signed-out shows the board as to a viewer who is not signed in to Trello.
    members[SIGNED_OUT] = "nobody (signed out)"
    acting = request.args.get("as")
    acting = acting if acting in members else constants.NORMAL_MEMBER_ID
    return render_template(
        "sandbox/board.html",
        view=board_view(),
        members=members,
        acting=acting,
        error=request.args.get("error"),
        powerup_app=app_url(),
        role=constants.BOARD_ROLES.get(acting, ""),
        c=constants,
    )


@bp.get("/sandbox/board.json")
def board_json_view():
    """Return the board page's data, with a version that changes with every action."""
    return jsonify(board_view())


@bp.post("/sandbox/board/<action>")
def board_form(action):
    """Apply an organiser's form (add list or card, move, comment, attach, archive) as a member."""
    who = request.form.get("member") or constants.NORMAL_MEMBER_ID
    if action not in FORM_ACTIONS:
        return redirect(url_for(".board_page", error=f"unknown action {action}", **{"as": who}))
    try:
        FORM_ACTIONS[action](sandbox(), who, request.form)
    except TrelloError as error:
        return redirect(
            url_for(".board_page", error=f"{error.status}: {error.text}", **{"as": who})
        )
    return redirect(url_for(".board_page", **{"as": who}))


@bp.get("/sandbox/mail")
def mail_page():
    """Render the mail outbox, newest first."""
    return render_template(
        "sandbox/mail.html", mails=sandbox().store.find("mail", newest_first=True)
    )
