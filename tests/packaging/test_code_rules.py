"""The project's code rules that a parser can check (issue 15), kept by the test command.

What is checked, over every ``.py`` file under desktop/, benchmarks/, scripts/ and tests/:

1. **No private names imported from our modules.** ``from desktop.x import _helper`` (or from a
   private module, ``desktop.x._impl``, or relatively, ``from ._x import y``) fails. A private
   name is one with a leading underscore that is not a dunder (``__init__``). Importing a
   third-party private name is not this rule's business.
2. **No private attributes used across modules.** ``thing._name`` (read, written or deleted; or
   ``getattr(thing, "_name")``, ``setattr``, ``hasattr``, ``delattr``, ``monkeypatch.setattr``)
   fails when nothing in the same module defines ``_name``: a ``def``/``class`` of that name, an
   assignment to the bare name (e.g. in a class body), or an assignment to ``self._name`` or
   ``cls._name``; a bare annotation, ``_rows: list[Row]``, only types a name. A string target
   such as ``"desktop.x._name"`` (``mock.patch``, ``monkeypatch.setattr``) fails too.
   Third-party private names our code must use are in :data:`ALLOWED_ATTRIBUTES`, each with
   its reason.
3. **Sizes, under desktop/.** No module over :data:`MAX_MODULE_LINES` lines, no class over
   :data:`MAX_CLASS_LINES` lines or :data:`MAX_CLASS_METHODS` methods (``def``s in its body),
   unless its docstring (the module's or the class's) says why it must be one piece: it
   contains the words "Why one piece:" followed by the reason.

Rule 2 is a heuristic: it works per module, by name, without types. It does not catch a private
name that the using module happens to define too (a subclass that assigns ``self._rows``
shadows the base's); an override of a base class's private method (``def _hook`` in a
subclass is a definition, not a use; so a base class's hooks for subclasses in other modules
get public names, like RowsMixin's ``on_rows_changed``); or private names reached by other
dynamic means (``vars(x)["_y"]``, ``__dict__``). It cannot tell our objects from third-party
ones, which is why third-party names are listed rather than skipped. A module's own private
names used inside it are fine.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUR_PACKAGES = ("desktop", "benchmarks", "scripts", "tests")
"""The top-level folders whose .py files are checked, and whose modules count as ours."""

MAX_MODULE_LINES = 800
MAX_CLASS_LINES = 400
MAX_CLASS_METHODS = 40
ONE_PIECE = "why one piece:"
"""The words (any case) in a docstring that exempt its module or class from the size limits."""

ALLOWED_ATTRIBUTES: dict[tuple[str, str], str] = {
    ("desktop/engine/llama/", "_ctx"): (
        "llama-cpp-python's Llama keeps its llama_context here; the KV-cache edits, state "
        "save/load and batched decoding need it and Llama has no public handle"
    ),
    ("desktop/engine/llama/", "_model"): (
        "llama-cpp-python's Llama keeps its llama_model here: the vocabulary, token text and "
        "attributes and add_bos_token have no public accessor"
    ),
    ("desktop/engine/llama/", "_init_sampler"): (
        "llama-cpp-python builds its sampler chain only here; reusing it keeps sampling the "
        "same as Llama's own generate"
    ),
    ("desktop/documents/extract.py", "_p"): (
        "python-docx's Paragraph keeps its lxml element here; its style id is read without "
        "python-docx's slow per-call style lookup"
    ),
    ("desktop/__init__.py", "_mod_uses_pyside"): (
        "PySide6's feature hook, replaced on purpose to skip its source scan at start-up"
    ),
    ("", "_MEIPASS"): "PyInstaller's documented bundle folder on sys (and its test's stand-in)",
    ("", "_replace"): "namedtuple's public API (the underscore only avoids field names)",
}
"""(path prefix, attribute) -> why our code may use this private attribute of another's object.
A prefix of "" applies everywhere; a path prefix is relative to the repository root."""

ATTRIBUTE_CALLS = frozenset({"getattr", "setattr", "hasattr", "delattr"})
"""Calls whose second argument, a string, names an attribute (builtins and monkeypatch's)."""


def is_private(name: str) -> bool:
    """A leading underscore that is not a dunder: ``_x`` and ``__x`` yes, ``__x__`` no."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def is_ours(module: str | None, level: int = 0) -> bool:
    """Whether an import's module is one of ours (a relative import always is)."""
    return level > 0 or (module or "").split(".")[0] in OUR_PACKAGES


def private_imports(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, what) for each private name (or name in a private module) imported from ours."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and is_ours(node.module, node.level):
            module = node.module or ""
            if any(is_private(part) for part in module.split(".") if part):
                yield node.lineno, f"imports from private module {module}"
                continue
            for alias in node.names:
                if is_private(alias.name):
                    yield node.lineno, f"imports private name {alias.name} from {module or '.'}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if is_ours(alias.name) and any(is_private(part) for part in parts):
                    yield node.lineno, f"imports private module {alias.name}"


def defined_names(tree: ast.Module) -> set[str]:
    """Names this module defines: defs, classes, bare-name assignments (class bodies included),
    arguments, import aliases, and attributes assigned on ``self`` or ``cls``. A bare
    annotation (``_rows: list[Row]``, no value) defines nothing: it only types a name."""
    names: set[str] = set()
    annotated_only = {
        id(node.target)
        for node in ast.walk(tree)
        if isinstance(node, ast.AnnAssign) and node.value is None
    }
    for node in ast.walk(tree):
        if id(node) in annotated_only:
            continue
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.ctx, ast.Store)
            and isinstance(node.value, ast.Name)
            and node.value.id in ("self", "cls")
        ):
            names.add(node.attr)
    return names


def attribute_uses(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, name) for each attribute this module uses by name: ``x.name`` in any context,
    the string of ``getattr(x, "name")`` and its kin, and the last part of a dotted string
    target into our packages (``"desktop.x.name"``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            yield node.lineno, node.attr
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            first = node.args[0]
            if called in ATTRIBUTE_CALLS and len(node.args) >= 2:
                second = node.args[1]
                if isinstance(second, ast.Constant) and isinstance(second.value, str):
                    yield node.lineno, second.value
            if (
                isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and "." in first.value
                and is_ours(first.value)
                and " " not in first.value
            ):
                yield node.lineno, first.value.rsplit(".", 1)[1]


def allowed(path: str, name: str) -> bool:
    """Whether :data:`ALLOWED_ATTRIBUTES` lets the file at ``path`` use ``name``."""
    return any(
        attribute == name and path.startswith(prefix) for prefix, attribute in ALLOWED_ATTRIBUTES
    )


def foreign_private_attributes(tree: ast.Module, path: str = "") -> Iterator[tuple[int, str]]:
    """(line, what) for each private attribute used but not defined in this module."""
    defined = defined_names(tree)
    for line, name in attribute_uses(tree):
        if is_private(name) and name not in defined and not allowed(path, name):
            yield line, f"uses private attribute {name} not defined in this module"


def oversized(tree: ast.Module, source: str) -> Iterator[tuple[int, str]]:
    """(line, what) for the module, or a class, past the size limits without a "Why one
    piece:" in its docstring."""
    lines = len(source.splitlines())
    if lines > MAX_MODULE_LINES and ONE_PIECE not in (ast.get_docstring(tree) or "").lower():
        yield 1, f"module has {lines} lines (limit {MAX_MODULE_LINES})"
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        if ONE_PIECE in (ast.get_docstring(node) or "").lower():
            continue
        length = (node.end_lineno or node.lineno) - node.lineno + 1
        methods = sum(isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) for n in node.body)
        if length > MAX_CLASS_LINES:
            yield node.lineno, f"class {node.name} has {length} lines (limit {MAX_CLASS_LINES})"
        if methods > MAX_CLASS_METHODS:
            yield (
                node.lineno,
                f"class {node.name} has {methods} methods (limit {MAX_CLASS_METHODS})",
            )


def our_files() -> Iterator[tuple[str, str, ast.Module]]:
    """(path relative to the root, source, tree) of every .py file checked."""
    for package in OUR_PACKAGES:
        for file in sorted((ROOT / package).rglob("*.py")):
            source = file.read_text(encoding="utf-8")
            path = file.relative_to(ROOT).as_posix()
            yield path, source, ast.parse(source, filename=path)


@pytest.fixture(scope="module")
def files() -> list[tuple[str, str, ast.Module]]:
    return list(our_files())


def report(problems: list[str]) -> str:
    return f"{len(problems)} code-rule problem(s):\n" + "\n".join(problems)


def test_no_private_names_across_our_modules(files: list[tuple[str, str, ast.Module]]) -> None:
    problems = [
        f"{path}:{line}: {what}"
        for path, _source, tree in files
        for line, what in [*private_imports(tree), *foreign_private_attributes(tree, path)]
    ]
    assert not problems, report(problems)


def test_modules_and_classes_within_size_limits(
    files: list[tuple[str, str, ast.Module]],
) -> None:
    problems = [
        f"{path}:{line}: {what}"
        for path, source, tree in files
        if path.startswith("desktop/")
        for line, what in oversized(tree, source)
    ]
    assert not problems, report(problems)


def test_every_allowed_attribute_is_still_used(files: list[tuple[str, str, ast.Module]]) -> None:
    """An allow-list entry nothing needs any more is removed, so the list stays honest."""
    used = {
        (prefix, name)
        for path, _source, tree in files
        for _line, name in attribute_uses(tree)
        for prefix, attribute in ALLOWED_ATTRIBUTES
        if attribute == name and path.startswith(prefix)
    }
    assert set(ALLOWED_ATTRIBUTES) - used == set()


# -- the checker fails where it should -----------------------------------------------------


def problems_in(source: str, path: str = "desktop/sample.py") -> list[tuple[int, str]]:
    tree = ast.parse(source)
    return [*private_imports(tree), *foreign_private_attributes(tree, path)]


@pytest.mark.parametrize(
    "source",
    [
        "from desktop.store import _helper\n",
        "from tests.fixtures.window import _rows as rows\n",
        "from . import _sibling\n",
        "from desktop.store._impl import thing\n",
        "import desktop.store._impl\n",
        "worker._template.clear()\n",
        "worker._template = None\n",
        "del worker._template\n",
        "class Model(Base):\n    def edit(self):\n        self._reset_rows([])\n",
        "class Model(Base):\n    def edit(self):\n        super()._row_at(0)\n",
        "class Model(Base):\n    _rows: list[int]\n\n    def first(self):\n"
        "        return self._rows[0]\n",  # a bare annotation types the name, defines nothing
        "value = getattr(worker, '_template')\n",
        "monkeypatch.setattr(worker, '_template', None)\n",
        "monkeypatch.setattr('desktop.store.sqlite._connect', None)\n",
        "patch('desktop.store.sqlite._connect')\n",
        "llm._ctx.kv_cache_clear()\n",  # allowed in desktop/engine/llama/ only
    ],
)
def test_checker_finds_private_names_across_modules(source: str) -> None:
    problems = problems_in(source)
    assert len(problems) == 1, problems
    assert problems[0][0] == source.count("\n")  # the line of the use


@pytest.mark.parametrize(
    "source",
    [
        "from PySide6.QtCore import _private_thing\n",  # third-party: not this rule's business
        "from desktop.store import __version__, public\n",
        "def _helper():\n    pass\n\n\nmodule._helper()\n",
        "class A:\n    def __init__(self):\n        self._x = 1\n\n    def x(self):\n"
        "        return self._x\n",
        "class A:\n    _NAMES = {}\n\n    def names(self):\n        return self._NAMES\n",
        "point = point._replace(x=1)\n",
        "text = obj.__class__.__name__\n",
        "log('desktop is _fine. here')\n",  # a sentence, not a dotted target
        "logging.getLogger('desktop.store')\n",
    ],
)
def test_checker_lets_module_own_and_public_names_pass(source: str) -> None:
    assert problems_in(source) == []


def test_allow_list_is_per_path() -> None:
    assert problems_in("llm._ctx.kv_cache_clear()\n", "desktop/engine/llama/batch.py") == []
    assert len(problems_in("llm._ctx.kv_cache_clear()\n", "desktop/chat/engine.py")) == 1


def test_checker_finds_oversized_modules_and_classes() -> None:
    methods = "".join(f"    def m{i}(self):\n        pass\n" for i in range(MAX_CLASS_METHODS + 1))
    many = f"class Many:\n    '''A class.'''\n{methods}"
    long = "class Long:\n    '''A class.'''\n" + "    x = 1\n" * MAX_CLASS_LINES
    module = '"""A module."""\n' + "x = 1\n" * MAX_MODULE_LINES
    assert [what for _line, what in oversized(ast.parse(many), many)] == [
        f"class Many has {MAX_CLASS_METHODS + 1} methods (limit {MAX_CLASS_METHODS})"
    ]
    assert [line for line, _what in oversized(ast.parse(long), long)] == [1]
    assert [line for line, _what in oversized(ast.parse(module), module)] == [1]
    exempt = many.replace("A class.", "A class. Why one piece: every method is one Qt hook.")
    assert list(oversized(ast.parse(exempt), exempt)) == []
    fine = "class Small:\n    '''A class.'''\n" + "    x = 1\n" * (MAX_CLASS_LINES - 2)
    assert list(oversized(ast.parse(fine), fine)) == []
