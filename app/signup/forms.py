"""The public sign-up form: a participant's details plus email, consent and a honeypot."""

from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from app.people.checks import clean_line, normalise_email, optional
from app.people.forms import DETAILS_ORDER, EMAIL_FORMAT, DetailsForm


class SignupForm(DetailsForm):
    """The public sign-up form: details plus email, consent and a honeypot."""

    email = StringField(
        "Email address",
        filters=[clean_line],
        validators=[
            DataRequired("Enter your email address"),
            Length(max=254, message=EMAIL_FORMAT),
            optional(normalise_email, EMAIL_FORMAT),
        ],
    )
    consent = BooleanField("Consent")
    # Named like a real field so that bots fill it in; people never see it.
    website = StringField("Website")

    def validate_consent(self, field):
        """Sign up only with explicit agreement."""
        if not field.data:
            raise ValidationError("Select that you agree to how we use your details to sign up")


SIGNUP_ORDER = (DETAILS_ORDER[0], "email", *DETAILS_ORDER[1:], "consent")
