"""The dependency audit in make test: fails on a known vulnerability, skips clearly when offline."""

import os
import subprocess
import sys

import pytest

from tests import audit

pytestmark = pytest.mark.skipif(
    not os.path.exists(audit.command()[0]), reason="pip-audit is not installed in this venv"
)
VULNERABLE = {
    "dependencies": [
        {"name": "flask", "version": "3.1.3", "vulns": []},
        {
            "name": "jinja2",
            "version": "2.0",
            "vulns": [{"id": "GHSA-xxxx-yyyy-zzzz", "fix_versions": ["3.1.6"]}],
        },
    ]
}


def _run_offline():
    """Run `python -m tests.audit` with every route to the advisory service closed."""
    closed = "http://127.0.0.1:9"  # nothing listens on the discard port
    env = {**os.environ, "HTTPS_PROXY": closed, "HTTP_PROXY": closed, "NO_PROXY": ""}
    env.update(https_proxy=closed, http_proxy=closed, no_proxy="")
    root = os.path.dirname(os.path.dirname(audit.__file__))
    return subprocess.run(
        [sys.executable, "-m", "tests.audit"],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
        timeout=300,
    )


def test_an_unreachable_advisory_database_is_skipped_with_a_message_not_failed():
    run = _run_offline()
    assert run.returncode == 0, run.stdout + run.stderr
    assert "skipped: advisory database unreachable" in run.stdout


def test_a_known_vulnerability_fails_and_names_the_pin_and_the_fix():
    code, message = audit.verdict(VULNERABLE)
    assert code == 1
    assert "jinja2==2.0: GHSA-xxxx-yyyy-zzzz (fixed in 3.1.6)" in message


def test_a_clean_audit_passes_and_an_audit_that_looked_nothing_up_says_it_skipped():
    clean = {"dependencies": [{"name": "flask", "version": "3.1.3", "vulns": []}]}
    assert audit.verdict(clean) == (0, "pip-audit: 1 pinned packages, no known vulnerabilities")
    blind = {"dependencies": [{"name": "flask", "skip_reason": "Dependency not found on PyPI"}]}
    code, message = audit.verdict(blind)
    assert code == 0 and "skipped: advisory database unreachable" in message


def test_a_broken_audit_fails_and_a_dropped_connection_skips():
    assert audit.outcome(2, "", "usage: pip-audit: bad argument")[0] == 2
    assert audit.outcome(1, "", "requests.exceptions.ConnectionError: refused")[0] == 0
