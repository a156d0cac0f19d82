"""The tables, one module per part of the product; every other package reads and writes them.

programmes: a board and its settings · people: participants · rounds: draws and their groups ·
organisations: canonical names and aliases ·
followup: outputs, check-ins and reminders · delivery: webhook events in, outbox entries out.
"""

from app.models.delivery import OutboxEntry, WebhookEvent
from app.models.followup import CheckIn, GroupReminder, Output
from app.models.organisations import Organisation
from app.models.people import STATUSES, Avoidance, Person, person_by_email, person_for_card
from app.models.programmes import (
    Programme,
    active_programmes,
    all_programmes,
    current_programme,
    current_scope_id,
    enter_programme,
    first_programme,
    leave_programme,
    listed_programmes,
    organisers_contact,
    programme_by_slug,
    programme_for_board,
    programme_option,
    programme_scope,
    stop_programme,
)
from app.models.rounds import Group, GroupMember, Round

__all__ = [
    "STATUSES",
    "Avoidance",
    "CheckIn",
    "Group",
    "GroupMember",
    "GroupReminder",
    "Organisation",
    "OutboxEntry",
    "Output",
    "Person",
    "Programme",
    "Round",
    "WebhookEvent",
    "active_programmes",
    "all_programmes",
    "current_programme",
    "current_scope_id",
    "enter_programme",
    "first_programme",
    "leave_programme",
    "listed_programmes",
    "organisers_contact",
    "person_by_email",
    "person_for_card",
    "programme_by_slug",
    "programme_for_board",
    "programme_option",
    "programme_scope",
    "stop_programme",
]
