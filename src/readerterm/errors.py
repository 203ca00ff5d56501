"""The errors the library raises for a request it cannot carry out.

Both are the user's to see: the command line prints them on one line, the reader in a
notification. They live apart from `library` so that its parts (subscriptions, pages,
refresh) raise them without importing the facade that imports them.
"""

from __future__ import annotations

__all__ = ["BadInput", "FetchFailed"]


class BadInput(ValueError):
    """A request that cannot be carried out as given (unknown id, bad URL, ...)."""


class FetchFailed(RuntimeError):
    """A page that could not be fetched or read (offline, HTTP error, not an article)."""
