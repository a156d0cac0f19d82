"""Organisation types, derived from the organisation's name by a small ordered rule set."""

import re

# First match wins, so "Leeds City Council Housing" is a local authority, and the
# NHS's own trusts count as health even when a council name is in them.
RULES = (
    ("health", ("nhs", "health", "hospital", "ambulance", "ccg", "integrated care")),
    ("police", ("police", "constabulary")),
    ("fire", ("fire",)),
    ("local_authority", ("council", "borough", "county", "combined authority", "district")),
    ("housing", ("housing", "homes")),
)
LABELS = {
    "local_authority": "Local authority",
    "health": "Health",
    "police": "Police",
    "fire": "Fire and rescue",
    "housing": "Housing",
    "other": "Other",
}
PLURALS = {
    "local_authority": "local authorities",
    "health": "health organisations",
    "police": "police forces",
    "fire": "fire and rescue services",
    "housing": "housing organisations",
    "other": "organisations",
}


def organisation_type(name):
    """Return the type key of an organisation name, "other" when no rule matches."""
    text = (name or "").lower()
    for kind, words in RULES:
        if any(re.search(rf"\b{re.escape(word)}\b", text) for word in words):
            return kind
    return "other"
