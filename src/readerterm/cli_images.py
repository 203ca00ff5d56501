"""`readerterm images`: the articles' pictures cache (how big it is; `--prune` shrinks
it to `[images] cache_mb`, least recently used first, starred articles' pictures last).

Exit status as every command: 0 done; 2 bad input (a broken config); 1 a cache folder
that cannot be used.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from readerterm.library import Library

__all__ = ["add_images_parser", "run_images_command"]


def add_images_parser(sub: Any) -> None:
    """The `images` command, on the main parser's subparsers."""
    p = sub.add_parser("images", help="the pictures cache: its size; --prune shrinks it")
    p.add_argument("--prune", action="store_true",
                   help="remove the least recently used pictures until the cache is under "
                        "[images] cache_mb (starred articles' pictures last)")
    p.add_argument("--json", action="store_true")


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def run_images_command(lib: Library, args: argparse.Namespace) -> int:
    cache = lib.images
    if args.prune:
        result = lib.prune_images()
        if args.json:
            sys.stdout.write(json.dumps(result.to_json()) + "\n")
        else:
            print(f"removed {result.removed} pictures ({result.thumbnails} scaled copies), "
                  f"{_mb(result.bytes)}; the cache holds {_mb(result.total_bytes)} of "
                  f"{_mb(result.cap_bytes)}")
        return 0
    total = cache.total_bytes()
    if args.json:
        sys.stdout.write(json.dumps({"folder": str(cache.root), "total_bytes": total,
                                     "cap_bytes": cache.cap_bytes}) + "\n")
    else:
        print(f"{cache.root}: {_mb(total)} of {_mb(cache.cap_bytes)}")
    return 0
