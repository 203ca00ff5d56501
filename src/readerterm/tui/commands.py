"""The command palette: every reader action, by its description."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from readerterm.tui.keys import APP_KEYS, KeySpec


def palette_specs() -> list[KeySpec]:
    return [spec for spec in APP_KEYS if spec.palette]


class ReaderCommands(Provider):
    """Offers each action in the key table (themes come from Textual's own commands)."""

    async def _run(self, action: str) -> None:
        await self.app.run_action(action)

    async def discover(self) -> Hits:
        for spec in palette_specs():
            yield DiscoveryHit(spec.description, partial(self._run, spec.action),
                               help=f"key: {spec.keys}")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for spec in palette_specs():
            score = matcher.match(spec.description)
            if score > 0:
                yield Hit(score, matcher.highlight(spec.description),
                          partial(self._run, spec.action), help=f"key: {spec.keys}")
