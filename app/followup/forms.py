"""Forms on the follow-up pages: an output link, and the check-in's optional questions."""

import unicodedata

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField, ValidationError
from wtforms.validators import Length, Optional

from app.followup.output_urls import MAX_URL, url_problem

SCALE = ("1", "2", "3", "4", "5")


class OutputForm(FlaskForm):
    """The link to what the participant shared."""

    url = StringField("Link to what you shared", validators=[Length(max=MAX_URL * 2)])

    def problem(self):
        """Return the error for the link, or None when it can be attached."""
        return url_problem(self.url.data)


def plain_text(value):
    """Return typed text without control characters (PostgreSQL refuses NUL), lines kept."""
    if value is None:
        return None
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n"))
    return "".join(c for c in value if c in "\n\t" or unicodedata.category(c) != "Cc")


class CheckInForm(FlaskForm):
    """Optional questions asked after a check-in click; every one may be left empty."""

    learned = TextAreaField(
        "What did you learn?",
        filters=[plain_text],
        validators=[Optional(), Length(max=280, message="Write 280 characters or fewer")],
    )
    # Rendered by GOV.UK radios and checked below, so WTForms needs no choices.
    challenged = StringField("Did the conversation challenge your thinking?")
    new_connection = StringField("Did you meet someone you would not otherwise have met?")

    def validate_challenged(self, field):
        """Accept nothing, or a number from 1 to 5."""
        if field.data and field.data not in SCALE:
            raise ValidationError("Choose a number from 1 (not at all) to 5 (a lot)")

    def validate_new_connection(self, field):
        """Accept nothing, yes or no."""
        if field.data and field.data not in ("yes", "no"):
            raise ValidationError("Choose yes or no")
