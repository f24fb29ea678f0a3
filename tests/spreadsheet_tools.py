"""Opening the Excel files the app produces as a person would: in LibreOffice Calc, and with openpyxl.

`bin/system-deps` (run by `make`) installs LibreOffice Calc; a test that needs it fails, rather than
skips, when it is missing.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

# Comma-separated, double quotes, UTF-8 (76), first line 1; cells as Calc shows them.
_CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1"


def calc_rows(data: bytes) -> list[list[str]]:
    """The sheet as LibreOffice Calc shows it: the file converted to CSV by Calc, headless."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is missing: run bin/system-deps (libreoffice-calc-nogui)"
    with tempfile.TemporaryDirectory() as folder:
        workbook = Path(folder) / "export.xlsx"
        workbook.write_bytes(data)
        profile = (Path(folder) / "profile").as_uri()  # its own profile: runs in parallel never collide
        command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", _CSV_FILTER]
        done = subprocess.run(  # noqa: S603 — a fixed tool on our own file, no shell
            [*command, "--outdir", folder, str(workbook)],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        converted = Path(folder) / "export.csv"
        assert converted.exists(), f"LibreOffice did not convert the file: {done.stdout} {done.stderr}"
        return list(csv.reader(io.StringIO(converted.read_text(encoding="utf-8"), newline="")))


def sheet_of(data: bytes) -> Worksheet:
    """The first sheet, as openpyxl reads it (cell types, fonts, widths, panes and filters)."""
    return openpyxl.load_workbook(io.BytesIO(data)).active
