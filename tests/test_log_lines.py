"""Log lines and stored errors name routes and ids, never a signed token or what people wrote."""

import logging

from sqlalchemy.exc import IntegrityError

from app.db import db
from app.links import make_token
from app.models import Person, current_programme
from app.redact import describe_error


def test_a_crash_on_a_personal_link_logs_the_route_not_the_token(app, client, caplog):
    def crash(token):
        """A view that fails, as a bug would."""
        raise RuntimeError("a bug")

    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer 500 and log, as in production
    app.view_functions["participant.overview"] = crash
    with app.app_context():
        token = make_token(1, "manage")
    with caplog.at_level(logging.ERROR):
        assert client.get(f"/me/{token}").status_code == 500
    assert "Exception on /me/<token> [GET]" in caplog.text
    assert token not in caplog.text


def test_a_database_error_is_kept_and_logged_without_what_was_written(app, caplog):
    with app.app_context():
        programme = current_programme()
        for n in range(2):
            db.session.add(
                Person(
                    programme_id=programme.id,
                    full_name=f"Ada Lovelace {n}",
                    email="ada.lovelace@example.org",
                    organisation="Analytical Council",
                    phone="+442079460018",
                )
            )
        with caplog.at_level(logging.ERROR):
            try:
                db.session.commit()
            except IntegrityError as error:
                kept = describe_error(error)
                logging.getLogger("app.test").exception("the commit failed")
        db.session.rollback()
    # PostgreSQL's DETAIL line repeats the duplicate key's values; SQLite names only columns.
    for text in (kept, caplog.text):
        assert "IntegrityError" in text
        assert "Ada Lovelace" not in text and "ada.lovelace" not in text
        assert "2079460018" not in text


def test_contact_details_in_any_log_line_are_blanked(app, caplog):
    with caplog.at_level(logging.INFO):
        logging.getLogger("werkzeug").info("sent to %s, %s", "grace@example.org", "+447700900123")
    assert "<address>" in caplog.text and "<number>" in caplog.text
    assert "grace@" not in caplog.text and "7700900123" not in caplog.text
