"""Contact details out of every log line and stored error, whoever writes them.

Code is written not to log names or contact details, and tests hold it to that; this is the
second line: error texts quote what people typed (a mail server names the refused address,
PostgreSQL's DETAIL repeats the values of a duplicate key), so every log record and every
error kept in the database passes through redact() first.
"""

import logging
import re

# An email address, a telephone number as stored (E.164), and PostgreSQL's DETAIL line.
_ADDRESS = re.compile(r"[^\s<>()\[\]{}'\",;:]+@[^\s<>()\[\]{}'\",;:]+")
_PHONE = re.compile(r"\+\d{7,15}")
_DETAIL = re.compile(r"^(\s*DETAIL:\s*).*$", re.MULTILINE)
_FORMATTER = logging.Formatter()


def redact(text):
    """Return text with email addresses, telephone numbers and database DETAIL lines blanked."""
    text = _ADDRESS.sub("<address>", str(text))
    text = _PHONE.sub("<number>", text)
    return _DETAIL.sub(r"\1(values hidden)", text)


def request_route():
    """Return the current request's route pattern (/me/<token>), never its path: personal
    links carry the participant's signed token in theirs, and logs must not hold it."""
    from flask import request

    return request.url_rule.rule if request.url_rule else "(no route)"


def describe_error(error, limit=1000):
    """Return a short, redacted 'Type: message' for an error, to keep or to log."""
    return redact(f"{type(error).__name__}: {error}")[:limit]


def install():
    """Make every log record redact its message and traceback as it is made (once per process)."""
    make_record = logging.getLogRecordFactory()
    if getattr(make_record, "redacts", False):
        return

    def redacting_record(*args, **kwargs):
        """Build the record as before, then blank contact details in what it will print."""
        record = make_record(*args, **kwargs)
        record.msg, record.args = redact(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(_FORMATTER.formatException(record.exc_info))
        return record

    redacting_record.redacts = True
    logging.setLogRecordFactory(redacting_record)
