"""What the rounds tests and the fault suite share: people with cards, and the board as a
snapshot two runs can be compared by (names, labels, descriptions; never ids)."""

import re

from app.db import db, utcnow
from app.models import Person, current_programme

ORGS = ["Leeds City Council", "Hackney", "Camden", "Bristol", "Kent", "Wigan"]


def add_people(app, sandbox, count, share=("email",)):
    """Create confirmed participants with cards in Sign-ups; return their ids."""
    ids = []
    with app.app_context():
        programme = current_programme()
        signups = programme.list_id("signups")
        for n in range(count):
            name, org = f"Person {n:03d}", ORGS[n % len(ORGS)]
            card = sandbox.api(
                "POST", "/cards", params={"idList": signups, "name": f"{name} · {org}"}
            )
            person = Person(
                programme_id=programme.id,
                full_name=name,
                email=f"p{n}@example.org",
                phone=f"+4470000000{n:02d}",
                organisation=org,
                topics=f"topic {n}",
                share_channels=list(share),
                status="active",
                confirmed_at=utcnow(),
                trello_card_id=card.json()["id"],
            )
            db.session.add(person)
            db.session.flush()
            ids.append(person.id)
        db.session.commit()
    return ids


def board_snapshot(sandbox):
    """Return lists → ordered cards (name, labels, description with links as card names)."""
    state = sandbox.api(
        "GET",
        f"/boards/{sandbox.board_id}",
        params={"lists": "open", "cards": "open", "labels": "all"},
    ).json()
    names = {c["shortUrl"]: c["name"] for c in state["cards"]}
    labels = {label["id"]: label["name"] for label in state["labels"]}
    snapshot = {}
    for trello_list in state["lists"]:
        cards = sorted(
            (c for c in state["cards"] if c["idList"] == trello_list["id"]), key=lambda c: c["pos"]
        )
        snapshot[trello_list["name"]] = [
            (
                c["name"],
                sorted(labels[i] for i in c["idLabels"]),
                re.sub(
                    r"https://trello\.com/c/\w+", lambda m: names.get(m.group(0), "?"), c["desc"]
                ),
            )
            for c in cards
        ]
    return snapshot
