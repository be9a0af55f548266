"""The core stays MicroPython: no CPython-only module or syntax, no board import outside the board layer."""

import ast
import os

HOST_ONLY = True

CORE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "meter")
CPYTHON_ONLY = {"typing", "dataclasses", "enum", "pathlib", "datetime", "abc", "functools", "decimal", "zoneinfo"}
BOARD = {"machine", "esp32", "network", "framebuf"}


def core_modules():
    for name in sorted(os.listdir(CORE)):
        if name.endswith(".py"):
            with open(os.path.join(CORE, name), encoding="utf-8") as f:
                yield name, ast.parse(f.read())


def imported(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module.split(".")[0]


def test_core_modules_import_nothing_cpython_only():
    for name, tree in core_modules():
        assert not set(imported(tree)) & CPYTHON_ONLY, name


def test_only_the_board_layer_imports_the_hardware():
    for name, tree in core_modules():
        found = set(imported(tree)) & BOARD
        if name == "board_esp32.py":
            assert "machine" in found
        else:
            # ili9341 reads the built-in font through framebuf, inside framebuf_font() only
            assert found <= ({"framebuf"} if name == "ili9341.py" else set()), name


def test_core_modules_use_no_annotations_fstrings_or_walrus():
    for name, tree in core_modules():
        for node in ast.walk(tree):
            assert not isinstance(node, (ast.AnnAssign, ast.JoinedStr, ast.NamedExpr, ast.Match)), (name, node.lineno)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                assert node.returns is None, (name, node.name)
                assert all(a.annotation is None for a in node.args.args), (name, node.name)
