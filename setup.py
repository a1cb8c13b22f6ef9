"""The wheel carries the top-level ``templates/`` folder as ``labeling/_templates``, and the sample label
``content/cerebrolysin.yaml`` as ``labeling/_example/`` (the label ``labeling init`` starts a repository with).

The repository keeps ``templates/`` at its top level (the layout is fixed); an installed ``labeling`` finds the
packaged copy with ``importlib.resources`` (``labeling/templates.py``). An editable install copies nothing and
finds ``templates/`` beside the package. Everything else is in ``pyproject.toml``.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildPyWithTemplates(build_py):
    """``build_py`` plus a copy of ``templates/`` into the built package (wheel, and a wheel built from the sdist,
    which holds ``templates/`` through MANIFEST.in)."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        package = Path(self.build_lib) / "labeling"
        templates, example = HERE / "templates", HERE / "content" / "cerebrolysin.yaml"
        for source in (templates, example):
            if not source.exists():
                raise SystemExit(f"{source} is missing; the package would not work without it")
        shutil.rmtree(package / "_templates", ignore_errors=True)
        shutil.copytree(templates, package / "_templates", ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))
        (package / "_example").mkdir(exist_ok=True)
        shutil.copyfile(example, package / "_example" / example.name)


setup(cmdclass={"build_py": BuildPyWithTemplates})
