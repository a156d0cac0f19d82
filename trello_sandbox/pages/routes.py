"""Human pages: the index, the board (with organiser forms) and the mail outbox."""

import re

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from markupsafe import Markup, escape

from trello_sandbox import constants
from trello_sandbox.core import sandbox
from trello_sandbox.model import ids
from trello_sandbox.model.boards import create_list, labels_by_id
from trello_sandbox.model.card_extras import add_attachment, add_comment
from trello_sandbox.model.cards import create_card, update_card
from trello_sandbox.model.errors import TrelloError
from trello_sandbox.model.plugins import switch_powerup
from trello_sandbox.powerup_host.routes import app_url
from trello_sandbox.state.seed import new_board, powerup_enabled

bp = Blueprint("sandbox_pages", __name__, template_folder="templates")
# A Markdown link, or a bare URL that stops before an escaped quote or angle bracket.
LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^\s)]+)\)|(https?://(?:[^\s<&]|&(?!#|lt;|gt;))+)")
SECOND_BOARD_NAME = "Second network (sandbox)"
CARD_URL = re.compile(r"^https://trello\.com/c/([A-Za-z0-9]{8})")
FORM_ACTIONS = {
    "add-list": lambda sb, who, f: create_list(sb, who, f.get("board"), f.get("name")),
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


def chosen_board():
    """Return the board a page or form names (?board= or a form's board), else the first."""
    board_id = request.values.get("board") or constants.BOARD_ID
    board = sandbox().store.get("board", board_id) if ids.is_id(board_id) else None
    if board is None:
        abort(404, description=f"No sandbox board {board_id}")
    return board


def board_view(board_id=constants.BOARD_ID):
    """Return the board as the page shows it: open lists with their cards, plus archived cards."""
    store = sandbox().store
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
    """List the boards, link the mail outbox and the API, and show the sandbox's credentials."""
    store = sandbox().store
    boards = [
        {**board, "powerUp": powerup_enabled(store, board["id"])} for board in store.find("board")
    ]
    return render_template("sandbox/index.html", c=constants, boards=boards)


@bp.post("/sandbox/boards")
def add_board():
    """Add a board with one click: Nia Volunteer made it (admin); Olu Outsider and Oscar
    Observer are normal members; the Power-Up is not enabled yet. Show it acting as Nia."""
    store = sandbox().store
    count = len(store.find("board"))
    name = SECOND_BOARD_NAME if count == 1 else f"Network {count + 1} (sandbox)"
    roles = {
        constants.NORMAL_MEMBER_ID: "admin",
        constants.OUTSIDER_MEMBER_ID: "normal",
        constants.OBSERVER_MEMBER_ID: "normal",
    }
    board = new_board(store, name, roles)
    return redirect(url_for(".board_page", board=board["id"], **{"as": constants.NORMAL_MEMBER_ID}))


SIGNED_OUT = "signed-out"


@bp.get("/sandbox/board")
def board_page():
    """Render a board (?board=, the first by default); a small script reloads it when it
    changes. The Power-Up is hosted only when it is enabled on this board."""
    store = sandbox().store
    board = chosen_board()
    members = {m["id"]: m["fullName"] for m in store.find("member")}
    # ?as=signed-out shows the board as to a viewer who is not signed in to Trello.
    members[SIGNED_OUT] = "nobody (signed out)"
    acting = request.args.get("as")
    acting = acting if acting in members else constants.NORMAL_MEMBER_ID
    roles = {m["idMember"]: m["memberType"] for m in board["memberships"]}
    enabled = powerup_enabled(store, board["id"])
    return render_template(
        "sandbox/board.html",
        view=board_view(board["id"]),
        members=members,
        acting=acting,
        error=request.args.get("error"),
        powerup_app=app_url() if enabled else None,
        app_param=app_url(),
        powerup_enabled=enabled,
        role=roles.get(acting, ""),
        first=board["id"] == constants.BOARD_ID,
        c=constants,
    )


def _back(board, who, **extra):
    """Return the redirect to a board page acting as who (the first board keeps its old URL)."""
    if board["id"] != constants.BOARD_ID:
        extra["board"] = board["id"]
    if request.args.get("app"):
        extra["app"] = request.args["app"]
    return redirect(url_for(".board_page", **{"as": who}, **extra))


@bp.get("/sandbox/board.json")
def board_json_view():
    """Return the board page's data (?board=), with a version that changes with every action."""
    return jsonify(board_view(chosen_board()["id"]))


@bp.post("/sandbox/board/power-up")
def power_up_form():
    """Enable or disable the Power-Up on the board, as its admin does in Trello's Power-Ups
    menu; anyone else is refused."""
    board = chosen_board()
    who = request.form.get("member") or constants.NORMAL_MEMBER_ID
    roles = {m["idMember"]: m["memberType"] for m in board["memberships"]}
    if roles.get(who) != "admin":
        return _back(board, who, error="Only the board's admins can add or remove Power-Ups.")
    switch_powerup(sandbox(), who, board["id"], request.form.get("enabled") == "true")
    return _back(board, who)


@bp.post("/sandbox/board/<action>")
def board_form(action):
    """Apply an organiser's form (add list or card, move, comment, attach, archive) as a member."""
    who = request.form.get("member") or constants.NORMAL_MEMBER_ID
    board = chosen_board()
    if action not in FORM_ACTIONS:
        return _back(board, who, error=f"unknown action {action}")
    try:
        FORM_ACTIONS[action](sandbox(), who, {"board": board["id"], **request.form.to_dict()})
    except TrelloError as error:
        return _back(board, who, error=f"{error.status}: {error.text}")
    return _back(board, who)


@bp.get("/sandbox/mail")
def mail_page():
    """Render the mail outbox, newest first."""
    return render_template(
        "sandbox/mail.html", mails=sandbox().store.find("mail", newest_first=True)
    )
