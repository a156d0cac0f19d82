"""Sandbox-only endpoints under /sandbox/ (no auth): test controls, logs, t.jwt() and mail."""
