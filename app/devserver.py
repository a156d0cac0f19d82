"""`make run` (`flask --app app dev`): start sandbox, web app and worker as child processes, then
print the URLs."""

import os
import signal
import subprocess
import sys
import time

import click
import requests
from flask import current_app
from flask.cli import with_appcontext

from app.trello.board import register_webhook, setup_board


def _wait_for(url, what, process, seconds=30):
    """Poll a URL until it answers, failing fast if its process died."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise click.ClickException(f"{what} exited with status {process.returncode}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise click.ClickException(f"{what} did not answer at {url} within {seconds} s")


def _start(args):
    """Start one child process with the same environment and Python."""
    return subprocess.Popen([sys.executable, *args], env=os.environ.copy())


def _interrupt(*_):
    """Turn SIGTERM into the same clean stop as Ctrl-C."""
    raise KeyboardInterrupt


def run_all(app, rate_limits=True):
    """Start everything, set up the sandbox board and webhook, print the URLs, wait for Ctrl-C."""
    config = app.config
    children = []
    # A plain SIGTERM (from `timeout`, a supervisor) must stop the children too.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        if config["SANDBOX"]:
            state = os.path.join(app.instance_path, "sandbox.sqlite3")
            args = ["-m", "trello_sandbox", "--port", str(config["SANDBOX_PORT"]), "--state", state]
            args += ["--app-url", config["PUBLIC_URL"]]  # the board page hosts its Power-Up
            children.append(_start(args + ([] if rate_limits else ["--no-rate-limits"])))
            _wait_for(config["SANDBOX_URL"] + "/", "The sandbox", children[-1])
        bind = f"127.0.0.1:{config['PORT']}"
        web = ["-m", "gunicorn", "--bind", bind, "--workers", "2", "--threads", "4"]
        children.append(_start([*web, "app:create_app()"]))
        _wait_for(config["PUBLIC_URL"] + "/healthz", "The web app", children[-1])
        if config["SANDBOX"]:
            setup_board()
            register_webhook()
        children.append(_start(["-m", "flask", "--app", "app", "worker"]))
        _print_urls(app)
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        raise click.ClickException("a child process stopped; shutting down")
    except KeyboardInterrupt:
        click.echo("\nStopping…")
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.wait(timeout=10)


def _print_urls(app):
    """Print where to go, and the app's (not secret) sandbox credentials for curl or py-trello."""
    config = app.config
    lines = [
        "",
        "UnMentoring is running.",
        f"  Health:              {config['PUBLIC_URL']}/healthz",
    ]
    if "signup.form" in app.view_functions:
        lines.insert(2, f"  Sign-up page:        {config['PUBLIC_URL']}/signup")
    if config["SANDBOX"]:
        sandbox = config["SANDBOX_URL"]
        lines += [
            f"  Sandbox board:       {sandbox}/sandbox/board",
            f"  Sandbox boards:      {sandbox}/  (add a second board there)",
            f"  Sandbox mail outbox: {sandbox}/sandbox/mail",
            f"  Sandbox API base:    {config['TRELLO_API_BASE']}",
            f"  Sandbox API key:     {config['TRELLO_API_KEY']}",
            f"  Sandbox token:       {config['TRELLO_TOKEN']}",
            f"  Sandbox webhook secret: {config['TRELLO_API_SECRET']}",
            "  (sandbox-only values, not secrets)",
        ]
    lines.append("Press Ctrl-C to stop.")
    click.echo("\n".join(lines), err=False)


@click.command("dev")
@click.option("--no-rate-limits", is_flag=True, help="Switch the sandbox's rate limits off.")
@with_appcontext
def dev_command(no_rate_limits):
    """Run sandbox, web and worker together (what `make run` does) and print the URLs."""
    run_all(current_app, rate_limits=not no_rate_limits)


def init_app(app):
    """Add the dev command."""
    app.cli.add_command(dev_command)
