"""The command line's daily-reading parts: `mark --all-read` and `show --markdown`.

Kept apart from cli.py so that its argument table stays short; cli.py calls in here.
"""

from __future__ import annotations

import argparse
import json
import sys

from readerterm.errors import BadInput
from readerterm.library import Filters, Library
from readerterm.models import ArticleView


def add_mark_arguments(mark: argparse.ArgumentParser,
                       group: argparse._MutuallyExclusiveGroup) -> None:
    """`mark --all-read [--section NAME | --feed URL]` (cli.py gives mark its --json)."""
    group.add_argument("--all-read", dest="change", action="store_const", const="all-read",
                       help="mark every unread article read (or those of --section/--feed)")
    where = mark.add_mutually_exclusive_group()
    where.add_argument("--section", help="with --all-read: only this section")
    where.add_argument("--feed", metavar="URL", help="with --all-read: only this feed")


def check_mark(args: argparse.Namespace) -> None:
    """An id goes with --read and the like, never with --all-read."""
    if args.change == "all-read":
        if args.id is not None:
            raise BadInput("--all-read takes no article id")
    elif args.id is None:
        raise BadInput(f"--{args.change} needs an article id")
    elif args.section is not None or args.feed is not None:
        raise BadInput("--section and --feed go with --all-read")


def mark_all_read(lib: Library, args: argparse.Namespace) -> int:
    """Mark a section, a feed or everything read; print how many."""
    if args.section is not None:
        filters = lib.section_filters(args.section)  # a section or a saved search
    elif args.feed is not None:
        filters = Filters(feed_id=lib.feed_by_url(args.feed).id)
    else:
        filters = Filters()
    marked = len(lib.mark_all_read(filters))
    if args.json:
        sys.stdout.write(json.dumps({"marked": marked}) + "\n")
    else:
        print(f"marked {marked} article{'s' * (marked != 1)} read")
    return 0


def show_markdown(view: ArticleView, args: argparse.Namespace) -> int:
    """`show ID --markdown`: the article as a Markdown document on stdout."""
    from readerterm.markdown import article_markdown

    if args.json:
        raise BadInput("--markdown and --json do not go together")
    sys.stdout.write(article_markdown(view))
    return 0
