"""The first-run screen: a reader with no subscriptions offers three ways to start.

Import an OPML file, add a feed (or a page naming its feed), or try a sample set of
public news feeds; escape leaves the reader empty. The screen only asks: it dismisses
with the user's choice and the app does the work (tui/first_run.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static


@dataclass(frozen=True)
class FirstRunChoice:
    """What the user chose: "import" (value: a file path), "add" (value: a URL) or
    "sample"."""

    kind: str
    value: str = ""


_ASK = {"import": "Path of the OPML file (or a newsboat urls file), then enter:",
        "add": "URL of the feed, or of a page that names its feed, then enter:"}


class FirstRunScreen(ModalScreen[FirstRunChoice | None]):
    """Offers import / add / sample set; escape closes it with None."""

    # Its own styles: one screen, kept apart from the app's stylesheet.
    DEFAULT_CSS = """
    FirstRunScreen { align: center middle; }
    FirstRunScreen #first-run-box {
        width: 76; max-width: 100%; height: auto; padding: 1 2;
        border: round $primary; background: $surface;
    }
    FirstRunScreen #first-run-buttons { height: auto; margin: 1 0; }
    FirstRunScreen Button { margin-right: 1; }
    FirstRunScreen #first-run-ask, FirstRunScreen #first-run-input { display: none; }
    FirstRunScreen.-asking #first-run-ask, FirstRunScreen.-asking #first-run-input {
        display: block;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Not now", show=False),
        Binding("i", "ask('import')", "Import an OPML file", show=False),
        Binding("a", "ask('add')", "Add a feed", show=False),
        Binding("s", "choose('sample')", "Try a sample set", show=False),
    ]

    def __init__(self, note: str = "") -> None:
        super().__init__()
        self.note = note
        self.asking: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="first-run-box"):
            yield Static(Text("Welcome to readerterm", style="bold"))
            yield Static(Text("You have no subscriptions yet. Start with one of these "
                              "(or press escape and add feeds later with `readerterm add` "
                              "or `readerterm import`):"))
            if self.note:
                yield Static(Text(self.note, style="red"), id="first-run-note")
            with Horizontal(id="first-run-buttons"):
                yield Button("Import an OPML file (i)", id="first-run-import")
                yield Button("Add a feed (a)", id="first-run-add")
                yield Button("Try a sample set (s)", id="first-run-sample", variant="primary")
            yield Static(Text("The sample set is 13 public news feeds (BBC, the Guardian, "
                              "Ars Technica, Nature and others) in four sections.",
                              style="dim"))
            yield Static("", id="first-run-ask", markup=False)
            yield Input(id="first-run-input")

    def on_mount(self) -> None:
        self.query_one("#first-run-sample", Button).focus()

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        kind = (event.button.id or "").removeprefix("first-run-")
        if kind == "sample":
            self.action_choose("sample")
        else:
            self.action_ask(kind)

    def action_ask(self, kind: str) -> None:
        """Ask for the path or URL that `kind` needs."""
        if self.focused is self.query_one(Input) and self.asking is not None:
            return  # typing a path or a URL: "a" and "i" are letters there
        self.asking = kind
        self.query_one("#first-run-ask", Static).update(Text(_ASK[kind]))
        self.add_class("-asking")
        box = self.query_one(Input)
        box.value = ""
        box.placeholder = "~/subscriptions.opml" if kind == "import" else "https://"
        box.focus()

    def action_choose(self, kind: str) -> None:
        if self.focused is self.query_one(Input):
            return
        self.dismiss(FirstRunChoice(kind))

    def action_close(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#first-run-input")
    def submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if value and self.asking is not None:
            self.dismiss(FirstRunChoice(self.asking, value))
