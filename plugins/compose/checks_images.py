"""Checks on the image a service pulls.

A service that also has `build:` names the image it builds, not one it pulls, so these
checks leave it alone; a variable in the tag (`app:${TAG}`, `${TAG:?}`) is a tag chosen at
deploy time and passes, while a default (`${TAG:-latest}`) is checked as the value it gives.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from scaffold import Document, Violation
from scaffold_plugins.compose.images import ImageRef
from scaffold_plugins.compose.parse import Service


def _pulled_image(document: Document) -> ImageRef | None:
    service: Service = document.parsed
    if service.image is None or "build" in service.definition or service.image.tag_unknown:
        return None
    return service.image


def _written(document: Document) -> str:
    return str(document.data["service"].get("image", "")).strip()


def image_tag(document: Document, params: Mapping) -> Iterator[Violation]:
    image = _pulled_image(document)
    if image is None or image.pinned:
        return
    written = _written(document)
    if image.tag is None:
        yield Violation(f"The image `{written}` has no tag, so it means `latest`.",
                        path=("service", "image"))
    elif image.tag == "latest":
        how = "defaults to" if "$" in written else "uses"
        yield Violation(f"The image `{written}` {how} the `latest` tag.",
                        path=("service", "image"))


def image_digest(document: Document, params: Mapping) -> Iterator[Violation]:
    image = _pulled_image(document)
    if image is None or image.pinned:
        return
    yield Violation(f"The image `{_written(document)}` is not pinned by digest.",
                    path=("service", "image"))
