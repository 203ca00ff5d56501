"""`readerterm sync`: set up, run, show and turn off sync with a Google Reader API server.

    readerterm sync setup URL --user NAME --password-stdin [--insecure]
    readerterm sync [--json]             sync now; prints what moved
    readerterm sync status [--json]      server, last sync, changes waiting to be sent
    readerterm sync off

Exit status: 0 done; 1 a sync whose server could not be reached or answered wrongly
(the queued changes are kept); 2 bad input: a refused URL, a wrong user name or
password, a setup whose login could not be checked, sync not set up; each with one line
on stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from typing import Any

from readerterm.errors import BadInput
from readerterm.safety import clean_line

__all__ = ["add_sync_parser", "run_sync_command"]


def add_sync_parser(sub: Any) -> None:
    """The `sync` command and its subcommands, on the main parser's subparsers."""
    s = sub.add_parser("sync", help="sync with a Google Reader API server (FreshRSS, "
                       "Miniflux, ...); with no subcommand, sync now")
    s.add_argument("--json", action="store_true")
    cmds = s.add_subparsers(dest="sync_command", parser_class=type(s),
                            help="setup, status or off (none: sync now)")
    st = cmds.add_parser("setup", help="check the login and turn sync on")
    st.add_argument("url", help="the API's address, e.g. https://host/api/greader.php")
    st.add_argument("--user", required=True)
    st.add_argument("--password-stdin", action="store_true",
                    help="read the password from standard input (else "
                         "READERTERM_SYNC_PASSWORD)")
    st.add_argument("--insecure", action="store_true",
                    help="allow plain http:// to a host that is not this machine")
    ss = cmds.add_parser("status", help="server, last sync, changes waiting to be sent")
    ss.add_argument("--json", action="store_true", dest="status_json")
    cmds.add_parser("off", help="turn sync off (forgets the account and its password)")


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    from readerterm.sync.secret import ENV

    if os.environ.get(ENV):
        return os.environ[ENV]
    raise BadInput("give the password on standard input with --password-stdin")


def run_sync_command(args: argparse.Namespace) -> int:
    """Run `readerterm sync ...`; returns the exit status."""
    from readerterm.library import Library
    from readerterm.sync import LoginFailed, SyncError, setup, status, sync_now, turn_off

    command = args.sync_command
    password = _password(args) if command == "setup" else ""
    lib = Library.open()
    try:
        if command == "setup":
            where = asyncio.run(setup(lib, args.url, args.user, password, args.insecure))
            print(f"sync set up with {args.url.rstrip('/')} as {clean_line(args.user)} "
                  f"(password in {where}); run `readerterm sync` to sync now")
        elif command == "status":
            info = status(lib)
            if args.status_json or args.json:
                _print_json(info.to_json())
            elif info.server is None:
                print("sync is off")
            else:
                print(f"server: {info.server}\nuser: {clean_line(info.user)}\n"
                      f"last sync: {info.last_sync or 'never'}\n"
                      f"waiting to be sent: {info.waiting}")
                if info.last_error:
                    print(f"last error: {clean_line(info.last_error, limit=300)}")
        elif command == "off":
            print("sync turned off" if turn_off(lib) else "sync was off")
        else:
            report = asyncio.run(sync_now(lib))
            if args.json:
                _print_json(report.to_json())
            else:
                print(f"synced with {report.server}: sent {report.sent} changes, "
                      f"{report.feeds} feeds, {report.new_items} new items, "
                      f"{report.read_changed} read and {report.starred_changed} starred "
                      f"flags changed, {report.pages_fetched} article pages fetched")
            for line in report.refused:
                print(f"refused: {clean_line(line, limit=300)}", file=sys.stderr)
    except LoginFailed as exc:
        print(f"readerterm: {clean_line(str(exc), limit=300)}", file=sys.stderr)
        return 2
    except SyncError as exc:
        if command == "setup":  # nothing was kept: the login could not be checked
            print(f"readerterm: cannot check the login: {clean_line(str(exc), limit=300)}",
                  file=sys.stderr)
            return 2
        print(f"readerterm: sync failed, changes kept for the next sync: "
              f"{clean_line(str(exc), limit=300)}", file=sys.stderr)
        return 1
    finally:
        lib.close()
    return 0
