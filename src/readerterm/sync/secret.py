"""Where the sync password lives: never in config.toml.

`READERTERM_SYNC_PASSWORD` wins when set. Otherwise the system keyring (the `keyring`
package) when it has a working backend, else `sync-password` in the data directory,
created readable by its owner only (0600). `PYTHON_KEYRING_BACKEND` chooses or
disables the keyring as the keyring package documents.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

__all__ = ["ENV", "forget_password", "load_password", "store_password"]

ENV = "READERTERM_SYNC_PASSWORD"
SERVICE = "readerterm-sync"
_FILE = "sync-password"


def _key(server: str, user: str) -> str:
    return f"{user}@{server}"


def _keyring() -> object | None:
    """The keyring backend, or None when there is no usable one (none installed, or only
    the 'fail' and 'null' backends, as on a machine without a desktop session)."""
    try:
        import keyring
        from keyring.backends import fail, null
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # a broken keyring configuration must not stop sync
        return None
    if isinstance(backend, fail.Keyring | null.Keyring):
        return None
    return backend


def store_password(data_dir: Path, server: str, user: str, password: str) -> str:
    """Keep the password; returns where it went ("the system keyring" or the file)."""
    backend = _keyring()
    if backend is not None:
        try:
            backend.set_password(SERVICE, _key(server, user), password)  # type: ignore[attr-defined]
        except Exception:  # a locked or broken keyring: fall back to the file
            pass
        else:
            _remove_file(data_dir)
            return "the system keyring"
    path = data_dir / _FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0),
                 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, (_key(server, user) + "\n" + password).encode("utf-8"))
    finally:
        os.close(fd)
    return str(path)


def load_password(data_dir: Path, server: str, user: str) -> str | None:
    """The password: the environment's, the keyring's or the file's; None if none."""
    from_env = os.environ.get(ENV)
    if from_env:
        return from_env
    backend = _keyring()
    if backend is not None:
        try:
            found = backend.get_password(SERVICE, _key(server, user))  # type: ignore[attr-defined]
        except Exception:
            found = None
        if isinstance(found, str):
            return found
    try:
        key, _, password = (data_dir / _FILE).read_text("utf-8").partition("\n")
    except (OSError, UnicodeDecodeError):
        return None
    return password if key == _key(server, user) else None


def forget_password(data_dir: Path, server: str, user: str) -> None:
    backend = _keyring()
    if backend is not None:
        with contextlib.suppress(Exception):
            backend.delete_password(SERVICE, _key(server, user))  # type: ignore[attr-defined]
    _remove_file(data_dir)


def _remove_file(data_dir: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (data_dir / _FILE).unlink()
