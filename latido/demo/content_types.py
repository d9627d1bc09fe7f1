"""The shape of the demo's text corpus."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CategoryContent:
    """One ticket category: customers' requests per language, its answer, specialists' notes."""

    name: str
    technical: bool
    tags: list[str]
    requests: dict[str, list[tuple[str, str]]]  # language → [(subject, body)]
    solution: dict[str, str]  # language → the reply that solves the request
    findings: list[str]  # internal notes of what was found (English, staff language)
