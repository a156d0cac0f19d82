"""The public sign-up form: a participant's details plus email, consent and a honeypot."""

from wtforms import BooleanField, StringField
from wtforms.validators import ValidationError

from app.people.forms import DETAILS_ORDER, DetailsForm, email_field


class SignupForm(DetailsForm):
    """The public sign-up form: details plus email, consent and a honeypot."""

    email = email_field()
    consent = BooleanField("Consent")
    # Named like a real field so that bots fill it in; people never see it.
    website = StringField("Website")

    def validate_consent(self, field):
        """Sign up only with explicit agreement."""
        if not field.data:
            raise ValidationError("Select that you agree to how we use your details to sign up")


SIGNUP_ORDER = (DETAILS_ORDER[0], "email", *DETAILS_ORDER[1:], "consent")
