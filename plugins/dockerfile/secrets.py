"""Checks for secrets that a build writes into the image, its history or its layers.

Findings never echo a secret: messages show `scaffold.redact(value)` only.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping

from scaffold import Document, Violation, redact

from .analysis import analyze, source_lines, with_triggers
from .parser import Dockerfile
from .shell import Command, Options

# A name whose last word says it holds a secret: DB_PASSWORD, GITHUB_TOKEN, SECRET_KEY_BASE.
SECRET_NAME = re.compile(
    r"(?:^|_)(?:PASSWORD|PASSWD|PASSWORT|PWD|PASS|PASSPHRASE|SECRET|SECRET_KEY|SECRET_KEY_BASE|"
    r"TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CLIENT_SECRET|CREDENTIALS?|BASIC_AUTH|AUTH_KEY|"
    r"ENCRYPTION_KEY|SIGNING_KEY|MASTER_KEY|LICENSE_KEY|SALT)$",
    re.IGNORECASE)
# Words that make the name describe something public or a pointer to the secret.
NOT_SECRET_NAME = re.compile(r"(?:^|_)(?:PUBLIC|PUB|GPG|PGP)(?:_|$)|^PWD$", re.IGNORECASE)
# Values no one uses as a secret: switches, and pointers to where the secret really is.
NOT_SECRET_VALUE = re.compile(
    r"^(?:|true|false|yes|no|on|off|none|null|nil|0|1|enabled?|disabled?|required|optional|"
    r"changeme_at_runtime)$", re.IGNORECASE)

# Well-known credential formats, found whatever the variable is called.
TOKENS = re.compile(
    r"(?P<aws>\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16}\b)"
    r"|(?P<github>\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,}))"
    r"|(?P<gitlab>\bglpat-[A-Za-z0-9_-]{20,})"
    r"|(?P<slack>\bxox[abposr]-[A-Za-z0-9-]{10,})"
    r"|(?P<stripe>\b(?:sk|rk)_live_[A-Za-z0-9]{20,})"
    r"|(?P<google>\bAIza[0-9A-Za-z_-]{35})"
    r"|(?P<npm>\bnpm_[A-Za-z0-9]{36})"
    r"|(?P<pypi>\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})"
    r"|(?P<docker>\bdckr_pat_[A-Za-z0-9_-]{20,})"
    r"|(?P<sendgrid>\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})"
    r"|(?P<key>-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----)"
    r"|(?P<url>\b[a-z][a-z0-9+.-]*://[^/\s:@$'\"]+:(?P<password>[^/\s@$'\"{}]+)@[\w.-]+)"
)
_EXAMPLES = re.compile(r"EXAMPLE|XXXX|\*\*\*|<[^>]*>|\.\.\.", re.IGNORECASE)
_KINDS = {"aws": "an AWS access key", "github": "a GitHub token", "gitlab": "a GitLab token",
          "slack": "a Slack token", "stripe": "a Stripe key", "google": "a Google API key",
          "npm": "an npm token", "pypi": "a PyPI token", "docker": "a Docker Hub token",
          "sendgrid": "a SendGrid key", "key": "a private key", "url": "a URL with a password"}


def secret_name(name: str) -> bool:
    return bool(SECRET_NAME.search(name)) and not NOT_SECRET_NAME.search(name)


# Cheap substring tests first: the full pattern is only run on text that has one of these.
_MARKERS = ("AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "gh", "glpat-", "xox", "_live_",
            "AIza", "npm_", "pypi-", "dckr_pat_", "SG.", "PRIVATE KEY", "@")


def find_tokens(text: str) -> Iterator[tuple[str, str]]:
    """`(kind, matched text)` for each credential-looking string in `text`."""
    if not any(marker in text for marker in _MARKERS):
        return
    for match in TOKENS.finditer(text):
        kind = match.lastgroup if match.lastgroup != "password" else "url"
        found = match.group()
        if kind == "url":
            if _placeholder(match.group("password")):
                continue
        elif _EXAMPLES.search(found):
            continue
        yield kind or "url", found


def _placeholder(password: str) -> bool:
    return not password or password.startswith("$") or _EXAMPLES.search(password) is not None


def _literal(value: str | None) -> bool:
    """A value written in the Dockerfile, not a reference to a build arg or a switch."""
    if value is None or NOT_SECRET_VALUE.match(value.strip()):
        return False
    stripped = value.strip()
    return not stripped.startswith(("$", "/")) and not _EXAMPLES.fullmatch(stripped)


def secret_in_env(document: Document, params: Mapping) -> Iterator[Violation]:
    """DF007: literal secrets in ENV, ARG (by name or by format) and LABEL (by format)."""
    for instruction in with_triggers(document.parsed):
        if instruction.keyword not in ("ENV", "ARG", "LABEL"):
            continue
        for name, value in instruction.pairs:
            if value is None:
                continue
            tokens = list(find_tokens(value))
            if tokens:
                kind, found = tokens[0]
                yield Violation(f"`{instruction.keyword} {name}` holds {_KINDS[kind]} "
                                f"({redact(found)}).", line=instruction.line)
            elif instruction.keyword != "LABEL" and secret_name(name) and _literal(value):
                yield Violation(f"`{instruction.keyword} {name}` holds a literal secret "
                                f"({redact(value)}).", line=instruction.line)


def secret_build_arg(document: Document, params: Mapping) -> Iterator[Violation]:
    """DF017: secret-named ARGs, and ENVs that copy a build-time value into the image."""
    for instruction in with_triggers(document.parsed):
        if instruction.keyword not in ("ENV", "ARG"):
            continue
        for name, value in instruction.pairs:
            if not secret_name(name):
                continue
            if instruction.keyword == "ARG" and not _literal(value):
                yield Violation(f"`ARG {name}` passes a secret as a build argument: it is "
                                "recorded in the image history.", line=instruction.line)
            elif instruction.keyword == "ENV" and value and value.strip().startswith("$"):
                yield Violation(f"`ENV {name}={value}` stores a build-time secret in the "
                                "image's configuration.", line=instruction.line)


def secret_in_run(document: Document, params: Mapping) -> Iterator[Violation]:
    """DF015: credentials written in RUN/COPY/ADD (heredocs too) or passed on command lines."""
    dockerfile: Dockerfile = document.parsed
    reported: set[int] = set()
    for instruction in dockerfile.instructions:
        if instruction.keyword in ("ENV", "ARG", "LABEL"):
            continue  # DF007's
        if not any(marker in instruction.source for marker in _MARKERS):
            continue
        for line, text in source_lines(instruction):
            for kind, found in find_tokens(text):
                if line not in reported:
                    reported.add(line)
                    what = _KINDS[kind]
                    yield Violation(f"{what[0].upper()}{what[1:]} is written in the Dockerfile "
                                    f"({redact(found)}).", line=line)
    for run in analyze(dockerfile).runs:
        for command, value in _command_passwords(run.commands):
            if command.line not in reported:
                reported.add(command.line)
                yield Violation(f"`{command.name}` gets a literal password ({redact(value)}).",
                                line=command.line)


def _command_passwords(commands: tuple[Command, ...]) -> Iterator[tuple[Command, str]]:
    for index, command in enumerate(commands):
        name = command.name
        if name == "curl":
            value = Options(command.args, frozenset({"-u", "--user"})).value("-u", "--user")
            if value and ":" in value and not _placeholder(value.split(":", 1)[1]):
                yield command, value
        elif name == "sshpass":
            value = Options(command.args, frozenset({"-p"})).value("-p")
            if value and not _placeholder(value):
                yield command, value
        elif name in ("chpasswd", "passwd") and command.piped and index > 0:
            feeder = commands[index - 1]
            if feeder.name in ("echo", "printf") and any(
                    ":" in word and not _placeholder(word.split(":", 1)[1])
                    for word in feeder.args if not word.startswith("-")):
                yield command, next(w for w in feeder.args if ":" in w)
        else:
            value = Options(command.args, frozenset({"--password"})).value("--password")
            if value and not _placeholder(value):
                yield command, value


# --- secret files copied in -----------------------------------------------------------------

SECRET_FILES = frozenset({
    ".env", ".npmrc", ".pypirc", ".netrc", "_netrc", ".git-credentials", ".htpasswd",
    "credentials", "credentials.json", ".dockercfg", ".vault-token", ".pgpass", ".my.cnf",
    "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk",
    "secrets.yaml", "secrets.yml", "secrets.json", "service-account.json", "kubeconfig",
})
SECRET_SUFFIXES = (".key", ".p12", ".pfx", ".jks", ".keystore", ".ppk", ".kdbx")
SECRET_PATHS = (".aws/credentials", ".docker/config.json", ".kube/config")
_ENV_TEMPLATES = re.compile(r"\.(example|sample|template|dist|defaults?|tmpl|tpl)$",
                            re.IGNORECASE)
_PUBLIC_PEM = re.compile(r"cert|chain|bundle|(^|[-_.])ca([-_.]|$)|pub|root|trust|crt",
                         re.IGNORECASE)
# `*.key` files named after a package repository are its public signing key.
_PUBLIC_KEY = re.compile(r"gpg|pgp|apt|repo|pub|release|keyring|archive", re.IGNORECASE)
_PUBLIC_SSH = frozenset({"known_hosts", "authorized_keys", "config", "environment"})


def secret_file(path: str) -> bool:
    """Whether a COPY source or destination names a credentials or private key file."""
    path = path.strip("\"'").rstrip("/") + ("/" if path.rstrip().endswith("/") else "")
    name = posixpath.basename(path.rstrip("/")).lower()
    if not name or "$" in name:
        return False
    if name == ".ssh":
        return True
    lower = path.lower()
    if any(part in lower for part in SECRET_PATHS):
        return True
    if ".ssh/" in lower:
        return name not in _PUBLIC_SSH and not name.endswith(".pub")
    if name.startswith(".env"):
        return name == ".env" or (name.startswith(".env.") and not _ENV_TEMPLATES.search(name))
    if name in SECRET_FILES:
        return True
    if name.endswith(SECRET_SUFFIXES):
        return not (name.endswith(".key") and _PUBLIC_KEY.search(name[:-4]))
    return name.endswith(".pem") and not _PUBLIC_PEM.search(name[:-4])


def secret_file_copied(document: Document, params: Mapping) -> Iterator[Violation]:
    for instruction in with_triggers(document.parsed):
        if instruction.keyword not in ("COPY", "ADD"):
            continue
        sources = [s for s in instruction.sources if not s.startswith("<<")]
        found = [s for s in sources if secret_file(s)]
        destination = instruction.destination or ""
        if not found and not destination.endswith("/") and secret_file(destination):
            found = [destination]
        if found:
            yield Violation(f"`{instruction.keyword}` puts `{found[0]}` into an image layer.",
                            line=instruction.line)
