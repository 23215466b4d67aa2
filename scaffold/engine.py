"""One scan: files -> documents -> results -> suppressions -> score -> report."""

from __future__ import annotations

import datetime
import gc
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple

from scaffold import __version__, baseline
from scaffold.config import Config
from scaffold.controls import control_results
from scaffold.discovery import discover
from scaffold.errors import ParseError
from scaffold.evaluate import Evaluator
from scaffold.exemptions import ExemptionMatcher
from scaffold.models import (
    Document,
    Finding,
    Policy,
    Report,
    Result,
    Skipped,
    Suppression,
)
from scaffold.policies import Profile
from scaffold.registry import Registry
from scaffold.reports import sorted_findings
from scaffold.scoring import score
from scaffold.selection import CodeFilter
from scaffold.sources import SourceFile
from scaffold.suppressions import comment_suppressions, matches
from scaffold.toolphase import add_tool_runs, tool_runs

Progress = Callable[[int, int], None]


class ScanOptions(NamedTuple):
    paths: tuple[Path, ...]
    inline_ignores: bool = True
    baseline: Path | None = None
    today: datetime.date | None = None  # None: the day the scan runs
    progress: Progress | None = None
    profile: Profile | None = None  # the active profile, for its per-control report


class Scan:
    def __init__(self, registry: Registry, config: Config, policies: tuple[Policy, ...],
                 options: ScanOptions, codes: CodeFilter | None = None):
        self.registry = registry
        self.config = config
        self.policies = policies
        self.codes = codes or CodeFilter()
        self.by_code: dict[str, Any] = {policy.code: policy for policy in policies}
        self.known_codes = [policy.code for policy in registry.policies()]
        self.options = options
        self.today = options.today or datetime.date.today()
        self.evaluator = Evaluator(policies, registry.validators, registry.checks,
                                   registry.check_owners)
        self.exemptions = [ExemptionMatcher(e) for e in config.exemptions
                           if e.expires is None or e.expires > self.today]
        self.baseline = self._load_baseline()
        self.results: list[Result] = []
        self.loose: list[Finding] = []  # findings that belong to no policy x document result
        self.notes: list[str] = []
        self.comments: dict[str, list[Suppression]] = {}  # inline ignores, by path
        self._others: dict[str, SourceFile] = {}  # files documents point at, not walked
        self._root = config.root.resolve()
        self._tree_targets = {name for name, target in registry.targets.items()
                              if target.whole_tree}
        self.kept: list[Document] = []  # documents for the whole-tree phase
        # (line, document) of the documents with a resource or annotations, by path: a wrapped
        # tool's finding at a line gets the annotations and exemptions of the object there.
        self._objects: dict[str, list[tuple[int, Document]]] = {}
        self.files = 0
        self.documents = 0

    def _load_baseline(self) -> Counter | None:
        path = self.options.baseline or self.config.baseline
        return baseline.load(path) if path else None

    # -- core findings --------------------------------------------------------------------

    def _core(self, code: str, path: str | None, line: int | None, message: str,
              source: SourceFile | None = None, subject: str | None = None) -> Finding | None:
        policy = self.by_code.get(code)
        if policy is None:  # the user ignored it
            return None
        finding = Finding(code, policy.severity, policy.category, message, path, line, subject)
        return self.finalize(finding, None, source, [])

    def add_core(self, *args: Any, **kwargs: Any) -> None:
        finding = self._core(*args, **kwargs)
        if finding is not None:
            self.loose.append(finding)

    # -- the scan -------------------------------------------------------------------------

    def run(self) -> Report:
        # A scan holds the documents of the whole tree: the cyclic garbage collector would scan
        # that growing heap over and over (half the time of a large scan) for cycles the parsed
        # data does not have. Reference counting still frees everything as usual.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._run()
        finally:
            if collecting:
                gc.enable()

    def _run(self) -> Report:
        walk = discover(list(self.options.paths), self.config.root, self.config.exclude)
        self._report_load_failures()
        self._prepare(list(walk.files))
        self._report_expired_exemptions()
        files = list(walk.files)
        # Wrapped tools are separate processes: they run beside the per-file scan, on copies
        # of the file list (the scan reads and releases its own SourceFiles).
        runs: list[tuple[str, Any]] = []
        tools = threading.Thread(target=lambda: runs.extend(tool_runs(self, list(walk.files))))
        tools.start()
        try:
            self._scan_all(files)
            self._scan_tree()
        finally:
            tools.join()
        extra = files[len(walk.files):]  # files referred to during the scan
        if extra:
            runs += tool_runs(self, extra)
        add_tool_runs(self, runs, files)
        return self._report(walk.skipped)

    def _scan_all(self, files: list[SourceFile]) -> None:
        self._by_path = {source.path: source for source in files}
        self._unclaimed: set[str] = set()
        self._scanned: set[str] = set()
        for done, source in enumerate(files, 1):  # grows as files refer to others
            if not self._scan_file(source):
                self._unclaimed.add(source.path)
            self._scanned.add(source.path)
            source.release()
            files.extend(self._referenced(source))
            if self.options.progress:
                self.options.progress(done, len(files))

    def _scan_tree(self) -> None:
        """Evaluate the documents plugins build from the whole tree (cross-resource checks)."""
        if not self.kept:
            return
        failures_before = len(self.registry.host.failures)
        # Folders, or one file (an all-in-one manifest), are a whole tree; several files (the
        # changed files pre-commit passes) are part of one.
        paths = self.options.paths
        complete = len(paths) == 1 or all(path.is_dir() for path in paths)
        for plugin, documents in self.registry.host.tree_documents(self.kept, complete):
            for document in documents:
                if self._is_declared(document, plugin, getattr(document, "path", None)):
                    self._evaluate_at_own_path(document)
        for failure in self.registry.host.failures[failures_before:]:
            self.add_core("CORE003", None, None, f"plugin {failure.plugin!r} failed on the "
                          f"whole tree: {failure.message}")
        self.kept = []

    def _is_declared(self, document: Any, plugin: str, path: str | None,
                     source: SourceFile | None = None) -> bool:
        if isinstance(document, Document) and document.target in self.registry.targets:
            return True
        self.add_core("CORE003", path, None, f"plugin {plugin!r} returned {document!r:.80}, "
                      "not a Document of a declared target", source)
        return False

    def _referenced(self, source: SourceFile) -> list[SourceFile]:
        """Files `source` names with a kind, to scan as that kind: new ones, ones still in the
        queue, and ones no plugin claimed by their name. Never outside the root."""
        if not source.references:
            return []
        found = []
        root = self._root
        for path, kind in source.references:
            try:
                relative = path.resolve().relative_to(root).as_posix()
            except ValueError:
                continue
            existing = self._by_path.get(relative)
            if existing is not None and (existing.kind or relative in self._scanned and
                                         relative not in self._unclaimed):
                continue  # already known as some kind, or claimed by its name
            if existing is not None and relative not in self._scanned:
                existing.kind = kind  # still ahead in the queue
                continue
            if path.is_file():
                self._unclaimed.discard(relative)
                self._by_path[relative] = SourceFile(path, relative, kind)
                found.append(self._by_path[relative])
        source.references.clear()
        return found

    def _prepare(self, files: list[SourceFile]) -> None:
        failures_before = len(self.registry.host.failures)
        self.registry.host.prepare(files, self._root)
        for failure in self.registry.host.failures[failures_before:]:
            self.add_core("CORE003", None, None, f"plugin {failure.plugin!r} failed preparing "
                          f"the scan: {failure.message}")

    def _report_load_failures(self) -> None:
        for failure in self.registry.host.failures:
            self.add_core("CORE003", None, None, failure.message)

    def _report_expired_exemptions(self) -> None:
        config_path = self._config_path()
        for e in self.config.exemptions:
            if e.expires is not None and e.expires <= self.today:
                self.add_core("CORE005", config_path, e.line,
                              f"exemption {e.index + 1} ({e.reason!r}) expired on "
                              f"{e.expires.isoformat()} and no longer applies")

    def _config_path(self) -> str | None:
        if self.config.file is None:
            return None
        try:
            return self.config.file.relative_to(self.config.root.resolve()).as_posix()
        except ValueError:
            return self.config.file.as_posix()

    def _parse(self, source: SourceFile) -> tuple[bool, list[Document], ParseError | None]:
        claimed, documents, error = False, [], None
        failures_before = len(self.registry.host.failures)
        for plugin, result in self.registry.host.parse(source):
            claimed = True
            if isinstance(result, ParseError):
                error = error or result
                continue
            documents += [document for document in result
                          if self._is_declared(document, plugin, source.path, source)]
        for failure in self.registry.host.failures[failures_before:]:
            claimed = True
            self.add_core("CORE003", source.path, None,
                          f"plugin {failure.plugin!r} failed on this file: {failure.message}",
                          source)
        return claimed, documents, error

    def _scan_file(self, source: SourceFile) -> bool:
        """Scan one file; False when no plugin claims it."""
        if source.kind is None:
            source.kind = self.registry.host.classify(source)
        claimed, documents, error = self._parse(source)
        if not claimed:
            return False
        self.files += 1
        self.documents += len(documents)
        comments = self._comments(source)
        if "CORE001" in self.by_code:
            findings = []
            if error is not None:
                found = self._core("CORE001", source.path, error.line, error.message, source)
                findings = [found] if found else []
            self.results.append(Result("CORE001", source.path, None, error is None,
                                       tuple(findings)))
        for document in documents:
            self._check_document_suppressions(document, source)
            if document.path == source.path:
                self._evaluate(document, source, comments)
            else:  # a file's document about another (a Helm template, a kustomize base)
                self._evaluate_at_own_path(document)
            if document.target in self._tree_targets:
                self.kept.append(document)
            if document.resource is not None or document.suppressions:
                self._objects.setdefault(document.path, []).append((document.line, document))
        return True

    def document_at(self, path: str, line: int | None) -> Document | None:
        """The innermost document starting at or above `line` of `path` (an object, or its
        container), for findings that come without one (a wrapped tool's)."""
        found = None
        for start, document in self._objects.get(path, ()):
            if line is not None and start <= line and (found is None or start >= found[0]):
                found = (start, document)
        return found[1] if found else None

    def _evaluate_at_own_path(self, document: Document) -> None:
        """Evaluate with the inline ignores and line contents of the document's own file."""
        source = self._source_for(document.path)
        self._evaluate(document, source, self._comments(source) if source else [])

    def _source_for(self, path: str) -> SourceFile | None:
        found = self._by_path.get(path) or self._others.get(path)
        if found is None and (self._root / path).is_file():
            found = self._others[path] = SourceFile(self._root / path, path)
        return found

    def _comments(self, source: SourceFile) -> list[Suppression]:
        """A file's inline ignores, read (and their mistakes reported) once."""
        if source.path not in self.comments:
            self.comments[source.path] = self.comment_suppressions(source)
        return self.comments[source.path]

    def _evaluate(self, document: Document, source: SourceFile | None,
                  comments: list[Suppression]) -> None:
        for policy, raw in self.evaluator.evaluate(document, self._check_failed):
            final = tuple(self.finalize(f, document, source, comments) for f in raw)
            self.results.append(Result(policy.code, document.path, document.subject,
                                       not raw, final))

    def _check_failed(self, document: Document, plugin: str, message: str) -> None:
        self.add_core("CORE003", document.path, document.line,
                      f"plugin {plugin!r}: {message}", subject=document.subject)

    # -- suppressions ---------------------------------------------------------------------

    def comment_suppressions(self, source: SourceFile) -> list[Suppression]:
        try:
            if "scaffold:" not in source.text:
                return []
        except ParseError:
            return []
        found, bad = comment_suppressions(source.lines)
        for problem in bad:
            self.add_core("CORE002", source.path, problem.line, problem.message, source)
        for suppression in found:
            self._check_codes(suppression, source.path, source)
        if found and not self.options.inline_ignores:
            self.notes.append(f"{source.path}: {len(found)} inline ignore(s) not honoured "
                              "(inline ignores are disabled)")
            return []
        return found

    def _is_known(self, code: str) -> bool:
        return any(known.startswith(code) for known in self.known_codes) or any(
            code.startswith(prefix) for prefix in self.registry.external)

    def _check_codes(self, suppression: Suppression, path: str, source: SourceFile | None) -> None:
        for code in suppression.codes:
            if not self._is_known(code):
                self.add_core("CORE004", path, suppression.line,
                              f"inline ignore names {code!r}, which is no policy code", source)

    def _check_document_suppressions(self, document: Document, source: SourceFile) -> None:
        for suppression in document.suppressions:
            if suppression.origin != "annotation":
                continue
            if not suppression.reason:
                problem = (f"for {','.join(suppression.codes)} has no reason"
                           if suppression.codes else "names no valid code")
                self.add_core("CORE002", document.path, suppression.line,
                              f"ignore annotation {problem}: write "
                              "`CODE[,CODE] -- why it is safe`", source, document.subject)
            self._check_codes(suppression, document.path, source)

    def finalize(self, finding: Finding, document: Document | None, source: SourceFile | None,
                  comments: list[Suppression]) -> Finding:
        """Fingerprint the finding, then apply inline ignores, exemptions and the baseline."""
        content = ""
        if source is not None and finding.line:
            try:
                content = source.lines[finding.line - 1]
            except (ParseError, IndexError):
                content = ""
        finding = finding._replace(fingerprint=baseline.fingerprint(finding.code, finding.subject, content))
        how, reason = self._suppression_for(finding, document, comments)
        if how is None and self.baseline is not None and baseline.absorbed(finding, self.baseline):
            how, reason = "baseline", "in the baseline"
        return finding._replace(suppressed=how, suppression_reason=reason) if how else finding

    def _suppression_for(self, finding: Finding, document: Document | None,
                         comments: list[Suppression]) -> tuple[str | None, str | None]:
        if self.options.inline_ignores:
            annotations = document.suppressions if document else ()
            for suppression in (*comments, *annotations):
                if suppression.reason and matches(suppression.codes, finding.code) and (
                        not suppression.applies_to or finding.line in suppression.applies_to):
                    return ("annotation" if suppression.origin == "annotation" else "inline",
                            suppression.reason)
        for matcher in self.exemptions:
            if matcher.applies(finding, document):
                return "exemption", matcher.exemption.reason
        return None, None

    # -- the report -----------------------------------------------------------------------

    def _report(self, skipped: list[Skipped]) -> Report:
        findings = _distinct([f for result in self.results for f in result.findings] + self.loose)
        notes = list(self.notes)
        if self.files == 0:
            notes.append("no file to check: nothing was scored")
        return Report(
            version=__version__, root=str(self.config.root), files=self.files,
            documents=self.documents, policies=self.policies, results=tuple(self.results),
            findings=tuple(sorted_findings(findings)),
            score=score(self.results, findings, self.by_code), skipped=tuple(skipped),
            notes=tuple(notes), profile=self.options.profile.name if self.options.profile
            else None, controls=control_results(self.options.profile, self.results, findings),
        )


def _distinct(findings: list[Finding]) -> list[Finding]:
    """One finding per problem: a template rendered with three values files, or a base seen
    through two overlays, reports the same line once."""
    seen: set[tuple] = set()
    kept = []
    for finding in findings:
        key = (finding.code, finding.path, finding.line, finding.subject, finding.message)
        if key not in seen:
            seen.add(key)
            kept.append(finding)
    return kept


def run_scan(registry: Registry, config: Config, policies: Iterable[Policy],
             options: ScanOptions, codes: CodeFilter | None = None) -> Report:
    return Scan(registry, config, tuple(policies), options, codes).run()
