"""Write the live OpenAPI schema to latido/api/openapi.json: `python -m latido.api.snapshot`."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

SNAPSHOT = Path(__file__).with_name("openapi.json")
REGENERATE = "python -m latido.api.snapshot"


def live_schema() -> dict[str, Any]:
    from latido.api.api import api

    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    SNAPSHOT.write_text(render(live_schema()), encoding="utf-8")
    print(f"wrote {SNAPSHOT}")  # noqa: T201


if __name__ == "__main__":
    main()
