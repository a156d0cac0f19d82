"""A participant's details as a form (sign-up and change-details share it), GOV.UK-style messages,
and how its fields map to the person's columns."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from app.people.checks import (
    PHONE_EXAMPLE,
    clean_line,
    no_contact_details,
    normalise_email,
    normalise_phone,
    optional,
)
from app.vocabulary import CHANNEL_LABELS, CHANNELS, FREQUENCIES, phone_for_people

NOUNS = {channel.field: channel.noun for channel in CHANNELS}
CREDIT_LABEL = "Name me beside my outputs in the public feed"
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"
PHONE_FORMAT = f"Enter a telephone number, {PHONE_EXAMPLE}"
TEAMS_FORMAT = (
    "Enter the address people find you by in Microsoft Teams, usually your work email address, "
    "like name@example.gov.uk"
)


def email_field():
    """Return the email address field, as sign-up and change-details both ask for it."""
    return StringField(
        "Email address",
        filters=[clean_line],
        validators=[
            DataRequired("Enter your email address"),
            Length(max=254, message=EMAIL_FORMAT),
            optional(normalise_email, EMAIL_FORMAT),
        ],
    )


def typed_email(value):
    """Return an address as email_field stores it, or None when the field would refuse it."""
    value = clean_line(value) or ""
    if len(value) > 254:
        return None
    try:
        return normalise_email(value)
    except ValueError:
        return None


class DetailsForm(FlaskForm):
    """What a participant tells us about themselves and what their partner may see."""

    name = StringField(
        "Full name",
        filters=[clean_line],
        validators=[
            DataRequired("Enter your full name"),
            Length(max=120, message="Full name must be 120 characters or fewer"),
            no_contact_details("your name"),
        ],
    )
    organisation = StringField(
        "Organisation",
        filters=[clean_line],
        validators=[
            DataRequired("Enter the organisation you work for"),
            Length(max=120, message="Organisation must be 120 characters or fewer"),
            no_contact_details("your organisation"),
        ],
    )
    phone = StringField(
        f"{NOUNS['phone'].capitalize()} (optional)",
        filters=[clean_line],
        validators=[Length(max=40, message=PHONE_FORMAT), optional(normalise_phone, PHONE_FORMAT)],
    )
    google_id = StringField(
        f"{NOUNS['google_id']} (optional)",
        filters=[clean_line],
        validators=[
            Length(max=254, message="Google ID must be 254 characters or fewer"),
            optional(
                normalise_email, "Enter your Google ID as an email address, like name@gmail.com"
            ),
        ],
    )
    # The address Teams finds people by (their sign-in name, usually their work email address).
    teams = StringField(
        f"{NOUNS['teams']} (optional)",
        filters=[clean_line],
        validators=[
            Length(max=254, message="Microsoft Teams address must be 254 characters or fewer"),
            optional(normalise_email, TEAMS_FORMAT),
        ],
    )
    topics = StringField(
        "What would you like to talk about? (optional)",
        filters=[clean_line],
        validators=[
            Length(
                max=280, message="What you would like to talk about must be 280 characters or fewer"
            ),
            no_contact_details("what you would like to talk about"),
        ],
    )
    # Rendered by GOV.UK macros and checked below, so WTForms needs no choices.
    share = SelectMultipleField("Share", validate_choice=False)
    frequency = RadioField("How often", validate_choice=False)
    # Opt-in for the public outputs feed (/outputs.atom); unticked, outputs say "a participant".
    credit = BooleanField(CREDIT_LABEL)

    def validate_share(self, field):
        """Share only channels that were given, and at least one of them."""
        chosen = [value for value in field.data or [] if value in CHANNEL_LABELS]
        field.data = chosen
        if not chosen:
            raise ValidationError("Select at least one way your partner can contact you")
        for channel in chosen:
            if channel != "email" and not getattr(self, channel).data:
                raise ValidationError(
                    f"Enter your {NOUNS[channel]} above, or do not choose to share it"
                )

    def validate_frequency(self, field):
        """Ask for one of the two choices."""
        if field.data not in FREQUENCIES:
            raise ValidationError("Select how often you want to take part")


# The form's fields in page order, for the error summary.
DETAILS_ORDER = (
    "name",
    "organisation",
    "phone",
    "google_id",
    "teams",
    "topics",
    "share",
    "frequency",
    "credit",
)
# What a form submission may set on a person (form field → column).
FIELDS = {
    "name": "full_name",
    "email": "email",
    "organisation": "organisation",
    "phone": "phone",
    "google_id": "google_id",
    "teams": "teams",
    "topics": "topics",
    "share": "share_channels",
    "frequency": "frequency",
    "credit": "credit_name",
}


def details_from(form):
    """Return the person's columns from a validated form (fields it lacks are left out)."""
    return {column: getattr(form, field).data for field, column in FIELDS.items() if field in form}


def form_data(person):
    """Return the details form's starting values from the person's record."""
    data = {field: getattr(person, column) for field, column in FIELDS.items() if field != "email"}
    data["share"] = [field for field in person.share_channels or [] if field in CHANNEL_LABELS]
    data["phone"] = phone_for_people(person.phone) or None
    return data


def error_list(form, order):
    """Return the error summary's items, in page order, each linking to its field."""
    return [
        {"text": getattr(form, name).errors[0], "href": f"#{name}"}
        for name in order
        if getattr(form, name).errors
    ]
