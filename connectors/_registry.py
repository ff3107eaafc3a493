"""Connector plugins, found by name through the ``siphon.connectors`` entry-point group.

The built-in connectors register through the same group in our own ``pyproject.toml``, so a
third-party package is a first-class citizen. Entry points are loaded lazily, on first use.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from connectors._base import Connector

ENTRY_POINT_GROUP = "siphon.connectors"


class RegistryError(Exception):
    """A plugin problem an admin must fix: unknown name, duplicate name, broken plugin."""


@dataclass(frozen=True)
class PluginInfo:
    name: str
    value: str
    distribution: str | None


class ConnectorRegistry:
    """Maps connector type names to plugin classes."""

    def __init__(self, group: str = ENTRY_POINT_GROUP) -> None:
        self.group = group
        self._lock = threading.Lock()
        self._entry_points: dict[str, EntryPoint] | None = None
        self._loaded: dict[str, type[Connector]] = {}
        self._extra: dict[str, type[Connector]] = {}

    def _discover(self) -> dict[str, EntryPoint]:
        with self._lock:
            if self._entry_points is None:
                found: dict[str, EntryPoint] = {}
                for ep in entry_points(group=self.group):
                    previous = found.get(ep.name)
                    if previous is not None and previous.value != ep.value:
                        raise RegistryError(
                            f"two plugins claim the connector name {ep.name!r}: "
                            f"{previous.value} ({_dist(previous)}) and {ep.value} ({_dist(ep)}); "
                            "uninstall one of them"
                        )
                    found[ep.name] = ep
                self._entry_points = found
            return self._entry_points

    def names(self) -> list[str]:
        """Every registered connector type name, sorted."""
        return sorted(set(self._discover()) | set(self._extra))

    def plugins(self) -> list[PluginInfo]:
        """Where each registered connector comes from."""
        infos = [PluginInfo(n, ep.value, _dist(ep)) for n, ep in self._discover().items()]
        infos += [
            PluginInfo(n, f"{c.__module__}:{c.__qualname__}", None) for n, c in self._extra.items()
        ]
        return sorted(infos, key=lambda i: i.name)

    def get(self, name: str) -> type[Connector]:
        """The connector class registered under ``name``."""
        from connectors._base import Connector

        if name in self._extra:
            return self._extra[name]
        if name in self._loaded:
            return self._loaded[name]
        eps = self._discover()
        if name not in eps:
            known = ", ".join(self.names()) or "none"
            raise RegistryError(f"unknown connector type {name!r}; registered types: {known}")
        try:
            cls = eps[name].load()
        except Exception as exc:
            raise RegistryError(
                f"connector plugin {name!r} ({eps[name].value}) failed to load: {exc}"
            ) from exc
        if not (isinstance(cls, type) and issubclass(cls, Connector)):
            raise RegistryError(
                f"connector plugin {name!r} ({eps[name].value}) is not a Connector subclass"
            )
        self._loaded[name] = cls
        return cls

    def register(self, name: str, cls: type[Connector]) -> None:
        """Register a class by hand (for embedding and tests); duplicates are refused."""
        if name in self._extra or name in self._discover():
            raise RegistryError(f"a connector named {name!r} is already registered")
        self._extra[name] = cls

    def refresh(self) -> None:
        """Forget what was discovered, e.g. after installing a plugin in a running process."""
        with self._lock:
            self._entry_points = None
            self._loaded.clear()


def _dist(ep: EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    return f"{dist.name} {dist.version}" if dist is not None else "unknown distribution"


registry = ConnectorRegistry()
