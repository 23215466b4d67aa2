"""Checks on the images a Dockerfile builds from: tags, digests, registries, toolchains."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from scaffold import Document, Violation

from .analysis import analyze, mounts
from .parser import Dockerfile, Instruction, Stage
from .words import split_image

# ARGs BuildKit defines in the global scope itself, usable in FROM without being declared.
AUTOMATIC_ARGS = frozenset({
    "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT",
    "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT", "TARGETSTAGE",
})
_REFERENCE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(:?[-+?]?)|([A-Za-z_][A-Za-z0-9_]*))")

def _global_values(dockerfile: Dockerfile) -> dict[str, str | None]:
    """ARGs declared before the first FROM: name -> default (None when it has none)."""
    values: dict[str, str | None] = {}
    for instruction in dockerfile.global_args:
        for name, value in instruction.pairs:
            values[name] = value
    return values


def unresolved(text: str, values: Mapping[str, str | None], depth: int = 0) -> bool:
    """Whether `text` uses a variable only known at build time (no default, or automatic)."""
    for match in _REFERENCE.finditer(text):
        name = match.group(1) or match.group(3)
        if match.group(2) in (":-", "-"):
            continue  # `${TAG:-3.12}` has a value either way
        value = values.get(name)
        if not value or ("$" in value and (depth > 8 or unresolved(value, values, depth + 1))):
            return True
    return False


def external_images(dockerfile: Dockerfile) -> Iterator[tuple[Stage, str]]:
    """`(stage, image)` for stages built on a registry image whose name is known statically."""
    values = _global_values(dockerfile)
    for stage in dockerfile.stages:
        if stage.is_scratch or stage.base_stage is not None:
            continue
        if "$" in stage.image and unresolved(stage.image, values):
            continue
        yield stage, stage.resolved_image


def base_image_tag(document: Document, params: Mapping) -> Iterator[Violation]:
    for stage, image in external_images(document.parsed):
        _, _, tag, digest = split_image(image)
        if digest is None and tag in (None, "latest"):
            what = "has no tag" if tag is None else "uses the `latest` tag"
            yield Violation(f"Base image `{image}` {what}.", line=stage.line)


def base_image_digest(document: Document, params: Mapping) -> Iterator[Violation]:
    for stage, image in external_images(document.parsed):
        if split_image(image)[3] is None:
            yield Violation(f"Base image `{image}` is not pinned by digest.", line=stage.line)


def _trusted(image: str, registries: list[str]) -> bool:
    registry, repository, _, _ = split_image(image)
    host = (registry or "docker.io").lower()
    full = f"{host}/{repository}"
    for entry in registries:
        entry = entry.lower().rstrip("/")
        if entry.startswith("*."):
            if host.endswith(entry[1:]):
                return True
        elif full == entry or full.startswith(entry + "/") or host == entry:
            return True
    return False


def _pulled_images(dockerfile: Dockerfile) -> Iterator[tuple[str, int]]:
    """Every registry image the build pulls: bases, `COPY --from=image`, `--mount=from=image`."""
    for stage, image in external_images(dockerfile):
        yield image, stage.line
    for stage in dockerfile.stages:
        earlier = {s.name for s in dockerfile.stages[:stage.index] if s.name}
        for instruction in stage.instructions:
            for source in _from_references(instruction):
                if "$" not in source and not source.isdigit() and source.lower() not in earlier \
                        and looks_like_image(source):
                    yield source, instruction.line


def _from_references(instruction: Instruction) -> list[str]:
    """Image or stage names an instruction reads from: `COPY --from=x`, `--mount=from=x`."""
    found = [value for value in instruction.flag_values("from") if value]
    if instruction.keyword == "RUN":
        found += [m["from"] for m in mounts(instruction) if m.get("from")]
    return found


def looks_like_image(reference: str) -> bool:
    """`alpine:3.20`, `ghcr.io/x/y`, `img@sha256:...` rather than a bare stage-like name."""
    return any(mark in reference for mark in (":", "/", "@", "."))


def trusted_registry(document: Document, params: Mapping) -> Iterator[Violation]:
    registries = list(params["registries"])
    if not registries:
        return
    for image, line in _pulled_images(document.parsed):
        if not _trusted(image, registries):
            host = split_image(image)[0] or "docker.io"
            yield Violation(f"Image `{image}` comes from `{host}`, which is not a trusted "
                            "registry.", line=line)


# --- a toolchain shipped in the final image -------------------------------------------------

# image repository -> build commands that show the image is used to compile something
TOOLCHAINS: dict[str, tuple[tuple[str, ...], ...]] = {
    "golang": (("go", "build"), ("go", "install")),
    "rust": (("cargo", "build"), ("cargo", "install")),
    "maven": (("mvn",), ("mvnw",)),
    "gradle": (("gradle",), ("gradlew",)),
    "dotnet/sdk": (("dotnet", "publish"), ("dotnet", "build")),
    "gcc": (("make",), ("gcc",), ("g++",), ("cmake",)),
    "swift": (("swift", "build"),),
    "haskell": (("stack", "build"), ("cabal", "build"), ("cabal", "install")),
    "node": (("npm", "run", "build"), ("yarn", "build"), ("yarn", "run", "build"),
             ("pnpm", "build"), ("pnpm", "run", "build"), ("tsc",), ("npx", "tsc")),
}
# JDK images also serve as runtimes (`-jre` tags): they count only with a Java build tool.
_JDK_IMAGES = ("eclipse-temurin", "openjdk", "amazoncorretto", "ibm-semeru-runtimes")
_JAVA_BUILDS = (("mvn",), ("mvnw",), ("gradle",), ("gradlew",), ("javac",))


def _toolchain(image: str) -> tuple[tuple[str, ...], ...] | None:
    _, repository, tag, _ = split_image(image)
    repository = repository.removeprefix("library/")
    for name, builds in TOOLCHAINS.items():
        if repository == name or repository.endswith("/" + name):
            return builds
    short = repository.rsplit("/", 1)[-1]
    if short in _JDK_IMAGES and "jre" not in (tag or ""):
        return _JAVA_BUILDS
    return None


def _matches(argv: tuple[str, ...], build: tuple[str, ...]) -> bool:
    if not argv:
        return False
    words = (argv[0].rsplit("/", 1)[-1], *argv[1:])
    return words[:len(build)] == build


def toolchain_in_final_image(document: Document, params: Mapping) -> Iterator[Violation]:
    dockerfile: Dockerfile = document.parsed
    analysis = analyze(dockerfile)
    chain = analysis.chain(dockerfile.final_stage)
    root = chain[-1]
    if root.is_scratch or root.base_stage is not None or "$" in root.resolved_image:
        return
    builds = _toolchain(root.resolved_image)
    if builds is None:
        return
    for run in analysis.shipped_runs():
        for command in run.commands:
            build = next((b for b in builds if _matches(command.argv, b)), None)
            if build is not None:
                yield Violation(f"The final image is built from `{root.resolved_image}` and "
                                f"compiles in it (`{' '.join(build)}` at line {command.line}): "
                                "the toolchain ships with the application.", line=root.line)
                return


# --- FROM flags and variables ---------------------------------------------------------------


def undefined_arg_in_from(document: Document, params: Mapping) -> Iterator[Violation]:
    dockerfile: Dockerfile = document.parsed
    declared = set(_global_values(dockerfile)) | AUTOMATIC_ARGS
    for stage in dockerfile.stages:
        from_ = stage.instructions[0]
        texts = [stage.image, *(value or "" for _, value in from_.flags)]
        # `${X:-alpine}` works without X (it always gives the default): only bare uses count
        names = {m.group(1) or m.group(3) for text in texts for m in _REFERENCE.finditer(text)
                 if m.group(2) not in (":-", "-")}
        for name in sorted(names - declared):
            yield Violation(f"`FROM` uses `${name}`, which no `ARG` before the first `FROM` "
                            "declares: it expands to an empty string.", line=stage.line)


def platform_constant(document: Document, params: Mapping) -> Iterator[Violation]:
    for stage in document.parsed.stages:
        platform = stage.platform
        if not platform or "$" in platform:
            continue
        # `FROM --platform=linux/amd64 x AS build-amd64` names a deliberate per-platform stage.
        parts = re.split(r"[/,]", platform.lower())
        if stage.name and any(part and part in stage.name for part in parts[1:]):
            continue
        yield Violation(f"`FROM --platform={platform}` fixes the platform: builds for other "
                        "platforms get this one, emulated.", line=stage.line)
