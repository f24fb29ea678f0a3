"""Checking the PDFs the app produces with the tools an auditor would use: poppler and qpdf.

`bin/system-deps` (run by `make`) installs them; a test that needs them fails, rather than skips,
when they are missing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pypdf


def run_tool(*command: str, data: bytes, to_stdout: bool = False) -> subprocess.CompletedProcess[str]:
    """Run a PDF tool on ``data`` (written to a temporary file named last on the command line, or before
    "-" for the tools that otherwise write their output to a file)."""
    tool = shutil.which(command[0])
    assert tool, f"{command[0]} is missing: run bin/system-deps (poppler-utils, qpdf)"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "checked.pdf"
        path.write_bytes(data)
        return subprocess.run(  # noqa: S603 — fixed tools on our own file, no shell
            [tool, *command[1:], str(path), *(["-"] if to_stdout else [])],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )


def pdf_text(data: bytes, *, layout: bool = False) -> str:
    """The text poppler reads from the PDF, page by page (pages end with a form feed)."""
    done = run_tool("pdftotext", *(["-layout"] if layout else []), "-enc", "UTF-8", data=data, to_stdout=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


@dataclass(frozen=True)
class Line:
    page: int
    text: str
    top: float  # points from the top of the page
    bottom: float


def pdf_lines(data: bytes) -> list[Line]:
    """Every line of text poppler finds, in reading order, with its page and vertical position."""
    done = run_tool("pdftotext", "-bbox-layout", "-enc", "UTF-8", data=data, to_stdout=True)
    assert done.returncode == 0, done.stderr
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    lines = []
    root = ET.fromstring(done.stdout)  # noqa: S314 — poppler's output for a file the test made
    for number, page in enumerate(root.iterfind(".//x:page", ns), start=1):
        for line in page.iterfind(".//x:line", ns):
            words = [w.text or "" for w in line.iterfind("x:word", ns)]
            lines.append(Line(number, " ".join(words), float(line.get("yMin")), float(line.get("yMax"))))
    return lines


def assert_archival_tagged_and_signed(data: bytes) -> None:
    """PDF/A-3b in its XMP metadata, tagged, structurally sound, and its one signature valid over the whole file."""
    info = run_tool("pdfinfo", data=data)
    assert info.returncode == 0, info.stderr
    assert re.search(r"^Tagged:\s+yes$", info.stdout, re.M), info.stdout
    assert re.search(r"^PDF version:\s+1\.7$", info.stdout, re.M), info.stdout  # PDF/A-3 is PDF 1.7
    meta = run_tool("pdfinfo", "-meta", data=data).stdout
    assert re.search(r"""pdfaid:part(="|>)3\b""", meta), meta
    assert re.search(r"""pdfaid:conformance(="|>)B\b""", meta), meta
    # PDF/A: the Info dictionary's producer is the XMP metadata's, even after signing.
    producer = re.search(r"^Producer:\s+(.+)$", info.stdout, re.M)
    assert producer, info.stdout
    assert f'pdf:Producer="{producer.group(1)}"' in meta, (info.stdout, meta)

    # PDF/A's output intent: an sRGB ICC profile with its three components.
    [intent] = pypdf.PdfReader(BytesIO(data)).trailer["/Root"]["/OutputIntents"]
    assert intent["/S"] == "/GTS_PDFA1"
    assert intent["/DestOutputProfile"].get_object()["/N"] == 3

    # Tagged for screen readers: every figure says what it shows.
    assert _figures_without_alt(data) == 0, "a figure has no alternate text: an <img> needs alt, an <svg> a <title>"

    check = run_tool("qpdf", "--check", data=data)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors" in check.stdout

    signature = run_tool("pdfsig", data=data)
    assert signature.returncode == 0, signature.stderr
    assert signature.stdout.count("Signature #") == 1, signature.stdout
    assert "Signature Validation: Signature is Valid." in signature.stdout, signature.stdout
    assert "Total document signed" in signature.stdout, signature.stdout
    assert "ETSI.CAdES.detached" in signature.stdout, signature.stdout  # PAdES


def _figures_without_alt(data: bytes) -> int:
    """How many Figure elements of the PDF's structure tree have no alternate text."""
    missing = 0
    pending = [pypdf.PdfReader(BytesIO(data)).trailer["/Root"]["/StructTreeRoot"]]
    while pending:
        node = pending.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            pending.extend(node)
        elif isinstance(node, dict):
            if node.get("/S") == "/Figure" and not node.get("/Alt"):
                missing += 1
            if "/K" in node:
                pending.append(node["/K"])
    return missing
