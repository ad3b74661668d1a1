"""The Server panel: where the API server listens, ready-to-paste examples, the requests as
they come, and Stop / Start. A dumb view: the feature gives it states and snippets.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QBoxLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.api.qt.controller import ServerState
from desktop.api.qt.requests_model import RequestTableModel
from desktop.qtkit.row_table_model import setup_row_view

__all__ = ["ServerPanel"]

INFO_WIDTH = 360
"""The widest the URL and buttons get beside the request table."""
QWIDGETSIZE_MAX = (1 << 24) - 1
URL_PADDING = 16  # the line edit's frame and cursor room


class ServerPanel(QWidget):
    """The Server dock's content.

    Signals:
        stop_requested(): the user pressed Stop server.
        start_requested(): the user pressed Start server (the server is off or failed).
    """

    stop_requested = Signal()
    start_requested = Signal()

    def __init__(self, requests: RequestTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.requests = requests
        self.curl_text = ""
        self.python_text = ""
        self._running = False
        # Side by side in a dock below the pages, one above the other in a dock beside them
        # (set_vertical): the request table needs the width.
        self.layout_ = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.info = QWidget()
        layout = QVBoxLayout(self.info)
        layout.setContentsMargins(0, 0, 0, 0)
        self.status = QLabel()
        self.status.setObjectName("serverStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # error text is the system's words
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        self.url = QLineEdit()
        self.url.setObjectName("serverUrl")
        self.url.setReadOnly(True)
        self.url.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.copy_url = QPushButton(self.tr("Copy"))
        self.copy_url.clicked.connect(lambda: self.copy(self.url.text()))
        url_row = QHBoxLayout()
        url_row.addWidget(QLabel(self.tr("URL")))
        url_row.addWidget(self.url, 1)
        url_row.addWidget(self.copy_url)
        layout.addLayout(url_row)

        self.access = QLabel()
        self.access.setObjectName("serverAccess")
        self.access.setTextFormat(Qt.TextFormat.PlainText)
        self.access.setWordWrap(True)
        self.access.setEnabled(False)
        layout.addWidget(self.access)
        self.count = QLabel()
        self.count.setObjectName("serverRequestCount")
        layout.addWidget(self.count)

        copies = QHBoxLayout()
        self.copy_curl = QPushButton(self.tr("Copy curl command"))
        self.copy_curl.setObjectName("copyCurl")
        self.copy_curl.clicked.connect(lambda: self.copy(self.curl_text))
        self.copy_python = QPushButton(self.tr("Copy Python code"))
        self.copy_python.setObjectName("copyPython")
        self.copy_python.setToolTip(self.tr("Uses the openai package (pip install openai)"))
        self.copy_python.clicked.connect(lambda: self.copy(self.python_text))
        copies.addWidget(self.copy_curl)
        copies.addWidget(self.copy_python)
        copies.addStretch(1)
        layout.addLayout(copies)
        layout.addStretch(1)

        buttons = QHBoxLayout()
        self.clear_button = QPushButton(self.tr("Clear list"))
        self.clear_button.clicked.connect(requests.clear)
        self.start_stop = QPushButton()
        self.start_stop.setObjectName("serverStartStop")
        self.start_stop.clicked.connect(self.on_start_stop_clicked)
        buttons.addWidget(self.start_stop)
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        layout.addLayout(buttons)
        self.layout_.addWidget(self.info, 0)

        self.table = QTableView()
        self.table.setObjectName("serverRequests")
        self.table.setModel(requests)
        setup_row_view(self.table)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.layout_.addWidget(self.table, 1)
        self.set_vertical(False)
        self.show_count(0)
        self.show_state(ServerState(), "", "")

    def show_state(self, state: ServerState, curl: str, python: str) -> None:
        """Shows ``state``; ``curl`` and ``python`` are what the Copy buttons copy."""
        self._running = state.running
        self.curl_text, self.python_text = curl, python
        settings = state.settings
        self.url.setText(state.url)
        self.url.setCursorPosition(0)
        margins = self.url.textMargins()
        self.url.setMinimumWidth(
            self.url.fontMetrics().horizontalAdvance(state.url)
            + margins.left()
            + margins.right()
            + URL_PADDING
        )
        for widget in (self.url, self.copy_url, self.copy_curl, self.copy_python):
            widget.setEnabled(state.running)
        if state.running:
            self.status.setText(self.tr("The server is running."))
        elif state.port_in_use:
            self.status.setText(
                self.tr(
                    "Port {port} is in use by another program. Choose another port in "
                    "Edit › Settings › Local server, or close that program and press Start "
                    "server."
                ).format(port=settings.port)
            )
        elif state.error:
            self.status.setText(
                self.tr("The server could not start: {reason}").format(reason=state.error)
            )
        else:
            self.status.setText(self.tr("The server is off."))
        if settings.allow_network:
            access = self.tr(
                "Other computers on your network can connect to port {port} of this computer, "
                "with the API key."
            ).format(port=settings.port)
        elif settings.needs_key:
            access = self.tr("Only programs on this computer can connect, with the API key.")
        else:
            access = self.tr("Only programs on this computer can connect; no key is asked.")
        self.access.setText(access)
        self.start_stop.setText(
            self.tr("Stop server") if state.running else self.tr("Start server")
        )

    def show_count(self, requests: int) -> None:
        """How many requests the server has answered (or refused) since it started."""
        self.count.setText(self.tr("%n request(s) since the server started", "", requests))

    def set_vertical(self, vertical: bool) -> None:
        """One above the other (a dock beside the pages) or side by side (below them)."""
        direction = QBoxLayout.Direction
        self.layout_.setDirection(direction.TopToBottom if vertical else direction.LeftToRight)
        self.info.setMaximumWidth(QWIDGETSIZE_MAX if vertical else INFO_WIDTH)

    def on_start_stop_clicked(self) -> None:
        if self._running:
            self.stop_requested.emit()
        else:
            self.start_requested.emit()

    @staticmethod
    def copy(text: str) -> None:
        QGuiApplication.clipboard().setText(text)
