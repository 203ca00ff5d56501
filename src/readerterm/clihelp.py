"""The command line's help: what each command does, what each option means, an example.

`cli.py` declares the commands and options; `describe` fills in their texts from the
tables here, so `readerterm CMD --help` says what the command is for, what each option
does, shows an example and says where the files are (READERTERM_HOME).
"""

from __future__ import annotations

import argparse
import textwrap

__all__ = ["EPILOG", "describe"]

FILES = textwrap.fill(
    "Files: settings and subscriptions in the config directory, the cache in the data "
    "directory (platformdirs' places for your system); READERTERM_HOME=DIR puts them all "
    "under DIR.", 88)

EPILOG = f"""\
examples:
  readerterm                                    open the reader
  readerterm add https://lwn.net/ --section Tech
  readerterm import subscriptions.opml
  readerterm refresh && readerterm articles --unread --limit 20

Every command has --help. Bad input (an unknown id, a missing file, a bad URL) gets one
line on stderr and exit status 2, and changes nothing.

{FILES}"""

# command -> (description, example)
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("Open the reader on a few bundled feeds and article pages, served from "
             "127.0.0.1 in a temporary home: no network, and your own subscriptions and "
             "cache are not touched.", "readerterm demo"),
    "add": ("Subscribe to a feed. URL may be the feed itself or a page that names its "
            "feed. A URL that answers but is not a feed is refused (exit 2, nothing "
            "added); one that cannot be reached (offline) is added as given, with a "
            "warning.", "readerterm add https://lwn.net/headlines/rss --section Tech"),
    "remove": ("Unsubscribe from a feed, given by its URL as `readerterm feeds` shows "
               "it; its articles leave the cache (starred ones too).",
               "readerterm remove https://lwn.net/headlines/rss"),
    "import": ("Subscribe to the feeds of an OPML file (its top-level folders become "
               "sections) or a newsboat urls file (the first tag is the section). "
               "Command sources and non-http(s) URLs are skipped and listed on stderr; a "
               "file that is neither kind is refused (exit 2).",
               "readerterm import ~/Downloads/subscriptions.opml"),
    "export": ("Print every subscription as OPML 2.0 on stdout, sections as folders.",
               "readerterm export > subscriptions.opml"),
    "refresh": ("Fetch every feed, then the full article pages of new articles whose feed "
                "carries only a summary. Exit status 0 even when some feeds failed: they "
                "are listed on stderr (in the JSON with --json).",
                "readerterm refresh --no-fulltext"),
    "feeds": ("List the subscribed feeds with their section, unread and total counts, "
              "and the last error of each.", "readerterm feeds --json"),
    "articles": ("List cached articles, newest first.",
                 "readerterm articles --section Tech --unread --limit 20"),
    "show": ("Show one article as the reader does (marks nothing read), with up to ten "
             "similar articles from the cache.", "readerterm show 42"),
    "search": ("Search the cache (SQLite FTS5): words, \"a phrase\", prefix*, AND/OR/NOT; "
               "best matches first.", "readerterm search '\"climate deal\" OR summit' "
               "--since 2026-01-01"),
    "mark": ("Mark one article read, unread, starred or unstarred.",
             "readerterm mark 42 --star"),
    "extract": ("Extract the article from local HTML files (.gz too) or URLs and print it "
                "(one JSON document per input with --json). The cache is not used.",
                "readerterm extract page.html --url https://example.org/story"),
    "sync": ("Sync with a Google Reader API server (FreshRSS, Miniflux, Inoreader, ...): "
             "with no subcommand, send the changes made here and take the server's "
             "subscriptions, items, read and starred. `sync setup URL --user NAME "
             "--password-stdin` checks the login and turns sync on; `sync status` and "
             "`sync off`. Exit 1 when the server cannot be reached (changes stay queued), "
             "2 for a refused login.", "readerterm sync --json"),
    "images": ("The articles' pictures kept for offline reading: where they are and how "
               "much room they take. --prune removes the least recently used until the "
               "cache is under config.toml's [images] cache_mb (starred articles' pictures "
               "go last).", "readerterm images --prune --json"),
}

JSON = "print one JSON document on stdout instead of text"

FILTERS = {"section": "only articles of the section NAME", "feed": "only articles of the feed URL",
           "unread": "only unread articles", "starred": "only starred articles"}

# (command, option dest) -> meaning
OPTIONS: dict[tuple[str, str], str] = {
    ("add", "url"): "the feed's URL, or a page that names its feed",
    ("add", "json"): 'print {"url","section","title","found_on","warning"}',
    ("remove", "url"): "the feed's URL, as `readerterm feeds` shows it",
    ("remove", "json"): 'print {"removed","articles"}',
    ("import", "file"): "an OPML file or a newsboat urls file",
    ("import", "json"): 'print {"imported","skipped":[...]}',
    ("export", "json"): 'print [{"section","feeds":[{"url","title"}]}] instead of OPML',
    ("refresh", "json"): ('print {"feeds","updated","not_modified","skipped","new_articles",'
                          '"pages_fetched","pages_failed","failed":[{"url","error"}]}'),
    ("feeds", "json"): ('print [{"url","title","section","unread","total","status","error",'
                        '"last_fetched"}]'),
    **{(command, dest): meaning for command in ("articles", "search")
       for dest, meaning in FILTERS.items()},
    ("articles", "limit"): "at most N articles (default: all)",
    ("articles", "json"): ('print [{"id","title","feed","section","published","url","read",'
                           '"starred"}]'),
    ("show", "id"): "the article's id, as `articles` and `search` show it",
    ("show", "json"): ('print {"id","title","section","feed","url","author","published",'
                       '"images","body_text","related","similar"}'),
    ("search", "query"): "FTS5 syntax: words, \"a phrase\", prefix*, AND/OR/NOT",
    ("search", "limit"): "at most N results (default: 50)",
    ("search", "json"): "print the articles' fields as `articles --json` does, plus a "
                        "\"snippet\" with the matches in **bold**",
    ("mark", "id"): "the article's id",
    ("mark", "json"): 'print {"id","read","starred"} as they are after the change',
    ("extract", "inputs"): "local HTML files (.gz too) or http(s) URLs",
    ("images", "json"): ('print {"folder","total_bytes","cap_bytes"}; with --prune '
                         '{"removed","thumbnails","bytes","total_bytes","cap_bytes"}'),
    ("sync", "json"): ('print {"server","sent","feeds","new_items","read_changed",'
                       '"starred_changed","refused","pages_fetched","pages_failed"}'),
}


def describe(parser: argparse.ArgumentParser) -> None:
    """Fill in descriptions, option meanings and examples of `parser`'s commands."""
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        for name, sub in action.choices.items():
            description, example = COMMANDS.get(name, ("", ""))
            sub.description = textwrap.fill(description, 88) if description else sub.description
            sub.epilog = (f"example:\n  {example}\n\n" if example else "") + FILES
            sub.formatter_class = argparse.RawDescriptionHelpFormatter
            for option in sub._actions:
                meaning = OPTIONS.get((name, option.dest))
                if meaning is None and option.dest == "json":
                    meaning = JSON
                if meaning is not None and not option.help:
                    option.help = meaning
