"""Hearthside: chat with a language model that runs on your own computer, offline."""

__version__ = "0.1.0"
APP_NAME = "Hearthside"
