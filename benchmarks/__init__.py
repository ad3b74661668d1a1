"""Performance harness: every figure is a ratio of the app against bare llama.cpp (or a bare
PySide6 window) measured side by side in one run. Entry point: ``python -m benchmarks``."""
