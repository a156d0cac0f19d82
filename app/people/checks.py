"""Checks behind the sign-up forms, usable on their own: clean text, email (and the Microsoft
Teams address, which is one), phone."""

import re
import unicodedata

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from wtforms.validators import ValidationError

# Explicit bidi embeddings, overrides and isolates reorder text around them ("Trojan Source").
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)], None)
_EMAILISH = re.compile(r"\S+@\S+\.\S+")
PHONE_EXAMPLE = "like 020 7946 0018 or +44 808 157 0192"
SEARCHED = 1000  # characters of free text searched for contact details


def clean_line(value):
    """Return text as one tidy line: NFC, no control or bidi-override characters, single spaces."""
    if value is None:
        return None
    value = unicodedata.normalize("NFC", str(value)).translate(_BIDI_CONTROLS)
    value = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in value)
    return " ".join(value.split())


def normalise_email(value):
    """Return the address as stored (checked, lower case) or raise ValueError; no DNS look-ups."""
    try:
        checked = validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        raise ValueError("not an email address") from None
    # Lower case so that Ada@Example.org and ada@example.org are one person.
    return checked.normalized.lower()


def normalise_phone(value):
    """Return a UK (by default) or international number in E.164 form, or raise ValueError."""
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        raise ValueError("not a telephone number") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a telephone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def no_contact_details(what):
    """Return a validator that keeps contact details out of text others and the board see."""

    def check(form, field):
        """Refuse an email address or a telephone number found in the text."""
        # Only the start: longer text is refused by its length check anyway, and the search
        # for an address takes time growing with the square of the length (100,000 chars: 13 s).
        text = (field.data or "")[:SEARCHED]
        has_phone = any(True for _ in phonenumbers.PhoneNumberMatcher(text, "GB"))
        if _EMAILISH.search(text) or has_phone:
            raise ValidationError(
                f"Remove contact details from {what}: your partner gets only the ones "
                "you choose to share"
            )

    return check


def optional(normalise, message):
    """Return a validator that normalises a value when one is given, or explains the format."""

    def check(form, field):
        """Store the normalised value, or None for a blank one."""
        if not field.data:
            field.data = None
            return
        try:
            field.data = normalise(field.data)
        except ValueError:
            raise ValidationError(message) from None

    return check
