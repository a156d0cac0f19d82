"""What the hostile-input tests share: a fixed hypothesis budget and a snapshot of all state."""

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from app.db import db


def budget(examples):
    """Return hypothesis settings for a fixed, repeatable run of this many examples."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
        ],
    )


def rows(app):
    """Return every table's rows, sorted, so two snapshots compare equal when nothing changed."""
    with app.app_context():
        snapshot = {
            table.name: sorted((tuple(row) for row in db.session.execute(table.select())), key=repr)
            for table in db.metadata.sorted_tables
        }
        db.session.remove()
    return snapshot


def trello_writes(sandbox):
    """Return how many writes (anything but GET) the sandbox's Trello API has been sent."""
    return sum(1 for entry in sandbox.requests() if entry["method"] != "GET")


def state(app, sandbox):
    """Return everything a rejected request must leave alone: the database and Trello."""
    return rows(app), trello_writes(sandbox)


def changed_tables(before, after):
    """Return the names of tables whose rows differ between two `rows` snapshots."""
    return sorted(name for name in after if before.get(name) != after[name])


# Text with what breaks naive code: controls, NUL, bidi overrides, combining marks, astral
# characters, lone surrogates (which UTF-8 cannot encode), and digits int() cannot read;
# the ordinary characters weigh most, so that a string is not hostile in every position.
_ANY = st.characters(codec="utf-8")
HOSTILE_CHARACTERS = st.one_of(
    _ANY,
    _ANY,
    _ANY,
    _ANY,
    st.sampled_from("\x00\x01\x1b\x7f\u0085\u2028\u202e\u2066\u0301\ufeff²٣\U0001f600"),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
)
HOSTILE_TEXT = st.text(alphabet=HOSTILE_CHARACTERS, max_size=40)
