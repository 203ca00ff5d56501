"""Feed bodies -> models: RSS/Atom/JSON Feed parsing, OPML import/export, autodiscovery.

Pure functions: no network, no files, no database.
"""
