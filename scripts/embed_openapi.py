#!/usr/bin/env python3
"""Copies docs/control-openapi.json, the control API's OpenAPI document, into the Swift source the
server serves it from. Run it after editing the document; a test fails until the two agree."""
import pathlib

root = pathlib.Path(__file__).resolve().parent.parent
text = (root / "docs/control-openapi.json").read_text()
swift = ("/// The control API's OpenAPI 3.1 document, served at `GET /control/openapi.json`. A copy of\n"
         "/// `docs/control-openapi.json` made by `scripts/embed_openapi.py`; a test keeps the two equal.\n"
         "enum ControlOpenAPI {\n    static let document = #\"\"\"\n" + text + "\n\"\"\"#\n}\n")
(root / "Sources/TickforgeServer/Control/ControlOpenAPI.swift").write_text(swift)
