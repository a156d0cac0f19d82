"""Forms on a participant's page: their details with their address, the pause date, an address
never to be paired with; the others are a button and a CSRF token."""

from datetime import date, timedelta

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField

from app.people.checks import clean_line
from app.people.forms import DETAILS_ORDER, DetailsForm, email_field

LONGEST_PAUSE = timedelta(days=366)


class ChangeDetailsForm(DetailsForm):
    """The details form with the email address, which changes only once the new one confirms."""

    email = email_field()
    # Shown only to someone who still has a Skype name from before Skype closed.
    delete_skype = BooleanField("Delete my Skype name")


CHANGE_ORDER = (DETAILS_ORDER[0], "email", *DETAILS_ORDER[1:], "delete_skype")


class NeverPairForm(FlaskForm):
    """An address to add to the person's "never pair me with" list (checked when added)."""

    address = StringField("Their email address", filters=[clean_line])


class PauseForm(FlaskForm):
    """A date to come back on, as GOV.UK's date input asks for it."""

    # Named as GOV.UK's date input posts them.
    day = StringField("Day", name="until-day")
    month = StringField("Month", name="until-month")
    year = StringField("Year", name="until-year")

    def until(self, today):
        """Return (date, None) for a valid date after today, or (None, error message)."""
        parts = [(self[name].data or "").strip() for name in ("day", "month", "year")]
        if not any(parts):
            return None, "Enter the date you want to come back"
        if not all(parts):
            missing = [n for n, p in zip(("day", "month", "year"), parts, strict=True) if not p]
            return None, f"The date you come back must include a {missing[0]}"
        try:
            day, month, year = (int(p) for p in parts)
            chosen = date(year, month, day)
        except (ValueError, OverflowError):
            return None, "The date you come back must be a real date"
        if chosen <= today:
            return None, "The date you come back must be in the future"
        if chosen > today + LONGEST_PAUSE:
            return None, "The date you come back must be within a year"
        return chosen, None
