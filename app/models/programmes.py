"""Programmes: one network's scheme on one Trello board, and finding the one a piece of work is for.

Every request, webhook delivery, outbox entry, timed job and operator command works for one
programme. Its entry point says which (`programme_scope`): a public page by its path
(`/p/<slug>/…`, unprefixed paths serve the first programme), a Power-Up call by its token's
board, a delivery by its action's board, an outbox entry by its row, a command by
`--programme`. `current_programme()` then answers with that programme; with none in scope it
is the first programme, the board named by TRELLO_BOARD_ID.
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from email.utils import parseaddr
from functools import wraps

import click
from flask import current_app
from sqlalchemy import JSON, Boolean, DateTime, Integer, String, Text, false, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import db, utcnow

ACTIVE, STOPPED = "active", "stopped"
# Slugs name a programme's pages: /p/<slug>/. Lower-case letters, digits and single hyphens.
SLUG_PATTERN = r"[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){1,38}[a-z0-9]"

log = logging.getLogger(__name__)
_scope = ContextVar("unmentoring_programme_id", default=None)


class Programme(db.Model):
    """One network's scheme, run on one Trello board; every other record belongs to one."""

    __tablename__ = "programmes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trello_board_id: Mapped[str] = mapped_column(String(24), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    # Board-side ids (lists, labels) and organiser settings; small and read as a whole.
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Its pages live at /p/<slug>/; the first programme also has the unprefixed paths.
    slug: Mapped[str | None] = mapped_column(String(40), unique=True)
    # Whether the service's start page lists it for anyone to find.
    listed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # "active", or "stopped": the Power-Up was removed, the authorisation revoked, or an
    # operator disabled it. A stopped programme does no work; its data is kept, then erased.
    state: Mapped[str] = mapped_column(String(16), default=ACTIVE, server_default=ACTIVE)
    stopped_at: Mapped[datetime | None] = mapped_column(DateTime)
    stopped_reason: Mapped[str | None] = mapped_column(String(300))
    # The board's Trello token, encrypted (app.trello.vault); None for the first programme,
    # which uses the service's TRELLO_TOKEN, and once authorisation is revoked.
    token_sealed: Mapped[str | None] = mapped_column(Text)
    token_member_id: Mapped[str | None] = mapped_column(String(24))
    authorised_at: Mapped[datetime | None] = mapped_column(DateTime)

    people = relationship("Person", back_populates="programme")

    def list_id(self, key):
        """Return the Trello list id stored for a list key such as 'signups', or None."""
        return (self.settings or {}).get("lists", {}).get(key)

    @property
    def active(self):
        """Whether the programme works: stopped programmes keep their data and do nothing."""
        return self.state == ACTIVE

    @property
    def is_first(self):
        """Whether this is the env-configured board's programme (TRELLO_BOARD_ID)."""
        return self.trello_board_id == current_app.config.get("TRELLO_BOARD_ID")

    @property
    def title(self):
        """The programme's name as people read it: its own, else the service's."""
        return self.name or "UnMentoring"

    @property
    def path_prefix(self):
        """Where its public pages live under PUBLIC_URL: "" for the first programme."""
        return "" if self.is_first or not self.slug else f"/p/{self.slug}"


def first_programme():
    """Return the programme of the configured Trello board, creating its row if missing."""
    board_id = current_app.config["TRELLO_BOARD_ID"]
    if not board_id:
        raise RuntimeError("TRELLO_BOARD_ID is not set: name the board this service runs on")
    found = db.session.scalar(select(Programme).where(Programme.trello_board_id == board_id))
    if found:
        return found
    programme = Programme(trello_board_id=board_id, name="", settings={})
    db.session.add(programme)
    try:
        db.session.commit()
    except IntegrityError:
        # Another process created it between our read and our write.
        db.session.rollback()
        return db.session.scalar(select(Programme).where(Programme.trello_board_id == board_id))
    return programme


def current_scope_id():
    """Return the id of the programme in scope, or None (the first programme)."""
    return _scope.get()


def current_programme():
    """Return the programme the current work is for (see the module's text)."""
    programme_id = _scope.get()
    if programme_id is not None:
        found = db.session.get(Programme, programme_id)
        if found is not None:
            return found
    return first_programme()


@contextmanager
def programme_scope(programme):
    """Run a block of work for one programme: current_programme() answers with it."""
    token = _scope.set(programme.id)
    try:
        yield programme
    finally:
        _scope.reset(token)


def enter_programme(programme):
    """Put a programme in scope until leave_programme(); for request hooks, which cannot
    wrap the view in a `with` block."""
    return _scope.set(programme.id if programme is not None else None)


def leave_programme(token):
    """Undo enter_programme()."""
    _scope.reset(token)


def programme_option(command):
    """Decorate an operator command (inside with_appcontext) with `--programme SLUG`: it works
    for that programme, or for the first one when the option is left out."""

    @click.option(
        "--programme",
        "programme_slug",
        metavar="SLUG",
        help="The programme, by its short web address (see `programmes`); default: the first.",
    )
    @wraps(command)
    def wrapped(*args, programme_slug=None, **kwargs):
        programme = (
            first_programme() if programme_slug is None else programme_by_slug(programme_slug)
        )
        if programme is None:
            raise click.BadParameter(
                f"no programme has the address {programme_slug!r}: `programmes` lists them",
                param_hint="--programme",
            )
        with programme_scope(programme):
            return command(*args, **kwargs)

    return wrapped


def programme_for_board(board_id):
    """Return the programme that runs on a board, or None for a board we do not serve."""
    return db.session.scalar(select(Programme).where(Programme.trello_board_id == board_id))


def programme_by_slug(slug):
    """Return the programme whose pages live at /p/<slug>/, or None."""
    return db.session.scalar(select(Programme).where(Programme.slug == slug))


def all_programmes():
    """Return every programme, the first one first, then by when they were set up."""
    first_programme()
    rows = list(db.session.scalars(select(Programme).order_by(Programme.id)))
    return sorted(rows, key=lambda p: (not p.is_first, p.id))


def active_programmes():
    """Return the programmes that work (not stopped), the first one first."""
    return [p for p in all_programmes() if p.active]


def listed_programmes():
    """Return the active programmes that chose to be listed on the start page."""
    return [p for p in active_programmes() if p.listed and not p.is_first]


def stop_programme(programme, reason):
    """Stop a programme's work and delete its stored token, in the caller's transaction; its
    data is kept (erased after the retention period) and it can be authorised again."""
    programme.state, programme.stopped_at = STOPPED, utcnow()
    programme.stopped_reason = reason[:300]
    programme.token_sealed = programme.token_member_id = None
    log.warning(
        "programme %s (board %s) stopped: %s; its stored token is deleted",
        programme.id,
        programme.trello_board_id,
        reason,
    )


def organisers_contact(programme):
    """Return (address, where it comes from) of whom people write to about the scheme and their
    details: the programme's own setting (board admins set it in the Power-Up), else the
    ORGANISERS_EMAIL setting of the service, else the address mail is sent from ("mail_from",
    which `flask doctor` warns about: it may be an address nobody reads)."""
    stored = ((programme.settings or {}) if programme is not None else {}).get("contact_email")
    if stored:
        return stored, "settings"
    if current_app.config.get("ORGANISERS_EMAIL"):
        return current_app.config["ORGANISERS_EMAIL"], "env"
    return parseaddr(current_app.config["MAIL_FROM"])[1], "mail_from"
