"""Label lint: regulatory and medication-safety rules on the content, in the style of ruff.

A rule is a small class with a stable code (``LBL###``), a name, a default severity and a docstring in ruff's
sections (What it does / Why is this bad? / Example); ``labeling rule CODE`` prints it. Families own a prefix:
LBL0xx notation, LBL1xx coherence, LBL2xx traceability, LBL3xx completeness, LBL4xx readability and layout.
Rules only yield findings (a path in the content and a message); this module locates them in the YAML, applies
configuration and per-fact suppressions, and ``labeling.lint.output`` prints them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from labeling.model import Fact, FactPath, Label

if TYPE_CHECKING:
    from labeling.doctree import Document
    from labeling.language import Language

ERROR, WARNING = "error", "warning"
_T = TypeVar("_T")


@dataclass(frozen=True, order=True)
class Diagnostic:
    file: str
    line: int
    column: int
    code: str
    severity: str
    message: str
    fact: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.code} [{self.severity}] {self.message}"


@dataclass(frozen=True)
class Hit:
    """What a rule reports: where in the content (a raw path or a ``FactPath``) and what; optionally a severity
    of its own."""

    path: tuple[Any, ...] | FactPath
    message: str
    severity: str | None = None

    @property
    def raw(self) -> tuple[Any, ...]:
        return self.path.raw if isinstance(self.path, FactPath) else tuple(self.path)


@dataclass
class LintContext:
    label: Label
    artifacts: Path | None = None  # a built output/<id>/ folder, for the layout rules
    options: dict[str, Any] = field(default_factory=dict)
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    def memo(self, key: str, compute: Callable[[], _T]) -> _T:
        """A value several rules need (the label's document texts), computed once per run."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def lang(self) -> Language:
        """The label's language: the words rules read text with come from it."""
        from labeling.language import language_for

        return self.memo("lang", lambda: language_for(self.label.label.language))

    def document(self, kind: str) -> Document:
        """The label's document of ``kind`` as composed (what a reader of that document will see), once."""
        from labeling.compose import compose

        return self.memo(f"document:{kind}", lambda: compose(self.label, kind, self.lang))


class Rule(ABC):
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[str] = ERROR

    @abstractmethod
    def check(self, ctx: LintContext) -> Iterable[Hit]:
        """Yield a Hit for each problem found."""

    @classmethod
    def doc(cls) -> str:
        import inspect

        return f"{cls.code} ({cls.name}), {cls.severity} by default\n\n{inspect.cleandoc(cls.__doc__ or '')}\n"


RULES: dict[str, type[Rule]] = {}


def register(rule: type[Rule]) -> type[Rule]:
    if rule.code in RULES:
        raise ValueError(f"duplicate rule code {rule.code}")
    RULES[rule.code] = rule
    return rule


def all_rules() -> dict[str, type[Rule]]:
    """The registry, with every family imported."""
    from labeling.lint.rules import coherence, completeness, notation, readability, traceability  # noqa: F401

    return dict(sorted(RULES.items()))


# --------------------------------------------------------------------------------------------------------
# Configuration: [tool.labeling.lint] in pyproject.toml


@dataclass
class LintConfig:
    select: list[str] = field(default_factory=lambda: ["LBL"])
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)

    def enabled(self, code: str) -> bool:
        def matches(prefixes: list[str]) -> int:
            return max((len(p) for p in prefixes if code.startswith(p)), default=-1)

        return matches(self.select) > matches(self.ignore)


class ConfigError(Exception):
    pass


def load_config(start: Path | None = None) -> tuple[LintConfig, str | None]:
    """The nearest pyproject.toml's [tool.labeling.lint], or the defaults."""
    import tomllib

    folder = (start or Path.cwd()).resolve()
    for candidate in [folder, *folder.parents]:
        path = candidate / "pyproject.toml"
        if path.is_file():
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
                raise ConfigError(f"{path}: {error}") from None
            section = data.get("tool", {}).get("labeling", {}).get("lint")
            if section is None:
                continue
            return _parse_config(section, str(path)), str(path)
    return LintConfig(), None


def _parse_config(section: dict[str, Any], where: str) -> LintConfig:
    known = {"select", "ignore", "severity", "reading-grade-max", "min-type-pt"}
    unknown = set(section) - known
    if unknown:
        raise ConfigError(f"{where}: [tool.labeling.lint] has unknown keys {sorted(unknown)}; allowed: {sorted(known)}")
    rules = all_rules()
    config = LintConfig()
    for key in ("select", "ignore"):
        values = section.get(key, getattr(config, key))
        if not isinstance(values, list) or not all(isinstance(v, str) and v.startswith("LBL") for v in values):
            raise ConfigError(
                f"{where}: [tool.labeling.lint] {key} must be a list of codes or prefixes like 'LBL1' or 'LBL201'"
            )
        setattr(config, key, values)
    severities = section.get("severity", {})
    if not isinstance(severities, dict):
        raise ConfigError(f'{where}: [tool.labeling.lint] severity must be a table like {{ LBL206 = "error" }}')
    for code, level in severities.items():
        if (code not in rules and code != "LBL999") or level not in (ERROR, WARNING):
            raise ConfigError(
                f"{where}: [tool.labeling.lint.severity] {code} = {level!r}: expected a rule code "
                "and 'error' or 'warning'"
            )
        config.severity[code] = level
    if "reading-grade-max" in section:
        value = section["reading-grade-max"]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ConfigError(
                f"{where}: [tool.labeling.lint] reading-grade-max = {value!r}: expected a number such as 8"
            )
        config.options["reading-grade-max"] = value
    if "min-type-pt" in section:
        from labeling.lint.rules.readability import pdf_kinds

        value = section["min-type-pt"]
        documents = pdf_kinds()
        if (
            not isinstance(value, dict)
            or set(value) - documents
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in value.values())
        ):
            raise ConfigError(
                f"{where}: [tool.labeling.lint] min-type-pt = {value!r}: expected a table of point "
                f"sizes by document ({', '.join(sorted(documents))}) such as "
                "{ package-insert = 8, patient-information = 10 }"
            )
        config.options["min-type-pt"] = value
    return config


# --------------------------------------------------------------------------------------------------------
# Running


def _owning_fact(
    facts: list[tuple[tuple[Any, ...], Fact]], path: tuple[Any, ...]
) -> tuple[tuple[Any, ...], Fact] | None:
    best = None
    for fact_path, fact in facts:
        if path[: len(fact_path)] == fact_path and (best is None or len(fact_path) > len(best[0])):
            best = (fact_path, fact)
    return best


def dotted(label: Label, path: tuple[Any, ...]) -> str:
    """``dosing.regimens[stroke-tbi].dose``: list items named by their id (the model's FactPath)."""
    return FactPath.resolve(label, path).text


def run_lint(label: Label, config: LintConfig | None = None, artifacts: Path | None = None) -> list[Diagnostic]:
    config = config or LintConfig()
    ctx = LintContext(label, artifacts, config.options)
    facts = [(path.raw, fact) for path, fact in label.facts()]
    diagnostics: list[Diagnostic] = []
    used: set[tuple[int, str]] = set()
    for code, rule_class in all_rules().items():
        if not config.enabled(code):
            continue
        for hit in rule_class().check(ctx):
            raw = hit.raw
            owner = _owning_fact(facts, raw)
            if owner is not None:
                suppressed = [s for s in owner[1].lint_ignore if s.rule == code]
                if suppressed:
                    used.add((id(owner[1]), code))
                    continue
            severity = config.severity.get(code) or hit.severity or rule_class.severity
            line, column = label.position(raw)
            diagnostics.append(
                Diagnostic(label.source_file, line, column, code, severity, hit.message, dotted(label, raw))
            )
    diagnostics.extend(_unused_suppressions(label, facts, used, config))
    return sorted(diagnostics)


def _unused_suppressions(
    label: Label, facts: list[tuple[tuple[Any, ...], Fact]], used: set[tuple[int, str]], config: LintConfig
) -> Iterator[Diagnostic]:
    """A suppression that suppresses nothing is stale: it would hide a future, different problem."""
    for path, fact in facts:
        for index, suppression in enumerate(fact.lint_ignore):
            if (id(fact), suppression.rule) in used or not config.enabled(suppression.rule):
                continue
            where = path + ("lint_ignore", index)
            line, column = label.position(where)
            known = suppression.rule in all_rules()
            message = (
                f"suppression of {suppression.rule} suppresses nothing; remove it"
                if known
                else f"suppression of unknown rule {suppression.rule}"
            )
            yield Diagnostic(
                label.source_file,
                line,
                column,
                "LBL999",
                config.severity.get("LBL999", WARNING),
                message,
                dotted(label, where),
            )


def summary(diagnostics: list[Diagnostic], files: int) -> str:
    errors = sum(d.severity == ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    if not diagnostics:
        return "All checks passed!"
    noun = "file" if files == 1 else "files"
    return (
        f"Found {errors} error{'s' if errors != 1 else ''} and {warnings} warning{'s' if warnings != 1 else ''}"
        f" in {files} {noun}."
    )
