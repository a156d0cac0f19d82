"""py-trello's own classes work against the sandbox without a KeyError, end to end."""

from trello_sandbox import constants


def _board_with_lists(client, *names):
    """Return the sandbox board (py-trello Board) and new lists on it."""
    board = client.get_board(constants.BOARD_ID)
    return board, [board.add_list(name) for name in names]


def test_board_lists_and_cards_round_trip_through_py_trello(trello_client):
    board, (signups, matched) = _board_with_lists(trello_client, "Sign-ups", "Matched")
    assert board.name == constants.BOARD_NAME and board.url.startswith("https://trello.com/b/")
    assert [lst.name for lst in board.open_lists()] == ["Sign-ups", "Matched"]

    card = signups.add_card("Grace Hopper · Navy", desc="Round 1")
    assert card.short_url == f"https://trello.com/c/{card._json_obj['shortLink']}"
    assert card.url.startswith(card.short_url + "/1-grace-hopper-navy")
    assert card.badges["checkItems"] == 0 and card.idShort == 1

    card.change_list(matched.id)
    assert [c.name for c in matched.list_cards()] == ["Grace Hopper · Navy"]
    assert signups.list_cards() == []
    assert [c.id for c in board.open_cards()] == [card.id]

    card.set_name("Grace Hopper · US Navy")
    card.set_description("partner: https://trello.com/c/abcdEFGH")
    fetched = trello_client.get_card(card.id)
    assert (fetched.name, fetched.desc) == ("Grace Hopper · US Navy", card.description)
    assert fetched.list_id == matched.id and fetched.board_id == constants.BOARD_ID


def test_comment_and_link_attachment_are_read_back_by_card_fetch(trello_client):
    _, (signups,) = _board_with_lists(trello_client, "Sign-ups")
    card = signups.add_card("Ada Lovelace · Analytical Engines")

    action = card.comment("We met! Notes at https://example.org/notes")
    assert action["type"] == "commentCard" and action["data"]["text"].startswith("We met!")
    attachment = card.attach(url="https://blog.example.org/post")
    assert attachment["name"] == "https://blog.example.org/post" and attachment["isUpload"] is False

    card.fetch()
    assert card.badges["comments"] == 1 and card.badges["attachments"] == 1
    assert [c["data"]["text"] for c in card.comments] == [action["data"]["text"]]
    assert [a.url for a in card.get_attachments()] == ["https://blog.example.org/post"]


def test_labels_are_created_added_and_removed_through_py_trello(trello_client):
    board, (signups,) = _board_with_lists(trello_client, "Sign-ups")
    label = board.add_label("Round 1", "green")
    assert "Round 1" in [lbl.name for lbl in board.get_labels()]

    card = signups.add_card("Katherine Johnson · NASA", labels=[label])
    assert [lbl.name for lbl in card.labels] == ["Round 1"]
    card.remove_label(label)
    card.add_label(label)
    card.fetch(eager=False)
    assert card.idLabels == [label.id]
    types = [a["type"] for a in board.fetch_actions("addLabelToCard,removeLabelFromCard")]
    assert types == ["addLabelToCard", "removeLabelFromCard"]  # newest first


def test_archived_cards_leave_open_cards_but_stay_in_all_cards(trello_client):
    board, (signups,) = _board_with_lists(trello_client, "Sign-ups")
    kept, archived = signups.add_card("Kept"), signups.add_card("Gone")
    archived.set_closed(True)
    assert [c.name for c in board.open_cards()] == ["Kept"]
    assert {c.name for c in board.all_cards()} == {"Kept", "Gone"}
    assert [c.name for c in board.closed_cards()] == ["Gone"]
    assert kept.id in [c.id for c in signups.list_cards()]


def test_members_and_memberships_name_each_role(trello_client):
    board = trello_client.get_board(constants.BOARD_ID)
    me = trello_client.get_member("me")
    assert me.id == constants.ADMIN_MEMBER_ID and me.email.endswith("@sandbox.invalid")
    ids = {m.id for m in board.all_members()}
    assert ids == {
        constants.ADMIN_MEMBER_ID,
        constants.NORMAL_MEMBER_ID,
        constants.OBSERVER_MEMBER_ID,
    }
    roles = trello_client.fetch_json(f"/boards/{board.id}/memberships")
    assert {m["idMember"]: m["memberType"] for m in roles} == constants.BOARD_ROLES


def test_webhooks_are_listed_and_deleted_through_py_trello(trello_client, webhook_receiver):
    hook = trello_client.create_hook(webhook_receiver.url, constants.BOARD_ID, desc="py-trello")
    made = trello_client.fetch_json(
        "/webhooks",
        http_method="POST",
        post_args={"callbackURL": webhook_receiver.url + "?b", "idModel": constants.BOARD_ID},
    )
    listed = trello_client.list_hooks()
    assert {h.id for h in listed} == {hook.id, made["id"]}
    for found in listed:
        found.delete()
    assert trello_client.list_hooks() == []


def test_one_call_put_moves_renames_and_archives_through_fetch_json(trello_client):
    board, (signups, shared) = _board_with_lists(trello_client, "Sign-ups", "Shared")
    card = signups.add_card("Alan Turing · Bletchley")
    updated = trello_client.fetch_json(
        f"/cards/{card.id}",
        http_method="PUT",
        post_args={"idList": shared.id, "name": "Alan Turing", "desc": "new", "closed": True},
    )
    assert (updated["idList"], updated["name"], updated["closed"]) == (
        shared.id,
        "Alan Turing",
        True,
    )
    keys = [a["display"]["translationKey"] for a in board.fetch_actions("updateCard")]
    assert keys == [  # newest first: one action per changed field, as Trello records them
        "action_archived_card",
        "action_changed_description_of_card",
        "action_renamed_card",
        "action_move_card_from_list_to_list",
    ]
