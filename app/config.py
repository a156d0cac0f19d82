"""Every setting, named once, read from the environment with safe defaults (sandbox mode)."""

import os

from app.vocabulary import LISTS

# Sandbox mode's defaults: the embedded sandbox's published identities (sandbox-only values, not
# secrets). Written here so the app never imports trello_sandbox; tests/test_sandbox_defaults.py
# keeps them equal to trello_sandbox.constants.
SANDBOX_DEFAULTS = {
    "SANDBOX_PORT": 5001,
    "TRELLO_API_KEY": "5a4db0c0ffee5a4db0c0ffee5a4db0c0",
    "TRELLO_TOKEN": "ATTAsandbox0token0for0local0use0only0not0a0secret0000000000000001",
    "TRELLO_API_SECRET": "sandbox-webhook-secret-not-a-secret",
    "TRELLO_BOARD_ID": "5a4db0a4d0000000000000b1",
    "TRELLO_POWERUP_ID": "5a4db0a4d00000000000c0de",
}


def _env(name, default=None):
    """Return a non-empty environment value or the default."""
    value = os.environ.get(name, "").strip()
    return value or default


class Config:
    """Settings for one deployment; an empty environment means the embedded sandbox."""

    def __init__(self):
        self.SANDBOX = _env("TRELLO_API_KEY") is None
        defaults = SANDBOX_DEFAULTS if self.SANDBOX else {}
        self.SANDBOX_PORT = int(_env("SANDBOX_PORT", str(SANDBOX_DEFAULTS["SANDBOX_PORT"])))
        sandbox_base = f"http://127.0.0.1:{self.SANDBOX_PORT}"
        self.SANDBOX_URL = _env("SANDBOX_URL", sandbox_base)
        self.TRELLO_API_KEY = _env("TRELLO_API_KEY", defaults.get("TRELLO_API_KEY"))
        self.TRELLO_TOKEN = _env("TRELLO_TOKEN", defaults.get("TRELLO_TOKEN"))
        self.TRELLO_API_SECRET = _env("TRELLO_API_SECRET", defaults.get("TRELLO_API_SECRET"))
        self.TRELLO_BOARD_ID = _env("TRELLO_BOARD_ID", defaults.get("TRELLO_BOARD_ID"))
        # The Power-Up's id from Trello's admin portal: tokens made for any other are refused.
        self.TRELLO_POWERUP_ID = _env("TRELLO_POWERUP_ID", defaults.get("TRELLO_POWERUP_ID"))
        default_api = f"{self.SANDBOX_URL}/1" if self.SANDBOX else "https://api.trello.com/1"
        self.TRELLO_API_BASE = _env("TRELLO_API_BASE", default_api).rstrip("/")
        # Seconds per Trello request; (connect, read) as requests takes it.
        self.TRELLO_TIMEOUT = float(_env("TRELLO_TIMEOUT", "10"))
        self.TRELLO_MAX_RETRIES = int(_env("TRELLO_MAX_RETRIES", "5"))
        # Requests per 10 s this process allows itself on the token (Trello allows 100).
        self.TRELLO_RATE_LIMIT = int(_env("TRELLO_RATE_LIMIT", "100"))
        self.PORT = int(_env("PORT", "5000"))
        self.PUBLIC_URL = _env("PUBLIC_URL", f"http://127.0.0.1:{self.PORT}").rstrip("/")
        self.DATABASE_URL = _env("DATABASE_URL")
        self.SECRET_KEY = _env("SECRET_KEY")
        # Fernet keys (comma-separated, the first encrypts) for boards' stored Trello tokens;
        # in sandbox mode one is made and kept under instance/ when this is unset.
        self.TOKEN_ENCRYPTION_KEY = _env("TOKEN_ENCRYPTION_KEY")
        # Days a stopped programme's people are kept (its board's admin may set it up again and
        # carry on), counted from when it stopped; then the worker erases them.
        self.PROGRAMME_RETENTION_DAYS = int(_env("PROGRAMME_RETENTION_DAYS", "365"))
        # Keys being rotated out, comma-separated: links and sessions they signed still work.
        self.SECRET_KEY_FALLBACKS = [k for k in _env("SECRET_KEY_FALLBACKS", "").split(",") if k]
        self.MAIL_URL = _env("MAIL_URL", "sandbox" if self.SANDBOX else None)
        self.MAIL_FROM = _env("MAIL_FROM", "UnMentoring <unmentoring@localhost>")
        # Whom people write to (footer, privacy notice) until board admins set an address in
        # the Power-Up's settings; unset, pages name MAIL_FROM's address and `flask doctor` warns.
        self.ORGANISERS_EMAIL = _env("ORGANISERS_EMAIL")
        self.LIST_SIGNUPS = _env("LIST_SIGNUPS", LISTS["signups"])
        self.LIST_MATCHED = _env("LIST_MATCHED", LISTS["matched"])
        self.LIST_SHARED = _env("LIST_SHARED", LISTS["shared"])
        self.LIST_PAUSED = _env("LIST_PAUSED", LISTS["paused"])
        self.OUTBOX_MAX_ATTEMPTS = int(_env("OUTBOX_MAX_ATTEMPTS", "8"))
        self.OUTBOX_BACKOFF_SECONDS = float(_env("OUTBOX_BACKOFF_SECONDS", "5"))
        # How long a worker holds an entry; a worker that dies lets it go after this long.
        self.OUTBOX_LEASE_SECONDS = float(_env("OUTBOX_LEASE_SECONDS", "300"))
        # Programmes whose outbox the worker carries out side by side, a thread each: as many
        # as boards that make rounds at the same time, so none waits behind another's round.
        self.OUTBOX_THREADS = int(_env("OUTBOX_THREADS", "10"))
        # Seconds between runs of each programme's timed jobs (closing, nudges, rescue, unpause,
        # erasure), once per slot across all worker processes; reconcile keeps its 10 minutes.
        self.TIMED_JOBS_SECONDS = float(_env("TIMED_JOBS_SECONDS", "60"))
        # Seconds a SQLite writer waits for another to finish before the request gives up (503).
        self.SQLITE_BUSY_TIMEOUT = float(_env("SQLITE_BUSY_TIMEOUT", "15"))
        # POSTs to the public forms per client address (Flask-Limiter syntax, ";" between limits).
        # A council's staff share one address: a 200-person sign-up drive, some posting twice
        # to correct the form, fits in 10 minutes; a thousand posts an hour do not.
        self.SIGNUP_RATE_LIMIT = _env(
            "SIGNUP_RATE_LIMIT", "300 per 10 minutes;600 per hour;2000 per day"
        )
        # POSTs of one email address to one form (sign-up, change details), from any address.
        self.EMAIL_RATE_LIMIT = _env("EMAIL_RATE_LIMIT", "10 per minute;50 per day")
        # GETs and POSTs to personal links (/me/…, /signup/confirm/…) per client address.
        self.PARTICIPANT_RATE_LIMIT = _env("PARTICIPANT_RATE_LIMIT", "60 per minute")
        self.RATELIMIT_ENABLED = _env("RATELIMIT_ENABLED", "true").lower() != "false"
        # Redis shared by every web and worker process (redis://host:port/db): one Trello budget
        # per token and per API key across them all, and the rate limits' counts. Unset, each
        # process keeps its own, so run one worker process and one web process.
        self.REDIS_URL = _env("REDIS_URL")
        # memory:// counts per process; a shared store (redis://…) counts across processes.
        self.RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", self.REDIS_URL or "memory://")
        # Proxies in front of the app (e.g. 1 behind Heroku's router), so limits see the client.
        self.PROXY_HOPS = int(_env("PROXY_HOPS", "0"))

    def as_dict(self):
        """Return the settings as a mapping for Flask's config."""
        return {k: v for k, v in vars(self).items() if k.isupper()}
