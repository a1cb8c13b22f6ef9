"""The JSON Schema of the content, generated from the model (editors validate and complete with it)."""

from __future__ import annotations

import json

from labeling import schema_cache
from labeling.model import Label


def content_schema() -> dict:
    schema_cache.complete(Label)  # the schema pydantic generates from, loaded rather than built when cached
    schema = Label.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "labeling content file",
        "description": "One product's label: typed, identified facts. See README, 'Content format'.",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def schema_text() -> str:
    return json.dumps(content_schema(), indent=2, ensure_ascii=False) + "\n"
