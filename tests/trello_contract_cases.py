"""How to ask the sandbox what each recorded Trello answer answered (on the board the contract
test furnishes), and which of the answer's keys the sandbox is excused from imitating, and why."""

from dataclasses import dataclass, field

# The sandbox models no checklists (trello_sandbox/README.md, "Not modelled"): no card has one.
CHECKLISTS = ("idChecklists[]", "checkItemStates[]")
# A card's email-in address: 2016 and 2018 answers show it; the 2023 and 2025 ones send null
# (GET_cards_id__rwjdk-TrelloDotNet.json, GET_boards_id_cards__a-straube-dashboard.json), as the
# sandbox does.
OLD_CARD_EMAIL = ("cards[].email",)
# The sandbox board has a colour background; for those Trello sends null here (all 21 colour
# boards nested in GET_members_me__DanielZhu.json do).
PHOTO_BACKGROUND = ("prefs.backgroundImage", "prefs.backgroundImageScaled")
ACTION_KINDS = {"actions[]": lambda a: (a["type"], tuple(sorted(a["data"].get("old", {}))))}


@dataclass
class Replay:
    """A request standing for a recorded one; its expected status; keys excused, and how a
    list of several kinds of item sorts them (see tests/json_shapes.py)."""

    request: object  # (sandbox helper, furnished board) -> requests.Response
    status: int = 200
    ignore: tuple = ()
    kinds: dict = field(default_factory=dict)


def _fill(template, sandbox, board):
    """Fill {board}, {token} and the furnished board's names into a path or value."""
    if not isinstance(template, str):
        return template
    return template.format(board=sandbox.board_id, token=sandbox.token, **vars(board))


def call(method, path, params=None, **body):
    """Return a request: method and path, with query params or a JSON body, names filled in."""

    def send(sandbox, board):
        filled = {k: _fill(v, sandbox, board) for k, v in body.items()}
        query = {k: _fill(v, sandbox, board) for k, v in (params or {}).items()}
        kwargs = {"json": filled} if filled else {}
        return sandbox.api(method, _fill(path, sandbox, board), params=query, **kwargs)

    return send


def rate_limited(sandbox, board):
    """Return the sandbox's 429, as any call over the limit meets it."""
    sandbox.control("faults", status=429, count=1)
    return sandbox.api("GET", f"/boards/{sandbox.board_id}")


BOARD_CARDS = call("GET", "/boards/{board}/cards")
ONE_CARD = call("GET", "/cards/{card}")
NEW_CARD = {"idList": "{signups}", "name": "Alan Turing · Bletchley", "desc": "Email: a@t.org"}
EXPORT = {
    **dict.fromkeys(("actions", "cards", "lists", "members", "labels", "checklists"), "all"),
    "fields": "all",
    # Not in SOURCES.md's outline of the export's query, but the body shows them asked for:
    # its cards carry attachments, pluginData and limits, its lists limits, its members bios.
    **dict.fromkeys(("card_fields", "list_fields", "member_fields"), "all"),
    **dict.fromkeys(("card_attachments", "card_pluginData", "pluginData"), "true"),
    "actions_limit": "1000",
}
REPLAYS = {
    "GET_cards_id__rwjdk-TrelloDotNet.json": Replay(ONE_CARD, ignore=CHECKLISTS),
    "GET_cards_id__rwjdk-TrelloDotNet-2.json": Replay(ONE_CARD),
    "GET_cards_id__adlio-trello.json": Replay(ONE_CARD),
    "GET_boards_id_cards__a-straube-dashboard.json": Replay(BOARD_CARDS, ignore=CHECKLISTS),
    "GET_boards_id_cards__rwjdk-TrelloDotNet.json": Replay(
        BOARD_CARDS,
        # Only a card with a photo cover (its first) carries these; the sandbox makes no covers.
        ignore=(*CHECKLISTS, "cover.edgeColor", "cover.scaled", "cover.sharedSourceUrl"),
    ),
    "GET_boards_id_cards__gmoraita.json": Replay(BOARD_CARDS),
    "GET_lists_id_cards__AdilSharif5-video-generator.json": Replay(
        call("GET", "/lists/{signups}/cards"), ignore=CHECKLISTS
    ),
    "GET_boards_id_cards_fields-subset__ToucanToco.json": Replay(
        call(
            "GET",
            "/boards/{board}/cards",
            {"fields": "name,url,idList,idMembers,labels", "customFieldItems": "true"},
        ),
        # The sandbox models no custom fields (TRELLO.md: they need a paid plan; unused here).
        ignore=("customFieldItems[]",),
    ),
    "GET_boards_id__rwjdk-TrelloDotNet.json": Replay(
        call("GET", "/boards/{board}"), ignore=PHOTO_BACKGROUND
    ),
    "GET_boards_id_with_cards_lists__alphagov-trello-tracker.json": Replay(
        call(
            "GET",
            "/boards/{board}",
            {"lists": "open", "cards": "open", "card_attachments": "true"}
            | {"fields": "name,shortLink,shortUrl,url,desc"},
        ),
        ignore=OLD_CARD_EMAIL,
    ),
    "GET_boards_id_full_export__SengitU.json": Replay(
        call("GET", "/boards/{board}", EXPORT),
        ignore=(*PHOTO_BACKGROUND, *OLD_CARD_EMAIL),
        kinds=ACTION_KINDS,
    ),
    "GET_members_id_boards__gmoraita.json": Replay(
        call("GET", "/members/adaorganiser/boards", {"lists": "all"}), ignore=PHOTO_BACKGROUND
    ),
    "GET_members_me__DanielZhu.json": Replay(
        call("GET", "/members/me"),
        # Nested by the boards=, organizations= and boardStars= arguments SOURCES.md infers
        # from the keys; the app's own GET /1/members/me sends none of them. And the web
        # client's tips a member has dismissed: the sandbox has no web client, so none.
        ignore=("boards", "organizations", "boardStars", "oneTimeMessagesDismissed[]"),
    ),
    "GET_boards_id_lists__rwjdk-TrelloDotNet.json": Replay(call("GET", "/boards/{board}/lists")),
    "GET_boards_id_labels__rwjdk-TrelloDotNet.json": Replay(call("GET", "/boards/{board}/labels")),
    "GET_boards_id_members__rwjdk-TrelloDotNet.json": Replay(
        call("GET", "/boards/{board}/members")
    ),
    "POST_cards__lea-tech-nan-spacex.json": Replay(call("POST", "/cards", **NEW_CARD)),
    "POST_cards__adlio-trello.json": Replay(
        call("POST", "/cards", **NEW_CARD, pos="bottom", idLabels="{label}")
    ),
    "POST_cards_id_actions_comments__rwjdk-TrelloDotNet.json": Replay(
        call("POST", "/cards/{card}/actions/comments", text="Partner: https://trello.com/c/x"),
        kinds={"entities[]": lambda entity: entity["type"]},
    ),
    "POST_cards_id_attachments__adlio-trello.json": Replay(
        call("POST", "/cards/{card}/attachments", url="https://example.org/output"),
        # SOURCES.md doubts this capture: `bytes: 6654` on a link looks hand-made; Trello's link
        # attachments have bytes null (GET_boards_id_with_cards_lists__alphagov-trello-tracker).
        ignore=("bytes",),
    ),
    "GET_tokens_token_webhooks__rwjdk-TrelloDotNet.json": Replay(
        call("GET", "/tokens/{token}/webhooks")
    ),
    "POST_tokens_token_webhooks__Hamza-crypto.json": Replay(
        call(
            "POST",
            "/tokens/{token}/webhooks",
            callbackURL="{callback}/contract",
            idModel="{board}",
            description="UnMentoring",
        )
    ),
    "DELETE_webhooks_id__adlio-trello.json": Replay(call("DELETE", "/webhooks/{hook}")),
    "ERROR_429_extension-limit__trapias-TrelloExport-issue81.json": Replay(rate_limited, 429),
    "ERROR_429_token-limit__atlassian-docs.json": Replay(rate_limited, 429),
}
