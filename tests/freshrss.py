"""A real FreshRSS (Google Reader API) server on 127.0.0.1 for the sync tests.

`READERTERM_TEST_FRESHRSS` names the folder with FreshRSS's `start.sh` and its release
tarball (`.ci/run` sets it and installs PHP with the folder's `install.sh`). Without it
the tests that need the server skip, saying why. The server is PHP's built-in web server
on a free port with a throw-away data directory; it can be stopped and started again on
the same data (the tests for changes made while it is down).

`Api` talks to the server directly with httpx, apart from readerterm's own client, so
the tests check the server's state through the API, not through the code under test.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tarfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

ENV = "READERTERM_TEST_FRESHRSS"
USER = "reader"
PASSWORD = "apipass123"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"


def service_dir() -> Path:
    folder = os.environ.get(ENV)
    if not folder:
        pytest.skip(f"{ENV} is not set: it names the FreshRSS service folder (start.sh and "
                    "the FreshRSS tarball); .ci/run sets it")
    path = Path(folder)
    if not (path / "start.sh").is_file() or not list(path.glob("freshrss-*.tar.gz")):
        pytest.fail(f"{ENV}={folder} has no start.sh and freshrss-*.tar.gz")
    return path


def unpack(service: Path, into: Path) -> Path:
    """The FreshRSS tree, unpacked once per test session."""
    if not (into / "constants.php").is_file():
        with tarfile.open(next(service.glob("freshrss-*.tar.gz"))) as tar:
            tar.extractall(into, filter="tar")
    return into


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class FreshRSS:
    """One throw-away FreshRSS: installed by start.sh, restartable on its data."""

    def __init__(self, service: Path, tree: Path, data: Path) -> None:
        self.service, self.tree, self.data = service, tree, data
        self.port = free_port()
        self.pid: int | None = None
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api(self) -> str:
        return self.base + "/api/greader.php"

    def install(self) -> None:
        env = {**os.environ, "DATA_DIR": str(self.data), "FRESHRSS_USER": USER,
               "FRESHRSS_API_PASSWORD": PASSWORD}
        out = subprocess.run(["bash", str(self.service / "start.sh"), str(self.port),
                              str(self.tree)], env=env, capture_output=True, text=True,
                             timeout=300, check=False)
        if out.returncode != 0:
            pytest.fail(f"FreshRSS did not start: {out.stderr[-2000:]}")
        self.pid = int(out.stdout.strip().splitlines()[-1])

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(30)
            self.proc = None
        elif self.pid is not None:
            os.kill(self.pid, signal.SIGTERM)
            for _ in range(600):  # until the port is free again
                try:
                    os.kill(self.pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)
        self.pid = None

    def start(self) -> None:
        """Start again on the same data (after `stop`)."""
        env = {**os.environ, "DATA_PATH": str(self.data)}
        self.proc = subprocess.Popen(
            ["php", "-S", f"127.0.0.1:{self.port}", "-t", str(self.tree / "p")], env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        for _ in range(400):
            try:
                Api(self.api).login()
                return
            except (httpx.HTTPError, AssertionError):
                time.sleep(0.05)
        pytest.fail("FreshRSS did not answer after a restart")

    def actualize(self) -> None:
        """Make the server fetch its feeds now."""
        subprocess.run(["php", str(self.tree / "cli" / "actualize-user.php"), "--user", USER],
                       env={**os.environ, "DATA_PATH": str(self.data)}, capture_output=True,
                       timeout=300, check=True)


class Api:
    """The server's Google Reader API, spoken directly."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.client = httpx.Client(timeout=30, trust_env=False)
        self.auth = ""

    def login(self) -> None:
        answer = self.client.post(self.base + "/accounts/ClientLogin",
                                  data={"Email": USER, "Passwd": PASSWORD})
        assert answer.status_code == 200, answer.text
        self.auth = answer.text.split("Auth=", 1)[1].split()[0]

    def _headers(self) -> dict[str, str]:
        if not self.auth:
            self.login()
        return {"Authorization": f"GoogleLogin auth={self.auth}"}

    def get(self, path: str, **params: Any) -> Any:
        answer = self.client.get(self.base + "/reader/api/0/" + path,
                                 params={**params, "output": "json"}, headers=self._headers())
        assert answer.status_code == 200, answer.text
        return answer.json()

    def post(self, path: str, data: list[tuple[str, str]]) -> str:
        token = self.client.get(self.base + "/reader/api/0/token",
                                headers=self._headers()).text.strip()
        answer = self.client.post(
            self.base + "/reader/api/0/" + path, content=urlencode([*data, ("T", token)]),
            headers={**self._headers(), "Content-Type": "application/x-www-form-urlencoded"})
        assert answer.status_code == 200, answer.text
        return answer.text

    def subscribe(self, url: str, label: str = "") -> str:
        import json

        stream = str(json.loads(self.post("subscription/quickadd", [("quickadd", url)]))
                     ["streamId"])
        if label:
            self.post("subscription/edit", [("ac", "edit"), ("s", stream),
                                            ("a", f"user/-/label/{label}")])
        return stream

    def ids(self, stream: str, exclude: str = "") -> set[int]:
        params = {"s": stream, "n": 10000, **({"xt": exclude} if exclude else {})}
        return {int(ref["id"]) for ref in self.get("stream/items/ids", **params)["itemRefs"]}

    def unread(self) -> set[int]:
        return self.ids("user/-/state/com.google/reading-list", exclude=READ)

    def starred(self) -> set[int]:
        return self.ids(STARRED)

    def items(self) -> list[dict[str, Any]]:
        data = self.get("stream/contents/user/-/state/com.google/reading-list", n=1000)
        return list(data["items"])

    def close(self) -> None:
        self.client.close()
