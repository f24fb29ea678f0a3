"""The one way the app writes spreadsheet files: every CSV and Excel download goes through here.

Spreadsheets run a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and, in some, tab or carriage
return) as a formula, so a person named ``=HYPERLINK(…)`` could plant a link or a command in the
file an inspector opens (CSV or formula injection). Here:

- every CSV field is quoted;
- every text cell that begins with one of those characters gets a leading apostrophe, and so does
  a cell with such a segment after a comma, semicolon, tab, vertical bar or line break (``Smith;=1+1``
  becomes two cells in a spreadsheet whose list separator is ``;``);
- Excel cells are always written as text, never as formulas, and get the same apostrophe so both
  downloads read alike.

Numbers (``int``, ``float``, ``Decimal``) are written as they are: ``-2`` in a numeric column stays a
number. Text that merely looks like one (an employee number ``-2``) is text and is escaped.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A separator some spreadsheet may split on, then optional spaces or quotes, then a formula start.
_SEGMENT_FORMULA = re.compile(r"[,;\t|\r\n][ \"]*[=+\-@\t\r]")
_FLUSH_EVERY = 500  # rows per streamed CSV chunk
_CHUNK = 64 * 1024  # bytes per streamed Excel chunk


def is_dangerous(text: str) -> bool:
    """Whether a spreadsheet could read some part of this text as a formula."""
    return text.startswith(FORMULA_START) or _SEGMENT_FORMULA.search(text) is not None


def neutralise(value: object) -> object:
    """The value, with an apostrophe in front when it is text a spreadsheet could run as a formula."""
    if isinstance(value, str) and is_dangerous(value):
        return "'" + value
    return value


class SafeWriter:
    """``csv.writer`` that quotes every field and neutralises every cell."""

    def __init__(self, stream: IO[str], **options: Any) -> None:
        self._writer = csv.writer(stream, quoting=csv.QUOTE_ALL, **options)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([neutralise(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A small CSV in one piece, UTF-8 with a byte-order mark so Excel reads it as UTF-8."""
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(header)
    writer.writerows(rows)
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def csv_stream(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[bytes]:
    """A CSV produced as it is written, with a byte-order mark, in chunks of a few hundred rows."""
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    buffer.write("\ufeff")
    writer.writerow(header)
    for n, row in enumerate(rows, start=1):
        writer.writerow(row)
        if n % _FLUSH_EVERY == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def xlsx_stream(title: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[bytes]:
    """An Excel workbook of one sheet, written to a temporary file (memory stays flat), then streamed."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(xlsx_row(sheet, header))
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)
        handle.seek(0)
        while chunk := handle.read(_CHUNK):
            yield chunk


def xlsx_row(sheet: Any, row: Iterable[object]) -> list[object]:
    """Cells for ``sheet.append``: text neutralised and typed as text, so no cell is ever a formula."""
    cells: list[object] = []
    for value in row:
        safe = neutralise(value)
        if isinstance(safe, str):
            cell = WriteOnlyCell(sheet, safe)
            cell.data_type = "s"
            cells.append(cell)
        else:
            cells.append(safe)
    return cells
