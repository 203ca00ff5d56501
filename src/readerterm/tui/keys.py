"""Every key binding of the reader, with an id, in one table.

The ids are what `[ui.keys]` in config.toml remaps ("binding-id" = "key1,key2"); the help
screen and the command palette are built from the same table, so neither can forget one.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class KeySpec:
    """One binding: its id, default keys, the action it runs and what it does."""

    id: str
    keys: str
    action: str
    description: str
    scope: str = "app"  # "app", or "pane" for moves handled by each pane
    priority: bool = False
    palette: bool = True


APP_KEYS: tuple[KeySpec, ...] = (
    KeySpec("next-pane", "tab", "app.cycle_pane(1)", "Next pane", priority=True),
    KeySpec("prev-pane", "shift+tab", "app.cycle_pane(-1)", "Previous pane", priority=True),
    KeySpec("pane-back", "escape", "app.pane_back", "Back up one pane"),
    KeySpec("zoom", "z", "app.toggle_zoom", "Reader on the whole screen, or back"),
    KeySpec("toggle-links", "L", "app.toggle_links", "Collapse or open the links pane"),
    KeySpec("toggle-images", "i", "app.toggle_images", "Show or hide the article's pictures"),
    KeySpec("sections-narrower", "less_than_sign", "app.sections_width(-2)",
            "Make the sections pane narrower"),
    KeySpec("sections-wider", "greater_than_sign", "app.sections_width(2)",
            "Make the sections pane wider"),
    KeySpec("page-down", "space", "app.page_reader(1)", "Page the reader down"),
    KeySpec("page-up", "b", "app.page_reader(-1)", "Page the reader up"),
    KeySpec("next-unread", "n", "app.step_unread(1)", "Next unread article"),
    KeySpec("prev-unread", "p", "app.step_unread(-1)", "Previous unread article"),
    *(KeySpec(f"related-{n}", str(n), f"app.follow_related({n})", f"Follow related link {n}",
              palette=n <= 3) for n in range(1, 10)),
    KeySpec("back", "left_square_bracket,alt+left,backspace", "app.go_back", "Back"),
    KeySpec("forward", "right_square_bracket,alt+right", "app.go_forward", "Forward"),
    KeySpec("refresh", "r", "app.refresh_selected", "Refresh the selected feed or section"),
    KeySpec("refresh-all", "R", "app.refresh_all", "Refresh all feeds"),
    KeySpec("star", "s", "app.toggle_star", "Star or unstar the article"),
    KeySpec("toggle-read", "m", "app.toggle_read", "Mark the article read or unread"),
    KeySpec("mark-feed-read", "A", "app.mark_feed_read",
            "Mark the feed or section in view read"),
    KeySpec("mark-all-read", "C", "app.mark_everything_read", "Mark every article read"),
    KeySpec("undo", "u", "app.undo", "Undo marking many articles read"),
    KeySpec("open-browser", "o", "app.open_browser", "Open the article in the web browser"),
    KeySpec("hide-read", "h", "app.toggle_hide_read", "Hide or show read articles"),
    KeySpec("sort", "S", "app.cycle_sort", "Sort the list: newest, oldest, by feed"),
    KeySpec("feed-settings", "E", "app.feed_settings",
            "Feed settings: title, section, interval, full text"),
    KeySpec("play", "e", "app.play_enclosure", "Play the article's attachment (podcast)"),
    KeySpec("copy-url", "y", "app.copy_url", "Copy the article's web link"),
    KeySpec("save-markdown", "w", "app.save_markdown", "Save the article as Markdown"),
    KeySpec("search", "slash", "app.search", "Search the cache"),
    KeySpec("help", "question_mark", "app.help", "Show every key"),
    KeySpec("palette", "ctrl+p", "app.command_palette", "Command palette", palette=False),
    KeySpec("quit", "q", "app.quit", "Quit"),
)

PANE_KEYS: tuple[KeySpec, ...] = (
    KeySpec("cursor-down", "j,down", "cursor_down", "Move down", scope="pane", palette=False),
    KeySpec("cursor-up", "k,up", "cursor_up", "Move up", scope="pane", palette=False),
    KeySpec("open", "enter", "select", "Open the highlighted article or link", scope="pane",
            palette=False),
)

ALL_KEYS: tuple[KeySpec, ...] = APP_KEYS + PANE_KEYS
KNOWN_IDS = frozenset(spec.id for spec in ALL_KEYS)


def binding(spec: KeySpec, action: str | None = None) -> Binding:
    """A Textual Binding for `spec` (with the widget's own action name when given)."""
    return Binding(spec.keys, action or spec.action, spec.description, show=False,
                   priority=spec.priority, id=spec.id)


def pane_binding(binding_id: str, action: str) -> Binding:
    """The pane-scoped binding `binding_id`, running the widget's `action`."""
    for spec in PANE_KEYS:
        if spec.id == binding_id:
            return binding(spec, action)
    raise KeyError(binding_id)


def app_bindings() -> list[BindingType]:
    return [binding(spec, spec.action.removeprefix("app.")) for spec in APP_KEYS]


def keymap(configured: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The user's remapping from config, and warnings for ids that do not exist."""
    good: dict[str, str] = {}
    warnings: list[str] = []
    for binding_id, keys in configured.items():
        if binding_id in KNOWN_IDS and keys.strip():
            good[binding_id] = keys
        else:
            warnings.append(f"unknown key binding id in [ui.keys]: {binding_id!r}")
    return good, warnings
