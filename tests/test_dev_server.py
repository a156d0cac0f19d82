"""`make run`'s command starts sandbox, web and worker, prints the URLs, and stops them all."""

import os
import signal
import subprocess
import sys
import time

import requests

from tests.conftest import free_port


def _read_until(process, marker, seconds=60):
    """Collect the process's output until a marker line appears."""
    lines, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if marker in line:
            return "".join(lines)
    raise AssertionError(f"no {marker!r} in output:\n" + "".join(lines))


def test_dev_command_serves_app_and_sandbox_and_prints_the_urls(tmp_path):
    port, sandbox_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRELLO_", "DATABASE_URL"))}
    env.update(INSTANCE_PATH=str(tmp_path), PORT=str(port), SANDBOX_PORT=str(sandbox_port))
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    subprocess.run([*flask, "db", "upgrade"], env=env, check=True, capture_output=True)
    process = subprocess.Popen(
        [*flask, "dev"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        output = _read_until(process, "Press Ctrl-C")
        assert f"http://127.0.0.1:{sandbox_port}/sandbox/board" in output
        assert f"http://127.0.0.1:{sandbox_port}/sandbox/mail" in output
        assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
        board = requests.get(f"http://127.0.0.1:{sandbox_port}/sandbox/board", timeout=5)
        assert board.status_code == 200 and "Sign-ups" in board.text
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    time.sleep(0.5)
    for url in (f"http://127.0.0.1:{port}/healthz", f"http://127.0.0.1:{sandbox_port}/"):
        try:
            requests.get(url, timeout=1)
            raise AssertionError(f"{url} still answers after the stop")
        except requests.ConnectionError:
            pass
