import json
from pathlib import Path

import jsonschema
import yaml
from click.testing import CliRunner

from labeling.cli import main

ROOT = Path(__file__).resolve().parent.parent
COPY = ROOT / "content" / "label.schema.json"


def test_schema_command_prints_the_committed_copy():
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    assert result.output == COPY.read_text(encoding="utf-8"), (
        "content/label.schema.json is stale: run `labeling schema --out content/label.schema.json`"
    )


def test_every_sample_names_the_schema_and_validates_against_it():
    schema = json.loads(COPY.read_text(encoding="utf-8"))
    for path in sorted((ROOT / "content").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema=label.schema.json"), path
        data = json.loads(json.dumps(yaml.safe_load(text), default=str))
        jsonschema.validate(data, schema)


def test_schema_rejects_an_unknown_key():
    schema = json.loads(COPY.read_text(encoding="utf-8"))
    data = json.loads(json.dumps(yaml.safe_load((ROOT / "content" / "cerebrolysin.yaml").read_text()), default=str))
    data["contraindictions"] = []
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError as error:
        assert "contraindictions" in str(error)
    else:
        raise AssertionError("schema accepted an unknown key")
