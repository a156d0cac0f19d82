"""The shape comparison the Trello contract rests on: what counts as a difference, and what not."""

from tests.json_shapes import differences


def test_a_missing_key_and_another_type_are_differences_and_a_superset_is_not():
    real = {"id": "a", "pos": 1, "name": "x"}
    assert differences(real, {"id": "a", "pos": 1.5, "name": "x", "extra": True}) == []
    assert differences(real, {"id": "a", "pos": "1"}) == [
        "name: missing from the sandbox's answer",
        "pos: real Trello sends number, the sandbox string",
    ]


def test_null_in_the_real_answer_matches_anything_but_not_the_other_way_round():
    assert differences({"due": None}, {"due": "2023-02-07T09:16:00.000Z"}) == []
    assert differences({"due": "2023-02-07T09:16:00.000Z"}, {"due": None}) == [
        "due: real Trello sends string, the sandbox null"
    ]


def test_each_of_our_items_is_held_to_the_union_of_the_real_ones():
    real = [{"id": "a", "cover": {"color": None}}, {"id": "b", "due": "2023"}, {"due": None}]
    assert differences(real, [{"id": "x", "cover": {"color": "red"}, "due": None}]) == []
    assert differences(real, [{"id": "x", "cover": {}}]) == [
        "[].cover.color: missing from the sandbox's answer",
        "[].due: missing from the sandbox's answer",
    ]


def test_real_items_against_nothing_but_empty_lists_go_reported_as_unchecked():
    real = {"labels": [{"id": "l"}]}
    assert differences(real, {"labels": []}) == [
        "labels: the sandbox's lists are all empty, so their items go unchecked"
    ]
    cards = [{"labels": [{"id": "l", "name": "n"}]}]
    assert differences(cards, [{"labels": []}, {"labels": [{"id": "m", "name": "o"}]}]) == []


def test_ignored_paths_and_their_endings_are_skipped_with_everything_below():
    real = [{"cover": {"scaled": [{"url": "u"}]}, "idChecklists": ["c"]}]
    mine = [{"cover": {}, "idChecklists": []}]
    assert differences(real, mine, ignore=("cover.scaled", "idChecklists[]")) == []


def test_items_of_several_kinds_are_compared_within_their_kind_only():
    real = [{"type": "comment", "text": "t"}, {"type": "card", "id": "c"}]
    kinds = {"[]": lambda item: item["type"]}
    assert differences(real, [{"type": "card", "id": "d"}, {"type": "other"}], kinds=kinds) == []
    assert differences(real, [{"type": "comment"}], kinds=kinds) == [
        "[].text: missing from the sandbox's answer"
    ]
