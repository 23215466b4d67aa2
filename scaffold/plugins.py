"""The plugin host: loads plugins and is the only code that calls their hooks.

Built-in plugins and third-party ones are found the same way, through the ``scaffold``
entry-point group. Each hook implementation is called on its own so that one plugin raising
is reported (which plugin, which hook, which file) and the others still run.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable, Iterator
from importlib.metadata import entry_points
from typing import Any, NamedTuple

import pluggy

from scaffold import hookspecs
from scaffold.errors import ParseError, PluginError

ENTRY_POINT_GROUP = "scaffold"


class PluginInfo(NamedTuple):
    name: str
    module: str
    distribution: Any  # importlib.metadata.Distribution, or None for directly registered ones
    status: str  # "loaded", "disabled" or "failed"
    hooks: tuple[str, ...] = ()
    error: str | None = None

    @property
    def version(self) -> str | None:
        # Read only when asked: parsing package metadata imports the `email` package, which
        # costs a pre-commit run more than the check itself.
        return self.distribution.version if self.distribution is not None else None


class PluginFailure(NamedTuple):
    """A plugin that raised: reported as a CORE003 finding, never as a traceback."""

    plugin: str
    hook: str
    message: str
    path: str | None = None


def describe_exception(error: BaseException) -> str:
    """`ValueError: bad thing (plugin.py:12)`: enough to find the bug, no traceback dump."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f" ({frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno})" if frames else ""
    return f"{type(error).__name__}: {error}{where}"


class PluginHost:
    """Owns the plugin manager. `extra` registers plugin objects directly (tests, embedding)."""

    def __init__(self, disabled: Iterable[str] = (), extra: dict[str, Any] | None = None,
                 use_entry_points: bool = True):
        self._pm = pluggy.PluginManager(ENTRY_POINT_GROUP)
        self._pm.add_hookspecs(hookspecs)
        self._disabled = set(disabled)
        self._infos: dict[str, PluginInfo] = {}
        self.failures: list[PluginFailure] = []
        if use_entry_points:
            self._load_entry_points()
        for name, plugin in sorted((extra or {}).items()):
            self._register(name, plugin, getattr(plugin, "__name__", type(plugin).__name__), None)
        self._check_hook_names()

    # -- loading ------------------------------------------------------------------------------

    def _load_entry_points(self) -> None:
        seen: dict[str, str] = {}
        # On a name clash the built-in wins (it comes first), and the other is reported.
        ordered = sorted(entry_points(group=ENTRY_POINT_GROUP),
                         key=lambda e: (e.name, not e.value.startswith("scaffold_plugins.")))
        for ep in ordered:
            if ep.name in seen:
                if seen[ep.name] != ep.value:  # two plugins claim one name: say so
                    message = (f"plugin name {ep.name!r} is taken by {seen[ep.name]}; "
                               f"{ep.value} was not loaded: give its entry point another name")
                    self.failures.append(PluginFailure(ep.name, "load", message))
                continue  # otherwise the same distribution, found twice on sys.path
            seen[ep.name] = ep.value
            dist = ep.dist
            if ep.name in self._disabled:
                self._infos[ep.name] = PluginInfo(ep.name, ep.value, dist, "disabled")
                continue
            try:
                plugin = ep.load()
            except Exception as error:  # a broken plugin must not stop the others
                message = f"could not load plugin {ep.name!r} ({ep.value}): {describe_exception(error)}"
                self._infos[ep.name] = PluginInfo(ep.name, ep.value, dist, "failed",
                                                  error=message)
                self.failures.append(PluginFailure(ep.name, "load", message))
                continue
            self._register(ep.name, plugin, ep.value, dist)

    def _register(self, name: str, plugin: Any, module: str, dist: Any) -> None:
        if name in self._disabled:
            self._infos[name] = PluginInfo(name, module, dist, "disabled")
            return
        try:
            self._pm.register(plugin, name=name)
        except (pluggy.PluginValidationError, ValueError) as error:
            raise PluginError(f"plugin {name!r} ({module}) breaks the hook contract: {error}"
                              f" (disable it with --disable-plugin {name})") from None
        hooks = tuple(sorted(impl.name for impl in self._pm.get_hookcallers(plugin) or ()))
        self._infos[name] = PluginInfo(name, module, dist, "loaded", hooks)

    def _check_hook_names(self) -> None:
        """A hookimpl with a misspelt name would silently never run: refuse it at start-up."""
        for caller_name in sorted(dir(self._pm.hook)):
            caller = getattr(self._pm.hook, caller_name)
            if not isinstance(caller, pluggy.HookCaller) or caller.spec is not None:
                continue
            for impl in caller.get_hookimpls():
                raise PluginError(
                    f"plugin {impl.plugin_name!r} implements unknown hook {caller_name!r}; "
                    f"known hooks: {', '.join(self.hook_names())} "
                    f"(disable it with --disable-plugin {impl.plugin_name})")

    # -- facts --------------------------------------------------------------------------------

    @staticmethod
    def hook_names() -> list[str]:
        return sorted(n for n in dir(hookspecs) if n.startswith("scaffold_"))

    def infos(self) -> list[PluginInfo]:
        return [self._infos[name] for name in sorted(self._infos)]

    # -- calling ------------------------------------------------------------------------------

    def _call_each(self, hook: str, path: str | None = None,
                   failures: list[PluginFailure] | None = None,
                   **kwargs: Any) -> Iterator[tuple[str, Any]]:
        """Yield (plugin name, result) for each implementation, in plugin-name order.

        Failures go to `failures` (default: `self.failures`)."""
        sink = self.failures if failures is None else failures
        impls = sorted(getattr(self._pm.hook, hook).get_hookimpls(), key=lambda i: i.plugin_name)
        for impl in impls:
            try:
                result = impl.function(*(kwargs[arg] for arg in impl.argnames))
                if result is not None and not isinstance(result, (list, tuple, str)):
                    result = list(result)  # generators run here, inside the guard
            except ParseError as error:
                # The file is malformed, not the plugin broken: the caller reports it.
                yield impl.plugin_name, error
                continue
            except Exception as error:
                sink.append(PluginFailure(impl.plugin_name, hook, describe_exception(error), path))
                continue
            if result is not None:
                yield impl.plugin_name, result

    def _collect(self, hook: str) -> list[tuple[str, Any]]:
        return [(name, item) for name, items in self._call_each(hook) for item in items]

    def targets(self) -> list[tuple[str, Any]]:
        return self._collect("scaffold_targets")

    def policy_dirs(self) -> list[tuple[str, Any]]:
        return self._collect("scaffold_policy_dirs")

    def checks(self) -> list[tuple[str, Any]]:
        return self._collect("scaffold_checks")

    def report_formats(self) -> list[tuple[str, Any]]:
        return self._collect("scaffold_report_formats")

    def external_rules(self) -> list[tuple[str, Any]]:
        return self._collect("scaffold_external_rules")

    def run_tools(self, files: list[Any], root: Any
                  ) -> tuple[list[tuple[str, Any]], list[PluginFailure]]:
        """(plugin, run) pairs and the failures, kept apart from `self.failures` because this
        may run in a thread beside the per-file scan."""
        failures: list[PluginFailure] = []
        runs = [(name, run) for name, runs in self._call_each(
            "scaffold_run_tool", failures=failures, files=files, root=root) for run in runs]
        return runs, failures

    def prepare(self, files: list[Any], root: Any) -> None:
        """Let plugins start slow work before the scan (failures are kept like load ones)."""
        for _ in self._call_each("scaffold_prepare", files=files, root=root):
            pass

    def classify(self, source: Any) -> str | None:
        """The kind the first plugin (in name order) says the file is, or None."""
        for _, kind in self._call_each("scaffold_classify", path=source.path, source=source):
            if isinstance(kind, str):
                return kind
        return None

    def tree_documents(self, documents: list[Any], complete: bool) -> Iterator[tuple[str, Any]]:
        """Yield (plugin, documents) for each plugin that builds documents from the tree."""
        return self._call_each("scaffold_tree_documents", documents=documents,
                               complete=complete)

    def parse(self, source: Any) -> Iterator[tuple[str, Any]]:
        """Yield (plugin, documents or ParseError) for each plugin that claims the file.

        Any other exception a plugin raises becomes a `PluginFailure` for this file.
        """
        return self._call_each("scaffold_parse", path=source.path, source=source)
