"""YAML → Label, with every problem in a file reported at once as ``file:line:col: field.path: message``.

PyYAML's constructor cannot tell us where a value was written and silently keeps the last of two duplicate
keys (which would silently drop, say, a contraindication list). So we only let PyYAML *compose* the node
tree (safe tags only), then build plain Python data ourselves: recording each value's position, refusing
duplicate keys, and bounding alias expansion, depth and size so hostile files fail fast.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from labeling import schema_cache
from labeling.model import FactPath, Label, reference_problems

MAX_FILE_BYTES = 2 * 1024 * 1024  # a label is tens of kilobytes; anything this big is not a label
MAX_DEPTH = 40  # the model is 6 levels deep; deeper nesting is a mistake or an attack
MAX_NODES = 50_000  # a label has about 1,000 values; this bounds alias expansion ("billion laughs")
MAX_EXPANDED_CHARS = 4 * MAX_FILE_BYTES  # and this its size: one long text aliased thousands of times

Path_ = tuple[Any, ...]


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}:"
        return f"{where} {self.field}: {self.message}" if self.field else f"{where} {self.message}"


class ContentError(Exception):
    """One or more problems in a content file; the CLI prints each and exits 2."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# --------------------------------------------------------------------------------------------------------
# Entry points


def load_label(path: str | Path) -> Label:
    from labeling.files import NotReadable, read_regular
    from labeling.spl_terms import is_spl  # a sniff of the first bytes; lxml is imported only to read an SPL

    path = Path(path)
    name = str(path)
    try:
        data = read_regular(path, MAX_SPL_BYTES)
        if len(data) > MAX_FILE_BYTES and not is_spl(data):
            raise NotReadable(f"is {len(data):,} bytes")
    except NotReadable as error:
        message = str(error)
        if message.startswith("is ") and "bytes" in message:
            message = f"file {message}; a label file may be at most {MAX_FILE_BYTES:,} bytes"
        elif message == "is a directory, not a file":
            message = "is a directory, not a content file"
        raise ContentError([Problem(name, 1, 1, "", message)]) from None
    if is_spl(data):
        return _imported(data, name)
    return parse_label(data, name)


MAX_SPL_BYTES = 64 * 1024 * 1024  # a published SPL is text only (images are separate files)


def _imported(data: bytes, name: str) -> Label:
    """A published SPL read as a label (diff and redline compare two published versions fact by fact): imported
    on the fly, as ``labeling import`` would write it."""
    from labeling.extract import UnreadableArtifact
    from labeling.importers.spl import ImportError_, import_spl, to_yaml

    try:
        imported = import_spl(data, name)
    except (UnreadableArtifact, ImportError_) as error:
        message = str(error).removeprefix(f"{name}: ")
        raise ContentError([Problem(name, 1, 1, "", f"an SPL that cannot be imported: {message}")]) from None
    return parse_label(to_yaml(imported, Path(name).name), name)


def parse_label(data: bytes | str, filename: str = "<content>") -> Label:
    text = _decode(data, filename) if isinstance(data, bytes) else data
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise ContentError([Problem(filename, 1, 1, "", f"a label file may be at most {MAX_FILE_BYTES:,} bytes")])
    builder = _Builder(filename)
    raw = builder.build(text)
    if builder.problems:
        raise ContentError(builder.problems)
    return validate_label(raw, builder.positions, filename)


def validate_label(raw: Any, positions: dict[Path_, tuple[int, int]], filename: str) -> Label:
    """Validate plain data against the model; every problem located in the file."""
    locate = _Locator(raw, positions, filename)
    if not isinstance(raw, dict):
        kind = "empty" if raw is None else f"a {type(raw).__name__}, not a mapping"
        raise ContentError(
            [locate.problem((), f"the file is {kind}; a label starts with the keys {', '.join(Label.model_fields)}")]
        )
    schema_cache.complete(Label)
    try:
        label = Label.model_validate(raw)
    except ValidationError as error:
        raise ContentError([locate.from_pydantic(e) for e in error.errors()]) from None
    label._source_file = filename
    label._positions = positions
    problems = [locate.problem(path, message) for path, message in reference_problems(label)]
    problems += [locate.problem(path, message) for path, message in _language_problems(label)]
    if problems:
        raise ContentError(problems)
    return label


def _language_problems(label: Label) -> list[tuple[Path_, str]]:
    """A label is printed in its language: one the tool has words for."""
    from labeling.language import UnknownLanguage, language_for

    try:
        language_for(label.label.language)
    except UnknownLanguage as error:
        return [(("label", "language"), str(error))]
    return []


# --------------------------------------------------------------------------------------------------------
# Bytes → text


def _decode(data: bytes, filename: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ContentError([Problem(filename, 1, 1, "", "the file is UTF-16; save it as UTF-8")])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        byte = data[error.start : error.start + 1].hex()
        field = field_at_line(data.decode("utf-8", "replace").splitlines(), line)
        raise ContentError(
            [
                Problem(
                    filename,
                    line,
                    column,
                    field,
                    f"byte 0x{byte} is not UTF-8; save the file as UTF-8 (it may be Latin-1 or Windows-1252)",
                )
            ]
        ) from None


_KEY_LINE = re.compile(r"^(?P<indent>[ \t]*)(?P<dash>-[ \t]+)?(?P<key>[A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+(?P<value>.*))?$")


def field_at_line(lines: list[str], line: int) -> str:
    """The dotted field a line of block YAML belongs to, read from indentation alone.

    Used where PyYAML could not parse the file (tabs, bad indentation, bad bytes), so the message can still
    name the field: ``dosing.regimens[dementia].duration``.
    """
    if not 0 < line <= len(lines):
        return ""
    parts: list[str] = []
    current = _tabs_to_previous_indent(lines, line - 1)
    match = _KEY_LINE.match(current)
    if match:
        parts.append(match["key"])
        limit = len(match["indent"]) + len(match["dash"] or "")
        if match["dash"]:
            parts.insert(0, f"[{_item_id(lines, line - 1)}]")
            limit = len(match["indent"])
    else:
        limit = len(current) - len(current.lstrip(" "))
    for number in range(line - 2, -1, -1):
        if limit == 0:
            break
        match = _KEY_LINE.match(lines[number].replace("\t", " "))
        if not match:
            continue
        indent = len(match["indent"])
        key_col = indent + len(match["dash"] or "")
        if match["dash"] and indent < limit:
            if key_col < limit:
                parts.insert(0, match["key"])
            parts.insert(0, f"[{_item_id(lines, number)}]")
            limit = indent
        elif not match["dash"] and key_col < limit:
            parts.insert(0, match["key"])
            limit = key_col
    text = ""
    for part in parts:
        text += part if part.startswith("[") or not text else f".{part}"
    return text


def _tabs_to_previous_indent(lines: list[str], index: int) -> str:
    """A line indented with tabs, re-indented like the key line before it (tab width is unknowable)."""
    text = lines[index]
    if not text.startswith("\t"):
        return text.replace("\t", " ")
    for number in range(index - 1, -1, -1):
        match = _KEY_LINE.match(lines[number])
        if match:
            return " " * (len(match["indent"]) + len(match["dash"] or "")) + text.lstrip("\t")
    return text.lstrip("\t")


def _item_id(lines: list[str], start: int) -> str:
    """The ``id:`` of the list item whose dash is on line ``start``, or '' when it has none."""
    first = _KEY_LINE.match(lines[start].replace("\t", " "))
    if first is None:
        return ""
    dash_col = len(first["indent"])
    for number in range(start, len(lines)):
        match = _KEY_LINE.match(lines[number].replace("\t", " "))
        if match is None:
            continue
        if number > start and len(match["indent"]) <= dash_col:
            break
        if match["key"] == "id" and match["value"]:
            return match["value"].strip().strip("'\"")
    return ""


# --------------------------------------------------------------------------------------------------------
# Text → plain data with positions


class _Builder:
    def __init__(self, filename: str):
        self.filename = filename
        self.positions: dict[Path_, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.nodes = 0
        self.chars = 0  # text read so far, aliases expanded
        self._constructor = yaml.constructor.SafeConstructor()

    def problem_at(self, mark: Any, message: str, field: str = "") -> None:
        self.problems.append(Problem(self.filename, mark.line + 1, mark.column + 1, field, message))

    def build(self, text: str) -> Any:
        if not text.strip() or all(line.lstrip().startswith("#") or not line.strip() for line in text.splitlines()):
            self.problems.append(
                Problem(
                    self.filename,
                    1,
                    1,
                    "",
                    f"the file is empty; a label starts with the keys {', '.join(Label.model_fields)}",
                )
            )
            return None
        try:
            root = yaml.compose(text, Loader=_LOADER)
        except yaml.MarkedYAMLError as error:
            self.problems.append(self._syntax_problem(error, text))
            return None
        except yaml.YAMLError as error:
            self.problems.append(Problem(self.filename, 1, 1, "", f"not valid YAML: {error}"))
            return None
        except RecursionError:
            self.problems.append(
                Problem(self.filename, 1, 1, "", f"nesting is too deep (more than {MAX_DEPTH} levels)")
            )
            return None
        if root is None:
            self.problems.append(Problem(self.filename, 1, 1, "", "the file is empty"))
            return None
        self.positions[()] = (root.start_mark.line + 1, root.start_mark.column + 1)
        try:
            return self._value(root, (), 0)
        except _Abort:
            return None

    def _syntax_problem(self, error: yaml.MarkedYAMLError, text: str) -> Problem:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = (error.problem or str(error)).strip()
        if error.context and error.context not in message:
            message = f"{error.context}, {message}"
        source_line = text.splitlines()[line - 1] if 0 < line <= len(text.splitlines()) else ""
        if "nesting depth" in message:
            return Problem(self.filename, line, column, "", f"nesting is too deep (more than {MAX_DEPTH} levels)")
        if "\t" in message or "'\\t'" in message or ("\t" in source_line and "cannot start any token" in message):
            message = "a tab character; YAML indents with spaces only, replace the tab with spaces"
        elif "mapping values are not allowed" in message and re.match(
            r"\s*(?:- )?[\w-]+:\s+[^'\"\s].*:(?:\s|$)", source_line
        ):
            message = (
                "a ': ' inside the text of this line reads as a new key; put the text in quotes "
                f'(key: "text: more text") (YAML said: {message})'
            )
        elif (
            "mapping values are not allowed" in message
            or "expected <block end>" in message
            or "did not find expected key" in message
        ):
            message = (
                "this line's indentation does not fit the lines around it; line up each key with the "
                f"other keys of its block (YAML said: {message})"
            )
        return Problem(
            self.filename, line, column, field_at_line(text.splitlines(), line), f"not valid YAML: {message}"
        )

    def _value(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            self.problem_at(
                node.start_mark, f"more than {MAX_NODES:,} values (alias expansion?); refusing to expand further"
            )
            raise _Abort
        if depth > MAX_DEPTH:
            self.problem_at(node.start_mark, f"nesting is too deep (more than {MAX_DEPTH} levels)")
            raise _Abort
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
            self.problem_at(
                node.start_mark,
                f"unsupported YAML tag {node.tag!r}: a label holds plain mappings, lists and values only",
                _dotted(path),
            )
            raise _Abort
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            result = []
            for index, item in enumerate(node.value):
                self.positions[path + (index,)] = (item.start_mark.line + 1, item.start_mark.column + 1)
                result.append(self._value(item, path + (index,), depth + 1))
            return result
        self.chars += len(node.value)
        if self.chars > MAX_EXPANDED_CHARS:
            self.problem_at(
                node.start_mark,
                f"the file expands to more than {MAX_EXPANDED_CHARS:,} characters of text (alias expansion?); "
                "refusing to expand further",
            )
            raise _Abort
        surprise = _yaml11_number(node)
        if surprise:
            self.problem_at(node.start_mark, surprise, _dotted(path))
            return None
        try:
            value = self._constructor.construct_object(node, deep=True)
        except (yaml.constructor.ConstructorError, ValueError, OverflowError) as error:
            self.problem_at(node.start_mark, f"cannot read value {node.value!r}: {error}", _dotted(path))
            return None
        if isinstance(value, str) and (unseen := unseen_character(value)) is not None:
            self.problem_at(node.start_mark, unseen, _dotted(path))
            return None
        if isinstance(value, (bytes, bytearray)):
            self.problem_at(node.start_mark, "binary data (!!binary) is not label content; write text", _dotted(path))
            return None
        return value

    def _mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problem_at(
                    key_node.start_mark, "merge keys ('<<') are not supported; write the values out", _dotted(path)
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem_at(key_node.start_mark, "a key must be a plain name", _dotted(path))
                continue
            key = key_node.value
            key_path = path + (key,)
            if key in first_seen:
                self.problem_at(
                    key_node.start_mark,
                    f"duplicate key {key!r} (first at line {first_seen[key]}); "
                    "YAML would silently keep only the last one",
                    _dotted(key_path),
                )
                continue
            first_seen[key] = key_node.start_mark.line + 1
            self.positions[key_path] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self._value(value_node, key_path, depth + 1)
        return result


# YAML 1.1 reads some plain scalars as numbers nobody meant: "33:20" is 2000 (base 60), "03742" is 2018 (octal),
# "1_000" is 1000, "0x1F" is 31. A label writes numbers in decimal; anything else must be quoted to be text.
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_NOT_DECIMAL = re.compile(r"^[-+]?(?:0[0-9_]+|0[box][0-9a-fA-F_]+|[0-9]+_[0-9_]*)(?:\.[0-9_]*)?$")
_NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}


def _yaml11_number(node: yaml.Node) -> str | None:
    if not isinstance(node, yaml.ScalarNode) or node.style or node.tag not in _NUMBER_TAGS:  # plain: None or ""
        return None
    if _SEXAGESIMAL.match(node.value):
        kind = "a base-60 number"
    elif _NOT_DECIMAL.match(node.value):
        kind = "an octal, hexadecimal or underscored number"
    else:
        return None
    return (
        f"{node.value!r} would be read as {kind} by YAML 1.1, not as written; put it in quotes if it is text "
        "(a code, a time), or write the number in plain decimals"
    )


# Characters a reader cannot see or that change how the text around them reads: controls (except tab and line
# breaks), format characters (zero-width spaces and joiners, soft hyphens, bidirectional controls, byte-order
# marks), line and paragraph separators, surrogates, private-use and unassigned code points (U+FFFF …).
_UNSEEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def unseen_character(text: str) -> str | None:
    """Why ``text`` may not be label content (the first character a reader cannot see), or None."""
    for index, char in enumerate(text):
        code = ord(char)
        if (
            (code < 0x20 and char not in "\t\n\r")
            or code == 0x7F
            or (code >= 0x80 and unicodedata.category(char) in _UNSEEN_CATEGORIES)
        ):
            name = unicodedata.name(char, "a control or unassigned character")
            return (
                f"character {index + 1} of this text is U+{code:04X} ({name}), which a reader does not see or which "
                "changes how the text around it reads; delete it (a document must show what the label says)"
            )
    return None


# libyaml's composer when PyYAML has it (about 10× faster on a label); positions and errors are the same.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Abort(Exception):
    pass


_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


def _dotted(path: Path_) -> str:
    """A path while the file is being read (items cannot be named by id yet): ``dosing.regimens[0].dose``."""
    return FactPath.resolve(None, path).text


# --------------------------------------------------------------------------------------------------------
# Pydantic errors → located problems


class _Locator:
    def __init__(self, raw: Any, positions: dict[Path_, tuple[int, int]], filename: str):
        self.raw = raw
        self.positions = positions
        self.filename = filename

    def field_name(self, path: Path_) -> str:
        """``dosing.regimens[stroke-tbi].dose``: list items named by their id where they have one."""
        return FactPath.resolve(self.raw, path).text

    def problem(self, path: Path_, message: str, field: str | None = None) -> Problem:
        probe = path
        while probe and probe not in self.positions:
            probe = probe[:-1]
        line, column = self.positions.get(probe, (1, 1))
        return Problem(self.filename, line, column, self.field_name(path) if field is None else field, message)

    def from_pydantic(self, error: ErrorDetails) -> Problem:
        path = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-")))
        kind, value = error["type"], error.get("input")
        if kind == "extra_forbidden":
            allowed = _allowed_keys(path[:-1])
            close = difflib.get_close_matches(str(path[-1]), allowed, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            message = f"unknown field {path[-1]!r}{hint} (allowed here: {', '.join(allowed)})"
        elif kind == "missing":
            what = "section" if len(path) == 1 else "field"
            return self.problem(path[:-1], f"missing required {what} {path[-1]!r}", field=self.field_name(path))
        elif kind == "literal_error":
            expected = error.get("ctx", {}).get("expected", "")
            options = [o.strip(" '") for o in expected.replace(" or ", ",").split(",") if o.strip()]
            close = difflib.get_close_matches(str(value), options, n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            message = f"{value!r} is not allowed{hint} (expected one of: {', '.join(options)})"
        elif kind == "string_pattern_mismatch" and path and (path[-1] in ("id", "route") or _is_id_ref(path)):
            message = f"{value!r} is not a valid id: use lower-case letters, digits and hyphens (e.g. 'stroke-tbi')"
        elif kind == "string_pattern_mismatch":
            pattern = error.get("ctx", {}).get("pattern", "")
            example = {"version": "'1.0' or '2.1.0'", "language": "'en' or 'en-US'"}.get(str(path[-1]), pattern)
            message = f"{value!r} does not have the expected form: {example}"
        elif kind == "too_short" and isinstance(value, list):
            message = "must list at least one item"
        elif kind in ("model_type", "dict_type"):
            message = f"expected a mapping of fields here, got {_describe(value)}"
        elif kind == "list_type":
            message = f"expected a list ('- item' lines) here, got {_describe(value)}"
        elif kind in ("string_type",):
            message = f"expected text here, got {_describe(value)}"
        elif kind == "string_too_short":
            message = "must not be empty"
        else:
            message = str(error["msg"]).removeprefix("Value error, ")
            if value is not None and not isinstance(value, (dict, list)) and repr(value) not in message:
                message += f" (got {value!r})"
        return self.problem(path, message)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"{type(value).__name__} {value!r}"


def _is_id_ref(path: Path_) -> bool:
    return (
        len(path) >= 2
        and isinstance(path[-1], int)
        and path[-2] in ("indications", "supported_by", "affects", "routes", "regimens", "warnings", "postmarketing")
    )


def _allowed_keys(path: Path_) -> list[str]:
    """The field names the model allows at ``path`` (for did-you-mean on unknown keys)."""
    model: Any = Label
    for part in path:
        if isinstance(part, int):
            continue
        model = (
            _unwrap(model.model_fields[part].annotation) if _is_model(model) and part in model.model_fields else None
        )
        if model is None:
            return []
    return list(model.model_fields) if _is_model(model) else []


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _unwrap(tp: Any) -> Any:
    """list[X] → X, X | None → X, Annotated[X, …] → X."""
    for _ in range(5):
        origin = typing.get_origin(tp)
        if origin is typing.Annotated or origin in (list, tuple):
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = args[0] if len(args) == 1 else tp
            if len(args) != 1:
                break
        else:
            break
    return tp
