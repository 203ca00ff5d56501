"""The command line: argument parsing, printing and exit codes. It calls `library`,
nothing else does the work here.

Exit status: 0 when the command ran (a refresh with failed feeds included), 2 for bad
input (unknown id, missing file, bad URL, unknown section, broken config), with one
line on stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import shutil
import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

from readerterm import __version__, cli_daily
from readerterm import paths as paths_mod
from readerterm.cli_images import add_images_parser, run_images_command
from readerterm.cli_sync import add_sync_parser, run_sync_command
from readerterm.clihelp import describe
from readerterm.config import ConfigError
from readerterm.library import (
    BadInput,
    FetchFailed,
    Filters,
    Library,
    RefreshReport,
    SearchError,
    fetch_document,
    parse_date_arg,
    read_document,
)
from readerterm.models import ArticleRow, ArticleView, Document
from readerterm.net import Fetcher
from readerterm.safety import clean_line, safe_url


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="readerterm", description="A terminal news reader. With no command, "
                "opens the reader.")
    p.add_argument("--version", action="version", version=f"readerterm {__version__}")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    sub.add_parser("demo", help="the reader on a bundled demo (no network needed)")
    a = sub.add_parser("add", help="subscribe to a feed (or a page naming its feed)")
    a.add_argument("url")
    a.add_argument("--section", help="section to put it in (created if new)")
    a.add_argument("--title", help="title to show instead of the feed's own")
    a.add_argument("--json", action="store_true")
    r = sub.add_parser("remove", help="unsubscribe from a feed")
    r.add_argument("url")
    r.add_argument("--json", action="store_true")
    i = sub.add_parser("import", help="import an OPML file or a newsboat urls file")
    i.add_argument("file")
    i.add_argument("--json", action="store_true")
    e = sub.add_parser("export", help="print every subscription as OPML 2.0")
    e.add_argument("--json", action="store_true")
    rf = sub.add_parser("refresh", help="fetch every feed, then full article text")
    rf.add_argument("--no-fulltext", action="store_true", help="skip fetching article pages")
    rf.add_argument("--json", action="store_true")
    f = sub.add_parser("feeds", help="list feeds with unread counts and errors")
    f.add_argument("--json", action="store_true")
    ar = sub.add_parser("articles", help="list articles, newest first")
    ar.add_argument("--section", metavar="NAME")
    ar.add_argument("--feed", metavar="URL")
    ar.add_argument("--unread", action="store_true")
    ar.add_argument("--starred", action="store_true")
    ar.add_argument("--limit", type=int, default=None, metavar="N")
    ar.add_argument("--json", action="store_true")
    s = sub.add_parser("show", help="show one article (marks nothing read)")
    s.add_argument("id", type=int)
    s.add_argument("--json", action="store_true")
    s.add_argument("--markdown", action="store_true", help="print the article as Markdown")
    se = sub.add_parser("search", help="full-text search (FTS5 syntax: \"phrase\", pre*, "
                        "AND/OR/NOT)")
    se.add_argument("query")
    se.add_argument("--section", metavar="NAME")
    se.add_argument("--feed", metavar="URL")
    se.add_argument("--unread", action="store_true")
    se.add_argument("--starred", action="store_true")
    se.add_argument("--since", metavar="DATE", help="published on or after (YYYY-MM-DD)")
    se.add_argument("--until", metavar="DATE", help="published before (YYYY-MM-DD)")
    se.add_argument("--limit", type=int, default=50, metavar="N")
    se.add_argument("--json", action="store_true")
    m = sub.add_parser("mark", help="mark an article read, unread, starred or unstarred")
    m.add_argument("id", type=int, nargs="?")
    g = m.add_mutually_exclusive_group(required=True)
    for flag in ("read", "unread", "star", "unstar"):
        g.add_argument(f"--{flag}", dest="change", action="store_const", const=flag,
                       help=f"mark it {flag}" + ("red" if flag.endswith("star") else ""))
    m.add_argument("--json", action="store_true",
                   help='print {"id","read","starred"} (with --all-read: {"marked": N})')
    cli_daily.add_mark_arguments(m, g)
    x = sub.add_parser("extract", help="extract articles from local HTML files or URLs")
    x.add_argument("inputs", nargs="+", metavar="FILE_OR_URL")
    x.add_argument("--url", help="the page's URL, for resolving links of a local file")
    x.add_argument("--json", action="store_true")
    add_sync_parser(sub)
    add_images_parser(sub)
    describe(p)
    return p


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


def _n(count: int, word: str, plural: str = "") -> str:
    """`1 feed`, `2 feeds`."""
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _article_json(row: ArticleRow, snippet: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"id": row.id, "title": row.title, "feed": row.feed,
                           "section": row.section, "published": row.published, "url": row.url,
                           "read": row.read, "starred": row.starred}
    if snippet:
        out["snippet"] = row.snippet.replace("\x02", "**").replace("\x03", "**")
    return out


def _article_lines(rows: list[ArticleRow], snippets: bool = False) -> None:
    width = shutil.get_terminal_size((100, 24)).columns
    for row in rows:
        flags = ("N" if not row.read else " ") + ("*" if row.starred else " ")
        head = f"{row.id:>7} {flags} {row.published[:10] if row.date_known else '?':<10}  "
        room = max(20, width - len(head) - 2)
        title = clean_line(row.title, limit=room)
        print(f"{head}{title}  ({clean_line(row.feed, limit=40)})")
        if snippets and row.snippet:
            print("          " + clean_line(row.snippet.replace("\x02", "").replace("\x03", ""),
                                          limit=max(20, width - 12)))


def _filters(lib: Library, args: argparse.Namespace) -> Filters:
    base = lib.section_filters(args.section) if args.section is not None else Filters()
    feed_id = base.feed_id
    if args.feed is not None:
        feed_id = lib.feed_by_url(args.feed).id
    since = parse_date_arg(args.since) if getattr(args, "since", None) else None
    until = parse_date_arg(args.until) if getattr(args, "until", None) else None
    return replace(base, feed_id=feed_id, unread=args.unread or base.unread,
                   starred=args.starred, since=since, until=until)


def _refresh(lib: Library, args: argparse.Namespace) -> int:
    interactive = sys.stderr.isatty()
    if interactive:
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            tasks: dict[str, Any] = {}

            def progress(stage: str, done: int, total: int, label: str) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(
                        "Feeds" if stage == "feeds" else "Article pages", total=total)
                bar.update(tasks[stage], completed=done, total=total)

            report = asyncio.run(lib.refresh(fulltext=not args.no_fulltext, progress=progress))
    else:
        report = asyncio.run(lib.refresh(fulltext=not args.no_fulltext))
    if args.json:
        _print_json({"feeds": report.feeds, "updated": report.updated,
                     "not_modified": report.not_modified, "skipped": report.skipped,
                     "new_articles": report.new_articles, "pages_fetched": report.pages_fetched,
                     "pages_failed": report.pages_failed,
                     "failed": [{"url": u, "error": e} for u, e in report.failed]})
    else:
        _summary(report)
    return 0


def _summary(report: RefreshReport) -> None:
    parts = [_n(report.feeds, "feed"), f"{report.updated} updated",
             f"{report.not_modified} unchanged", f"{len(report.failed)} failed",
             _n(report.new_articles, "new article")]
    if report.skipped:
        parts.append(f"{report.skipped} skipped (gone or asked to wait)")
    if report.pages_fetched or report.pages_failed:
        parts.append(f"{_n(report.pages_fetched, 'article page')} fetched, "
                     f"{report.pages_failed} failed")
    print("refreshed: " + ", ".join(parts))
    for url, error in report.failed:
        print(f"failed: {url}: {clean_line(error, limit=300)}", file=sys.stderr)


def _extract(args: argparse.Namespace) -> int:
    """Each input's article, read the way the library reads a page it fetches."""
    status = 0
    for item in args.inputs:
        try:
            if safe_url(item) and "://" in item:
                async def get(url: str) -> Document:
                    async with Fetcher() as fetcher:
                        doc, _final_url = await fetch_document(fetcher, url)
                    return doc

                doc = asyncio.run(get(item))
            else:
                path = Path(item)
                if not path.is_file():
                    raise BadInput(f"no such file: {item}")
                body = path.read_bytes()
                if path.suffix == ".gz":
                    body = gzip.decompress(body)
                doc = read_document(body, args.url or None)
            if args.json:
                _print_json({"title": doc.title, "section": doc.section, "byline": doc.byline,
                             "images": [i.to_dict() for i in doc.images],
                             "body_text": doc.body_text,
                             "blocks": [b.to_dict() for b in doc.blocks],
                             "related": [r.to_dict() for r in doc.related]})
            else:
                print(_render_document(doc))
        except BrokenPipeError:
            raise  # `extract FILE | head`: main() ends quietly
        except (BadInput, FetchFailed, OSError, ValueError, EOFError) as exc:
            status = 2 if isinstance(exc, BadInput) and len(args.inputs) == 1 else status
            if args.json:
                _print_json({"error": str(exc)})
            else:
                print(f"readerterm: {item}: {exc}", file=sys.stderr)
    return status


def _render_document(doc: Document) -> str:
    from readerterm.render import render_article

    view = ArticleView(id=0, title=doc.title, feed="", feed_url="", section=doc.section,
                       url=None, author=doc.byline, published="", read=False, starred=False,
                       document=doc, fulltext="page")
    return render_article(view, shutil.get_terminal_size((80, 24)).columns - 2)


def _run(args: argparse.Namespace) -> int:
    cmd = args.command
    if cmd == "extract":
        return _extract(args)
    if cmd == "sync":
        return run_sync_command(args)
    if cmd == "demo":
        from readerterm.demo import run_demo

        return run_demo()
    if cmd == "import":
        path = Path(args.file)
        if not path.is_file():
            raise BadInput(f"no such file: {args.file}")
        data = path.read_bytes()
    lib = Library.open()
    try:
        if cmd is None:
            from readerterm.tui.pictures import ask_terminal

            ask_terminal(lib.settings.ui.images)  # answered while the reader's code loads
            from readerterm.tui.app import run_reader

            return run_reader(lib)
        if cmd == "add":
            added = asyncio.run(lib.add_feed(args.url, args.section, args.title))
            if args.json:
                _print_json(added.to_json())
            else:
                found = f" (found on {added.found_on})" if added.found_on else ""
                print(f"added: {added.url}{found}")
            if added.warning:
                print(f"readerterm: warning: {added.url}: {added.warning}; added as given",
                      file=sys.stderr)
        elif cmd == "remove":
            articles = lib.feed_by_url(args.url).total
            lib.remove_feed(args.url)
            if args.json:
                _print_json({"removed": args.url, "articles": articles})
            else:
                print(f"removed: {args.url} ({_n(articles, 'article')})")
        elif cmd == "import":
            count, skipped = lib.import_subscriptions(data)
            if args.json:
                _print_json({"imported": count, "skipped": skipped})
            else:
                print(f"imported {_n(count, 'feed')}, skipped {len(skipped)}")
            for line in skipped:
                print(f"skipped: {clean_line(line, limit=300)}", file=sys.stderr)
        elif cmd == "export":
            if args.json:
                _print_json([{"section": s.name, "feeds": [{"url": f.url, "title": f.title}
                                                          for f in s.feeds]}
                             for s in lib.subscriptions()])
            else:
                sys.stdout.write(lib.export_opml())
        elif cmd == "refresh":
            return _refresh(lib, args)
        elif cmd == "images":
            return run_images_command(lib, args)
        elif cmd == "feeds":
            feeds = lib.feeds()
            if args.json:
                _print_json([{"url": f.url, "title": f.title, "section": f.section,
                              "unread": f.unread, "total": f.total, "status": f.status,
                              "error": f.error, "last_fetched": f.last_fetched,
                              "hidden": f.hidden} for f in feeds])
            else:
                for feed in feeds:
                    err = f"  ! {clean_line(feed.error, limit=80)}" if feed.error else ""
                    print(f"{feed.unread:>5}/{feed.total:<5} [{clean_line(feed.section, 20)}] "
                          f"{clean_line(feed.title or feed.url, 60)}{err}")
        elif cmd == "articles":
            if args.limit is not None and args.limit < 0:
                raise BadInput("--limit must be 0 or more")
            rows = lib.articles(_filters(lib, args), limit=args.limit)
            if args.json:
                _print_json([_article_json(r) for r in rows])
            else:
                _article_lines(rows)
        elif cmd == "show":
            view = lib.article(args.id)
            if args.markdown:
                return cli_daily.show_markdown(view, args)
            similar = lib.similar(args.id, limit=10)
            if args.json:
                cached = lib.images.cached(i.src for i in view.document.images)
                _print_json({**view.to_json(cached), "similar": [s.to_json() for s in similar]})
            else:
                from readerterm.render import render_article

                width = shutil.get_terminal_size((80, 24)).columns if sys.stdout.isatty() else 80
                sys.stdout.write(render_article(view, min(width - 2, 100), similar))
        elif cmd == "search":
            rows = lib.search(args.query, _filters(lib, args), limit=args.limit)
            if args.json:
                _print_json([_article_json(r, snippet=True) for r in rows])
            else:
                _article_lines(rows, snippets=True)
        elif cmd == "mark":
            cli_daily.check_mark(args)
            if args.change == "all-read":
                return cli_daily.mark_all_read(lib, args)
            change = {"read": {"read": True}, "unread": {"read": False},
                      "star": {"starred": True}, "unstar": {"starred": False}}[args.change]
            lib.mark(args.id, **change)
            if args.json:
                view = lib.article(args.id)
                _print_json({"id": view.id, "read": view.read, "starred": view.starred})
    finally:
        lib.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `readerterm` command."""
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except (BadInput, ConfigError, SearchError) as exc:
        print(f"readerterm: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (sqlite3.Error, OSError) as exc:
        # A read-only or full data directory, a cache another program broke: one clear
        # line, not a traceback. The cache is as the last committed transaction left it.
        where = paths_mod.resolve().data_dir
        print(f"readerterm: cannot use the cache in {where} (read-only or full disk?): "
              f"{exc}", file=sys.stderr)
        return 1
