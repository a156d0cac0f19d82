"""Serve the Trello sandbox: python -m trello_sandbox --port 5001 --state FILE.sqlite3."""

import argparse

from werkzeug.serving import make_server

from trello_sandbox import constants, create_sandbox_app


def main(argv=None):
    """Serve the sandbox until interrupted, after printing where it is."""
    parser = argparse.ArgumentParser(prog="python -m trello_sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=constants.DEFAULT_PORT)
    parser.add_argument("--state", default=None, help="SQLite file (default: in memory)")
    parser.add_argument("--no-rate-limits", action="store_true", help="do not answer 429")
    parser.add_argument("--app-url", help="the UnMentoring app whose Power-Up the board hosts")
    args = parser.parse_args(argv)
    app = create_sandbox_app(args.state, rate_limits=not args.no_rate_limits, app_url=args.app_url)
    server = make_server(args.host, args.port, app, threaded=True)
    url = f"http://{args.host}:{server.server_port}"
    print(f"Trello sandbox on {url}/  (state: {args.state or 'in memory'})", flush=True)
    print(f"  board {url}/sandbox/board · mail {url}/sandbox/mail · API base {url}/1", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
