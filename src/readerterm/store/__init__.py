"""The SQLite cache: schema and migrations (`schema`), queries (`cache`)."""

from readerterm.store.cache import Store

__all__ = ["Store"]
