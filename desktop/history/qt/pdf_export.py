"""PDF export with Qt's own QPdfWriter and QTextDocument.

Qt is already in the app, so PDF needs no extra dependency. QTextDocument understands only an
HTML4/CSS subset, so the PDF is built from a simpler page than the HTML export (no CSS
variables, grids or media queries) from the same pieces: :mod:`desktop.store.export` decides
what a transcript contains, this module only lays it out. Replies go through the same safe
Markdown renderer as the chat view, so nothing in model output can make Qt load a resource.

CJK and emoji rely on Qt's font fallback (fontconfig on Linux): the default font names a CJK
family after the Latin one so Chinese text has a font even where fallback is poor.
"""

from __future__ import annotations

import html
import os
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QObject
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from desktop.core.conversation import Role
from desktop.core.design import LIGHT
from desktop.store.export import (
    ExportConversation,
    ExportLabels,
    ExportOptions,
    conversation_metadata,
    render_reply_html,
    source_place,
    transcript_parts,
)

__all__ = ["export_labels", "export_options", "export_pdf", "pdf_html"]

_FONT_FAMILIES = [
    "Noto Sans",
    "DejaVu Sans",
    "Segoe UI",
    "Helvetica",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "PingFang SC",
    "Microsoft YaHei",
    "Noto Color Emoji",
]
_MUTED = LIGHT.text_muted  # the PDF is printed on white


# Called by this name with a literal context, so pyside6-lupdate finds every string.
translate = QCoreApplication.translate


class ExportPlurals(QObject):
    """Export words that take a count: pyside6-lupdate marks a ``%n`` message as a plural
    only when it is read from ``self.tr``, not from ``QCoreApplication.translate``."""

    def left_out(self, count: int) -> str:
        return self.tr(
            "%n passage(s) did not fit in the context window and were left out.", "", count
        )


def _left_out(count: int) -> str:
    return ExportPlurals().left_out(count)


def export_labels() -> ExportLabels:
    """ExportLabels in the interface language, for every export the UI starts (not just PDF)."""
    return ExportLabels(
        you=translate("PdfExport", "You"),
        assistant=translate("PdfExport", "Assistant"),
        system=translate("PdfExport", "System"),
        created=translate("PdfExport", "Created"),
        updated=translate("PdfExport", "Updated"),
        model=translate("PdfExport", "Model"),
        quantization=translate("PdfExport", "Quantization"),
        sha256=translate("PdfExport", "SHA-256"),
        system_prompt=translate("PdfExport", "System prompt"),
        settings=translate("PdfExport", "Settings"),
        template=translate("PdfExport", "Chat template"),
        none=translate("PdfExport", "none"),
        branch=translate("PdfExport", "Branch {path} ({index} of {count})"),
        current_branch=translate("PdfExport", "shown in the app"),
        finished=translate("PdfExport", "Finished: {reason}"),
        field=translate("PdfExport", "{name}: {value}"),
        heading=translate("PdfExport", "{name}:"),
        finish_stop=translate("PdfExport", "stop"),
        finish_length=translate("PdfExport", "length limit"),
        finish_cancelled=translate("PdfExport", "stopped by the user"),
        finish_error=translate("PdfExport", "error"),
        finish_interrupted=translate("PdfExport", "interrupted"),
        finish_context=translate("PdfExport", "context window full"),
        finish_blank=translate("PdfExport", "stopped: only blank space"),
        unfinished=translate("PdfExport", "not finished"),
        tokens=translate("PdfExport", "{prompt} prompt tokens, {generated} generated"),
        speed=translate("PdfExport", "{speed:.1f} tokens/s"),
        exported_by=translate("PdfExport", "Exported from Hearthside"),
        code=translate("PdfExport", "code"),
        image=translate("PdfExport", "[image: {alt}]"),
        thinking=translate("PdfExport", "Thinking"),
        thought_for=translate("PdfExport", "Thought for {seconds} s"),
        sources=translate("PdfExport", "Sources"),
        page=translate("PdfExport", "page {page}"),
        nothing_relevant=translate(
            "PdfExport",
            "Nothing relevant was found in the attached collections; "
            "this reply is not based on your documents.",
        ),
        search_failed=translate(
            "PdfExport",
            "Your documents could not be searched; this reply is not based on them.",
        ),
        left_out=_left_out,
        earlier_summary=translate("PdfExport", "Earlier conversation, summarized"),
        summary_edited=translate("PdfExport", "Earlier conversation, summarized (edited)"),
    )


def export_options(*, all_branches: bool = False, include_thinking: bool = True) -> ExportOptions:
    """ExportOptions for an export the UI starts: written in the interface language."""
    return ExportOptions(all_branches, include_thinking, export_labels())


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _plain_block(text: str) -> str:
    """User text exactly as typed: escaped, line breaks kept, wrapped at the page edge."""
    return f'<p style="white-space:pre-wrap;">{_esc(text)}</p>'


def _muted_block(title: str, text: str) -> str:
    """A reply's thinking or a running summary, muted and indented: paper cannot fold it away."""
    return (
        f'<p style="color:{_MUTED}; margin-left:16px;"><i>{_esc(title)}</i></p>'
        f'<p style="white-space:pre-wrap; color:{_MUTED}; margin-left:16px;">{_esc(text)}</p>'
    )


def pdf_html(
    conversation: ExportConversation,
    options: ExportOptions | None = None,
) -> str:
    """The HTML the PDF is printed from, in the subset QTextDocument lays out; without
    ``options``, :func:`export_options`' defaults."""
    options = options or export_options()
    labels = options.labels
    summary = conversation.summary
    out = [f"<h1>{_esc(summary.title)}</h1>", '<table cellspacing="0" cellpadding="2">']
    for name, value in conversation_metadata(conversation, labels):
        out.append(
            f'<tr><td style="color:{_MUTED}; padding-right:12px;"><b>{_esc(name)}</b></td>'
            f"<td>{_esc(value)}</td></tr>"
        )
    out.append("</table>")
    if summary.system_prompt:
        out.append(f"<p><b>{_esc(labels.system_prompt)}</b></p>")
        out.append(_plain_block(summary.system_prompt))
    for part in transcript_parts(conversation, options):
        event, message = part.event, part.event.message
        if event.kind == "branch_start":
            mark = f" — {labels.current_branch}" if event.current else ""
            out.append("<hr>")
            out.append(f'<p style="color:{_MUTED};"><b>{_esc(part.heading + mark)}</b></p>')
        elif event.kind == "message" and message is not None:
            out.append(f"<h3>{_esc(part.role)}</h3>")
            out.append(f'<p style="color:{_MUTED}; font-size:small;">{_esc(part.meta)}</p>')
            if message.role is Role.ASSISTANT:
                if part.thinking:
                    out.append(_muted_block(part.thinking_title, part.thinking))
                out.append(render_reply_html(message.content, labels))
            else:
                out.append(_plain_block(message.content))
            if message.sources:
                out.append(f'<p style="color:{_MUTED};"><b>{_esc(labels.sources)}</b></p>')
                out += [
                    f'<p style="color:{_MUTED}; font-size:small;">[{s.number}] '
                    f"{_esc(source_place(s, labels))} ({_esc(s.file)})</p>"
                    for s in message.sources
                ]
            if note := part.documents_note:
                out.append(f'<p style="color:{_MUTED}; font-size:small;"><i>{_esc(note)}</i></p>')
            if part.summary:
                out.append(_muted_block(part.summary_title, part.summary))
    return "<html><body>" + "\n".join(out) + "</body></html>"


def current_umask() -> int:
    """The process's umask, read without changing it where the system can say (Linux);
    elsewhere set and restored at once."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def export_pdf(
    conversation: ExportConversation,
    path: Path,
    options: ExportOptions | None = None,
) -> None:
    """Writes an A4 PDF with page numbers (see :func:`pdf_html` for ``options``).

    Written under a temporary name and renamed, so a failure never leaves half a PDF where the
    user asked for one. Raises OSError when the file cannot be written.
    """
    path = Path(path)
    document = QTextDocument()
    font = QFont()
    font.setFamilies(_FONT_FAMILIES)
    font.setPointSizeF(10.5)
    document.setDefaultFont(font)
    document.setHtml(pdf_html(conversation, options))

    handle, temp_name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".partial", dir=path.parent
    )
    os.close(handle)
    try:
        writer = QPdfWriter(temp_name)
        writer.setTitle(conversation.summary.title)
        writer.setCreator("Hearthside")
        writer.setResolution(300)
        # QTextDocument.print_ adds its own 2 cm margin and the page numbers; the page itself
        # has none so the margin is not doubled.
        writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4),
                QPageLayout.Orientation.Portrait,
                QMarginsF(0, 0, 0, 0),
                QPageLayout.Unit.Millimeter,
            )
        )
        document.print_(writer)
        del writer  # closes and flushes the file
        if os.path.getsize(temp_name) == 0:
            raise OSError(
                translate("PdfExport", "The PDF could not be written to {path}.").format(path=path)
            )
        # mkstemp made it 0600; an export is the user's own file, made as the other exports
        # are (open() with the umask: 0644 under the usual 022).
        os.chmod(temp_name, 0o666 & ~current_umask())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
