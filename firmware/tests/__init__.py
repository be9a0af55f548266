"""Firmware tests: run by pytest on CPython and by tests/mpunit.py under MicroPython."""
