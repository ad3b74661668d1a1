"""Every string the code marks for translation has a finished Simplified Chinese translation.

pyside6-lupdate reads desktop/ into a temporary .ts (the committed one is never rewritten) and
each message found there must be in resources/translations/hearthside_zh_CN.ts, finished, with
the same placeholders. After changing interface strings, refresh the committed file with
`.venv/bin/pyside6-lupdate -extensions py desktop -ts resources/translations/hearthside_zh_CN.ts`
and translate the new messages.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "hearthside_zh_CN.ts"
# English is written in the code; this file holds only the English plural forms ("1 day").
EN_TS = ROOT / "resources" / "translations" / "hearthside_en.ts"
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%n|%p%")


def qt_tool(name: str) -> str:
    """The PySide6 tool next to this Python (the venv), else on PATH; skips when missing."""
    local = Path(sys.executable).parent / name
    if local.is_file():
        return str(local)
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (it comes with PySide6 in the venv)")
    return found


@dataclass(frozen=True)
class Message:
    context: str
    source: str
    comment: str
    numerus: bool
    kind: str  # the translation's type attribute: "" when finished
    translations: tuple[str, ...]


def read_ts(path: Path) -> dict[tuple[str, str, str], Message]:
    messages = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            forms = [form.text or "" for form in translation.iter("numerusform")]
            item = Message(
                name,
                message.findtext("source") or "",
                message.findtext("comment") or "",
                message.get("numerus") == "yes",
                translation.get("type", ""),
                tuple(forms) if forms else (translation.text or "",),
            )
            messages[(item.context, item.source, item.comment)] = item
    return messages


@pytest.fixture(scope="module")
def from_code(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str, str], Message]:
    lupdate = qt_tool("pyside6-lupdate")
    scratch = tmp_path_factory.mktemp("lupdate") / "from_code.ts"
    subprocess.run(
        [lupdate, "-extensions", "py", "desktop", "-ts", str(scratch)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return read_ts(scratch)


def test_lupdate_finds_the_strings_with_their_contexts(from_code) -> None:
    contexts = {context for context, _, _ in from_code}
    # self.tr() in a class: the class name; QCoreApplication.translate("Ctx", ...): "Ctx".
    assert {"MainWindow", "AppSettingsDialog", "PdfExport", "Export", "ModelFit"} <= contexts
    assert ("MainWindow", "&File", "") in from_code
    assert ("Export", "Markdown", "") in from_code
    # Contexts lupdate invents from a variable (window.tr, parent.tr) or an alias named tr
    # never match what runs: use the class's own self.tr or translate("Class", ...).
    assert not contexts & {"", "window", "self.window", "parent", "owner", "self"}, contexts


def test_every_string_has_a_finished_chinese_translation(from_code) -> None:
    committed = read_ts(TS)
    problems = []
    for key, message in sorted(from_code.items()):
        done = committed.get(key)
        where = f"{message.context}: {message.source!r}"
        if done is None:
            problems.append(f"missing from {TS.name}: {where}")
            continue
        if done.kind or not all(text.strip() for text in done.translations):
            problems.append(f"not translated ({done.kind or 'empty'}): {where}")
            continue
        wanted = sorted(PLACEHOLDER.findall(message.source))
        for text in done.translations:
            if sorted(PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"placeholders differ: {where} -> {text!r}")
            if re.search(r"&[^&\s]", message.source) and not re.search(r"&[^&\s]", text):
                problems.append(f"accelerator lost: {where} -> {text!r}")
    assert not problems, (
        f"{len(problems)} problem(s); refresh with .venv/bin/pyside6-lupdate -extensions py "
        f"desktop -ts {TS.relative_to(ROOT)} and translate:\n" + "\n".join(problems)
    )


def test_committed_file_is_chinese_and_compiles(tmp_path: Path) -> None:
    assert ET.parse(TS).getroot().get("language") == "zh_CN"
    lrelease = qt_tool("pyside6-lrelease")
    qm = tmp_path / "hearthside_zh_CN.qm"
    result = subprocess.run(
        [lrelease, str(TS), "-qm", str(qm)], check=True, capture_output=True, text=True
    )
    assert qm.stat().st_size > 0
    assert " 0 unfinished" in result.stdout, result.stdout


def test_every_plural_has_english_forms(from_code) -> None:
    committed = read_ts(EN_TS)
    problems = []
    for key, message in sorted(from_code.items()):
        if not message.numerus:
            continue
        done = committed.get(key)
        where = f"{message.context}: {message.source!r}"
        if done is None or done.kind or len(done.translations) != 2:
            problems.append(f"no singular and plural form: {where}")
        elif any(
            sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(message.source))
            for text in done.translations
        ):
            problems.append(f"placeholders differ: {where} -> {done.translations!r}")
    assert not problems, (
        f"{len(problems)} problem(s); refresh with .venv/bin/pyside6-lupdate -extensions py "
        f"desktop -ts {EN_TS.relative_to(ROOT)} -pluralonly -no-obsolete and write both forms:\n"
        + "\n".join(problems)
    )


def test_every_counted_string_is_a_plural(from_code) -> None:
    """A string that counts ("3 model(s)") says its number with %n, so English and Chinese get
    their plural forms; a {count} placeholder would show "1 models"."""
    counted = sorted(
        f"{message.context}: {message.source!r}"
        for message in from_code.values()
        if "(s)" in message.source and not message.numerus
    )
    assert not counted, "use self.tr('%n thing(s)', '', n), not a {count} placeholder: " + (
        "; ".join(counted)
    )
