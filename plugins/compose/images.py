"""Image references: `[registry[:port]/]path[:tag][@digest]`, possibly with unknown parts."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache

from scaffold_plugins.compose.interpolate import UNKNOWN

_DIGEST = re.compile(r"^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$")


@dataclass(frozen=True)
class ImageRef:
    text: str  # as resolved (may hold UNKNOWN)
    repository: str  # with the registry, without tag and digest
    tag: str | None
    digest: str | None

    @property
    def known(self) -> bool:
        return UNKNOWN not in self.text

    @property
    def tag_unknown(self) -> bool:
        """The tag comes from a variable, or the variable may hold one (`app:${TAG}`,
        `${IMAGE}`, `registry/${NAME}`)."""
        if self.tag is not None:
            return UNKNOWN in self.tag
        return UNKNOWN in self.repository.rsplit("/", 1)[-1]

    @property
    def pinned(self) -> bool:
        return self.digest is not None and (UNKNOWN in self.digest
                                            or bool(_DIGEST.match(self.digest)))

    @cached_property
    def name(self) -> str:
        """The last path component, lower-case: `postgres` for `docker.io/library/postgres`."""
        return self.repository.rsplit("/", 1)[-1].lower()

    @cached_property
    def path(self) -> str:
        """The repository without a registry host: `bitnami/postgresql`."""
        first, _, rest = self.repository.partition("/")
        if rest and ("." in first or ":" in first or first == "localhost"):
            return rest.lower()
        return self.repository.lower()


def parse_image(text: str) -> ImageRef:
    name, _, digest = text.strip().partition("@")
    slash, colon = name.rfind("/"), name.rfind(":")
    if colon > slash:
        repository, tag = name[:colon], name[colon + 1:]
    else:
        repository, tag = name, None
    return ImageRef(text, repository, tag, digest or None)


class ImageNames:
    """A list of image names to match, prepared once: a bare name (`postgres`) matches the last
    path component (`docker.io/library/postgres`, not `bitnami/postgresql`), a name with a slash
    (`bitnami/postgresql`) matches the path without the registry, a trailing `*` a prefix."""

    def __init__(self, names: tuple[str, ...]):
        self.exact = {}
        self.prefixes = []
        for wanted in names:
            lower = wanted.lower()
            if lower.endswith("*"):
                self.prefixes.append((lower[:-1], "/" in lower, wanted))
            else:
                self.exact.setdefault(lower, wanted)

    def match(self, image: ImageRef) -> str | None:
        """The name (as given) that the image matches, if any."""
        for subject in (image.name, image.path):
            if subject in self.exact:
                return self.exact[subject]
        for prefix, by_path, wanted in self.prefixes:
            if (image.path if by_path else image.name).startswith(prefix):
                return wanted
        return None


@lru_cache(maxsize=64)
def image_names(names: tuple[str, ...]) -> ImageNames:
    return ImageNames(names)


def matches_any(image: ImageRef, names: Iterable[str]) -> bool:
    return image_names(tuple(names)).match(image) is not None
