"""Every QLabel, QMessageBox and tooltip that shows text we did not write shows it as written.

Qt renders a label's, a message box's or a tooltip's text as HTML whenever it looks like HTML
(AutoText), so a model named ``<img src="/x.png">`` loads an image and a link opens. This test
reads the app's source (no Qt needed) and finds every place where computed text (anything but a
literal or a bare ``tr()``) reaches

- a ``QLabel`` (constructor or ``setText``) that is never given a text format,
- a tooltip not built by ``plain_tooltip``,
- a ``QMessageBox`` (static helpers, or one built whose text format is never set).

Each such place is either made plain or listed in ``REVIEWED`` with the reason its text is ours
(numbers, our own sentences). A new label, box or tooltip showing a name from a file, a model,
a server, an import or the user fails here until it is plain text.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[2] / "desktop"

# (module, the computed text as written): why it cannot carry text that is not ours.
REVIEWED: dict[tuple[str, str], str] = {
    ("app.py", "QCoreApplication.translate('MainWindow', ...).format(path=...)"): (
        "our sentence and the data folder the user chose"
    ),
    ("chat/qt/context_meter.py", "tip"): "our sentences and token counts",
    ("chat/qt/feature.py", "self.tr().format(tps=...)"): "a number",
    ("chat/qt/feature.py", "self.tr().format(used=..., n=...)"): "numbers",
    ("chat/qt/message_header.py", "self.tr().format(index=..., count=...)"): "numbers",
    ("models/qt/settings_page.py", "text"): "_reason() is given our sentences",
    ("qtkit/push_button.py", "tooltip"): "every caller passes a bare tr() (our own words)",
    ("models/qt/settings_page.py", "ram"): "a number from the hardware probe",
    ("models/qt/settings_page.py", "cores"): "a number from the hardware probe",
    ("models/qt/settings_page.py", "offload"): "our words from the hardware probe",
}

BOX_HELPERS = {"question", "warning", "information", "critical", "about"}


class _Shape(ast.NodeTransformer):
    """The text's expression with the arguments of tr() and format() left out, as a stable key."""

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        name = node.func.attr if isinstance(node.func, ast.Attribute) else ""
        if name in {"tr", "translate"}:
            node.args = [node.args[0], ast.Constant(...)] if name == "translate" else []
        if name == "format":
            node.keywords = [ast.keyword(k.arg, ast.Constant(...)) for k in node.keywords]
        return node


def _shape(node: ast.expr) -> str:
    return ast.unparse(_Shape().visit(ast.parse(ast.unparse(node), mode="eval")).body)


def _is_ours(node: ast.expr) -> bool:
    """A literal or a bare tr(); anything formatted or computed may carry a name."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name) and node.id.isupper():
        return True  # a constant of ours (APP_NAME)
    if isinstance(node, ast.IfExp):
        return _is_ours(node.body) and _is_ours(node.orelse)
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in {"tr", "translate"}:
            return True
        if isinstance(func, ast.Name) and func.id == "plain_tooltip":
            return True
    return False


def _is_parent(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id in {"self", "parent", "None"}


def unplain_places(path: Path) -> list[tuple[str, int, str]]:
    """(kind, line, text shape) for each computed text shown where Qt may run it as HTML."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    scopes: dict[ast.AST, str] = {}
    for function in ast.walk(tree):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(function):
                scopes[node] = function.name  # innermost function wins (walked later)

    def key(node: ast.expr, where: ast.AST) -> str:
        """self.x is the object's for the whole module; a local name is its function's."""
        text = ast.unparse(node)
        return text if "." in text else f"{scopes.get(where, '')}:{text}"

    labels: set[str] = set()
    formatted: set[str] = set()
    assigned: dict[ast.Call, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            assigned[node.value] = key(node.targets[0], node)
            if ast.unparse(node.value.func).split(".")[-1] in {"QLabel", "QMessageBox"}:
                labels.add(key(node.targets[0], node))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "setTextFormat"
        ):
            formatted.add(key(node.func.value, node))
    found: list[tuple[str, int, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = ast.unparse(func)
        owner = key(func.value, node) if isinstance(func, ast.Attribute) else ""
        texts: list[tuple[str, ast.expr]] = []
        if isinstance(func, ast.Attribute) and func.attr == "setToolTip" and node.args:
            texts.append(("tooltip", node.args[0]))
        elif isinstance(func, ast.Attribute) and func.attr == "setText" and node.args:
            if owner in labels and owner not in formatted:
                texts.append(("label", node.args[0]))
        elif called.split(".")[-1] == "QLabel" and node.args and not _is_parent(node.args[0]):
            if assigned.get(node, "") not in formatted:
                texts.append(("label", node.args[0]))
        elif called.startswith("QMessageBox.") and func.attr in BOX_HELPERS:
            texts.extend(("message box", arg) for arg in node.args[2:3])
        elif (
            called.split(".")[-1] == "QMessageBox"
            and len(node.args) >= 3
            and assigned.get(node, "") not in formatted
        ):
            texts.append(("message box", node.args[2]))
        found.extend(
            (kind, node.lineno, _shape(text)) for kind, text in texts if not _is_ours(text)
        )
    return found


def test_untrusted_text_is_never_shown_as_rich_text() -> None:
    leaks = []
    used = set()
    for path in sorted(SOURCE.rglob("*.py")):
        module = path.relative_to(SOURCE).as_posix()
        for kind, line, text in unplain_places(path):
            if (module, text) in REVIEWED:
                used.add((module, text))
            else:
                leaks.append(f"{module}:{line}: {kind} shows {text!r} without Qt.PlainText")
    assert not leaks, "\n".join(leaks)
    assert used == set(REVIEWED), f"reviewed places that are gone: {set(REVIEWED) - used}"


@pytest.mark.parametrize(
    "source",
    [
        "label = QLabel(self)\nlabel.setText(name)\n",
        "label = QLabel(name)\n",
        "self.tip.setToolTip(self.tr('From {name}').format(name=name))\n",
        "QMessageBox.question(self, title, f'Delete {name}?')\n",
        "box = QMessageBox(icon, title, text, buttons, self)\nbox.open()\n",
    ],
)
def test_the_scan_finds_a_label_a_tooltip_or_a_box_that_runs_html(
    tmp_path: Path, source: str
) -> None:
    path = tmp_path / "view.py"
    path.write_text(source)
    assert unplain_places(path)


@pytest.mark.parametrize(
    "source",
    [
        "label = QLabel(self)\nlabel.setTextFormat(Qt.TextFormat.PlainText)\nlabel.setText(name)\n",
        "self.tip.setToolTip(plain_tooltip(name))\n",
        "self.tip.setToolTip(self.tr('Copy'))\n",
        "box = QMessageBox(icon, title, text, buttons, self)\nbox.setTextFormat(f)\n",
    ],
)
def test_plain_text_passes_the_scan(tmp_path: Path, source: str) -> None:
    path = tmp_path / "view.py"
    path.write_text(source)
    assert not unplain_places(path)
