"""The Server panel: where the API server listens (this computer's URL and, when other
computers may connect, the LAN addresses they use), ready-to-paste examples, the requests as they
come, and Stop / Start. A dumb view: the feature gives it states and snippets.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QBoxLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.api.addresses import MAX_ADDRESSES
from desktop.api.qt.controller import ServerState
from desktop.api.qt.requests_model import RequestTableModel
from desktop.qtkit.copy_field import CopyField, whole_text_width
from desktop.qtkit.push_button import push_button
from desktop.qtkit.row_table_model import setup_row_view

__all__ = ["ServerPanel"]

INFO_WIDTH = 360
"""The widest the URL and buttons get beside the request table."""
QWIDGETSIZE_MAX = (1 << 24) - 1


class ServerPanel(QWidget):
    """The Server dock's content.

    Signals:
        stop_requested(): the user pressed Stop server.
        start_requested(): the user pressed Start server (the server is off or failed).
        port_chosen(int): the user pressed "Use port N" after the port was in use.
    """

    stop_requested = Signal()
    start_requested = Signal()
    port_chosen = Signal(int)

    def __init__(self, requests: RequestTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.requests = requests
        self.curl_text = ""
        self.python_text = ""
        self._running = False
        self._free_port = 0
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

        url_box = CopyField("serverUrl")
        self.url = url_box.field
        self.copy_url = url_box.copy_button
        url_row = QHBoxLayout()
        url_row.addWidget(QLabel(self.tr("URL")))
        url_row.addWidget(url_box, 1)
        layout.addLayout(url_row)

        # Who can connect; above the addresses other computers use (shown while they may
        # connect and it runs).
        self.access = QLabel()
        self.access.setObjectName("serverAccess")
        self.access.setTextFormat(Qt.TextFormat.PlainText)
        self.access.setWordWrap(True)
        self.access.setEnabled(False)
        layout.addWidget(self.access)
        self.lan_urls: list[QLineEdit] = []
        self.lan_rows: list[QWidget] = []
        for _ in range(MAX_ADDRESSES):
            row = CopyField("serverLanUrl")
            layout.addWidget(row)
            self.lan_urls.append(row.field)
            self.lan_rows.append(row)

        self.count = QLabel()
        self.count.setObjectName("serverRequestCount")
        self.count.setTextFormat(Qt.TextFormat.PlainText)
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
        self.clear_button = push_button(self.tr("Clear list"), requests.clear)
        self.start_stop = QPushButton()
        self.start_stop.setObjectName("serverStartStop")
        self.start_stop.clicked.connect(self.on_start_stop_clicked)
        self.use_free_port = QPushButton()
        self.use_free_port.setObjectName("serverUseFreePort")
        self.use_free_port.clicked.connect(lambda: self.port_chosen.emit(self._free_port))
        buttons.addWidget(self.start_stop)
        buttons.addWidget(self.use_free_port)
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
        # ResizeToContents sizes the columns when the view lays out, not when a row comes:
        # the first requests' paths and model names were cut to "/v1/chat/com…" until then.
        requests.rowsInserted.connect(self.fit_columns)
        requests.modelReset.connect(self.fit_columns)
        self.layout_.addWidget(self.table, 1)
        self.set_vertical(False)
        self.show_count(0)
        self.show_state(ServerState(), "", "")

    def show_state(self, state: ServerState, curl: str, python: str) -> None:
        """Shows ``state``; ``curl`` and ``python`` are what the Copy buttons copy."""
        self._running = state.running or state.starting  # Stop cancels a start too
        self._free_port = state.free_port if state.port_in_use else 0
        self.curl_text, self.python_text = curl, python
        self.show_url(self.url, state.url)
        for widget in (self.url, self.copy_url, self.copy_curl, self.copy_python):
            widget.setEnabled(state.running)
        self.status.setText(self.status_text(state))
        self.show_lan_urls(state)
        self.access.setText(self.access_text(state))
        self.start_stop.setText(
            self.tr("Stop server") if self._running else self.tr("Start server")
        )
        self.start_stop.setEnabled(not state.stopping)
        self.use_free_port.setText(self.tr("Use port {port}").format(port=self._free_port))
        self.use_free_port.setVisible(self._free_port > 0)

    def status_text(self, state: ServerState) -> str:
        """One line (or a few) on what the server does, or why it does not."""
        port = state.settings.port
        if state.starting:
            return self.tr("Starting the server on port {port}…").format(port=port)
        if state.stopping:
            return self.tr("Stopping the server…")
        if state.running:
            return self.tr("The server is running.")
        if state.port_in_use and state.free_port:
            return self.tr(
                "Port {port} is in use by another program. Port {free} is free: press Use port "
                "{free}, or choose another port in Edit › Settings › Local server."
            ).format(port=port, free=state.free_port)
        if state.port_in_use:
            return self.tr(
                "Port {port} is in use by another program. Choose another port in "
                "Edit › Settings › Local server, or close that program and press Start "
                "server."
            ).format(port=port)
        if state.error:
            return self.tr("The server could not start: {reason}").format(reason=state.error)
        return self.tr("The server is off.")

    def access_text(self, state: ServerState) -> str:
        """Who can connect, and how; when other computers may, it heads their addresses."""
        settings = state.settings
        if settings.allow_network and state.running and state.lan_urls:
            return self.tr("Other computers on your network connect with the API key at:")
        if settings.allow_network and state.running:
            return self.tr(
                "Other computers on your network may connect with the API key, but this "
                "computer has no network address now."
            )
        if settings.allow_network:
            return self.tr(
                "Other computers on your network can connect to port {port} of this computer, "
                "with the API key."
            ).format(port=settings.port)
        if settings.needs_key:
            return self.tr(
                "Only programs on this computer can connect, with the API key. Other computers "
                "cannot reach it (see Allow other computers on my network in Edit › Settings › "
                "Local server)."
            )
        return self.tr(
            "Only programs on this computer can connect; no key is asked. Other computers "
            "cannot reach it (see Allow other computers on my network in Edit › Settings › "
            "Local server)."
        )

    def show_lan_urls(self, state: ServerState) -> None:
        """The addresses other computers use, while they may connect and the server runs."""
        shown = state.running and state.settings.allow_network
        for number, (row, field) in enumerate(zip(self.lan_rows, self.lan_urls, strict=True)):
            url = state.lan_urls[number] if shown and number < len(state.lan_urls) else ""
            self.show_url(field, url)
            row.setVisible(bool(url))

    def shown_lan_urls(self) -> tuple[str, ...]:
        """The LAN addresses on show now."""
        return tuple(
            field.text()
            for row, field in zip(self.lan_rows, self.lan_urls, strict=True)
            if not row.isHidden()
        )

    @staticmethod
    def show_url(field: QLineEdit, url: str) -> None:
        """``url`` in ``field``, wide enough to read whole."""
        field.setText(url)
        field.setCursorPosition(0)
        field.setMinimumWidth(whole_text_width(field, url))

    def show_count(self, requests: int, in_progress: int = 0) -> None:
        """How many requests the server has answered (or refused) since it started, and how
        many it is answering now (a reply waiting behind the window's is listed only when
        done)."""
        text = self.tr("%n request(s) since the server started", "", requests)
        if in_progress:
            text += " · " + self.tr("{count} in progress").format(count=in_progress)
        self.count.setText(text)

    def info_height(self) -> int:
        """The height the address, messages and buttons take beside the request table, their
        messages wrapped at that column's width (more lines than the minimum size says)."""
        layout = self.layout_
        margins = layout.contentsMargins()
        inner = self.info.layout()
        assert inner is not None
        width = min(INFO_WIDTH, self.info.sizeHint().width())  # what the row gives it
        return inner.totalHeightForWidth(width) + margins.top() + margins.bottom()

    def set_vertical(self, vertical: bool) -> None:
        """One above the other (a dock beside the pages) or side by side (below them)."""
        direction = QBoxLayout.Direction
        self.layout_.setDirection(direction.TopToBottom if vertical else direction.LeftToRight)
        self.info.setMaximumWidth(QWIDGETSIZE_MAX if vertical else INFO_WIDTH)

    def fit_columns(self, *_: object) -> None:
        """Every column as wide as its widest cell (the table scrolls sideways beyond)."""
        self.table.horizontalHeader().resizeSections(QHeaderView.ResizeMode.ResizeToContents)

    def on_start_stop_clicked(self) -> None:
        if self._running:
            self.stop_requested.emit()
        else:
            self.start_requested.emit()

    @staticmethod
    def copy(text: str) -> None:
        QGuiApplication.clipboard().setText(text)
