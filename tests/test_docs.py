"""Docs generated from data (policy files, hook specs, schemas) must match the data."""

from __future__ import annotations

import inspect

from conftest import REPO
from scaffold import docsgen, hookspecs
from scaffold.plugins import PluginHost


def test_generated_docs_are_current() -> None:
    stale = [str(path.relative_to(REPO)) for path, text in docsgen.generated(REPO).items()
             if not path.exists() or path.read_text("utf-8") != text]
    assert not stale, f"run `python -m scaffold.docsgen`; stale: {stale}"


def test_every_hook_has_a_docstring_with_its_return() -> None:
    for name in PluginHost.hook_names():
        doc = inspect.getdoc(getattr(hookspecs, name)) or ""
        assert len(doc) > 80 and ":return:" in doc, f"{name} needs a full docstring"


def test_hooks_reference_shows_every_hook_with_its_signature() -> None:
    text = (REPO / "docs" / "hooks.md").read_text("utf-8")
    for name in PluginHost.hook_names():
        signature = str(inspect.signature(getattr(hookspecs, name))).replace("'", "")
        assert f"## `{name}{signature}`" in text


def test_policy_reference_lists_every_policy() -> None:
    from scaffold.registry import Registry

    text = (REPO / "docs" / "policies.md").read_text("utf-8")
    for policy in Registry.load().policies():
        assert f"### {policy.code} `{policy.name}`" in text


def test_readme_opens_with_the_two_commands() -> None:
    text = (REPO / "README.md").read_text("utf-8")
    blocks = text.split("```")
    commands = [line for line in blocks[1].splitlines()[1:] if line.strip()]
    assert len(commands) == 2
    assert "scaffold new" in commands[0] and "--check" in commands[0]
    assert "tests/run.sh" in commands[1]
    assert "tests/run.sh" in (REPO / ".ci" / "run").read_text("utf-8")
