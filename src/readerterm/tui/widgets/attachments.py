"""The article's attachments (podcast episodes) and the links of its text, listed and
numbered after the body. Each can be focused and followed with enter or a click.

Every string comes from a feed: shown as rich Text, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from readerterm.models import ArticleView
from readerterm.render import enclosure_label
from readerterm.safety import clean_line
from readerterm.tui.keys import pane_binding


class OutsideLink(Static, can_focus=True):
    """An enclosure (`kind` "enclosure") or a link of the text (`kind` "link")."""

    BINDINGS: ClassVar[list[BindingType]] = [pane_binding("open", "follow")]

    @dataclass
    class Followed(Message):
        kind: str
        url: str

    def __init__(self, kind: str, number: int, label: str, url: str) -> None:
        mark = "▶ " if kind == "enclosure" else ""
        text = Text(f"{mark}{number}. ", style="bold")
        text.append(clean_line(label, 300) or clean_line(url, 300), style="underline")
        if label != url:
            text.append("\n   " + clean_line(url, 300), style="dim")
        super().__init__(text, markup=False, classes=f"related-link outside-{kind}")
        self.kind = kind
        self.url = url

    def action_follow(self) -> None:
        self.post_message(self.Followed(self.kind, self.url))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.action_follow()


def attachment_widgets(view: ArticleView) -> list[Widget]:
    """Headings and items for the article's enclosures and the links of its text."""
    out: list[Widget] = []
    if view.enclosures:
        out.append(Static(Text("Attachments"), classes="related-heading"))
        out.extend(OutsideLink("enclosure", n, enclosure_label(e.type, e.length), e.url)
                   for n, e in enumerate(view.enclosures, 1))
    if view.links:
        out.append(Static(Text("Links in the text"), classes="related-heading"))
        out.extend(OutsideLink("link", n, link.text, link.url)
                   for n, link in enumerate(view.links, 1))
    return out
