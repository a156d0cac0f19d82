"""Audit the pinned requirements with pip-audit; say "skipped" when advisories are unreachable.

Run as `python -m tests.audit` (make audit). Exit 0 when nothing is known to be vulnerable or the
advisory service cannot be reached, 1 when a pin has a known vulnerability or the audit broke.
"""

import json
import os
import subprocess
import sys

REQUIREMENTS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "requirements.txt")
# Seconds for the whole audit, and for each advisory request: a silent network costs little.
TIMEOUT = 90
REQUEST_TIMEOUT = 5
SKIPPED = "skipped: advisory database unreachable"
# What requests says when there is no network, no DNS or no proxy on the way to the service.
UNREACHABLE = ("ConnectionError", "ProxyError", "NameResolution", "Timeout", "SSLError")


def command(requirements=REQUIREMENTS):
    """Return the pip-audit command: the exact pins, not resolved again, as JSON."""
    audit = os.path.join(os.path.dirname(sys.executable), "pip-audit")
    return [
        audit,
        "--requirement",
        requirements,
        "--no-deps",
        "--disable-pip",
        "--progress-spinner",
        "off",
        "--timeout",
        str(REQUEST_TIMEOUT),
        "--format",
        "json",
    ]


def verdict(report):
    """Return (exit code, message) for a pip-audit JSON report."""
    packages = report.get("dependencies", [])
    vulnerable = [p for p in packages if p.get("vulns")]
    if vulnerable:
        lines = [_describe(p) for p in vulnerable]
        return 1, "pip-audit: known vulnerabilities in pinned packages:\n" + "\n".join(lines)
    audited = [p for p in packages if "skip_reason" not in p]
    if packages and not audited:
        return 0, f"pip-audit {SKIPPED} (no package could be looked up)"
    return 0, f"pip-audit: {len(audited)} pinned packages, no known vulnerabilities"


def _describe(package):
    """Return one line per vulnerable package: its pin, the advisories and the fixed versions."""
    ids = ", ".join(v["id"] for v in package["vulns"])
    fixes = sorted({f for v in package["vulns"] for f in v.get("fix_versions", [])})
    fixed = f" (fixed in {', '.join(fixes)})" if fixes else ""
    return f"  {package['name']}=={package.get('version', '?')}: {ids}{fixed}"


def outcome(returncode, stdout, stderr):
    """Return (exit code, message) for one pip-audit run."""
    try:
        report = json.loads(stdout)
    except ValueError:
        report = None
    if isinstance(report, dict):
        return verdict(report)
    if any(word in stderr for word in UNREACHABLE):
        last = stderr.strip().splitlines()[-1][:200] if stderr.strip() else ""
        return 0, f"pip-audit {SKIPPED}: {last}"
    return returncode or 1, f"pip-audit failed (exit {returncode}):\n{stderr[-2000:]}"


def main():
    """Run the audit and print one clear result."""
    try:
        run = subprocess.run(command(), capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        print(f"pip-audit {SKIPPED}: no answer in {TIMEOUT}s")
        return 0
    code, message = outcome(run.returncode, run.stdout, run.stderr)
    print(message)
    return code


if __name__ == "__main__":
    sys.exit(main())
