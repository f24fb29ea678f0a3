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
number. Text that merely looks like one (an employee number ``-2``) is text and is escaped. Dates
(``date``, ``datetime``) are ISO dates in a CSV and date cells in Excel.

An Excel file is laid out for people: a title row saying what was exported and when, then a bold
header row, both frozen, with filters; columns as wide as the header and the first rows need.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from itertools import chain, islice
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A separator some spreadsheet may split on, then optional spaces or quotes, then a formula start.
_SEGMENT_FORMULA = re.compile(r"[,;\t|\r\n][ \"]*[=+\-@\t\r]")
_FLUSH_EVERY = 500  # rows per streamed CSV chunk
_CHUNK = 64 * 1024  # bytes per streamed Excel chunk
_WIDTH_SAMPLE = 200  # rows read ahead to size the Excel columns (they must be sized before any row is written)
_MIN_WIDTH, _MAX_WIDTH = 8, 60  # column widths, in characters
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_TITLE_FONT = Font(bold=True, size=12)
_HEADER_FONT = Font(bold=True)


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


def xlsx_stream(
    sheet_name: str, header: Sequence[str], rows: Iterable[Sequence[object]], *, heading: str
) -> Iterator[bytes]:
    """An Excel workbook of one sheet, written to a temporary file (memory stays flat), then streamed.

    Row 1 is ``heading`` (what was exported and when), row 2 the bold header; both stay in view when
    scrolling, and the header carries filters. Columns are sized from the header and the first
    ``_WIDTH_SAMPLE`` rows, which are read ahead.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_name[:31])
    rows = iter(rows)
    ahead = list(islice(rows, _WIDTH_SAMPLE))
    for column, width in enumerate(column_widths(header, ahead), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "1:2"
    sheet.append([_styled(sheet, heading, _TITLE_FONT)])
    sheet.append([_styled(sheet, name, _HEADER_FONT) for name in header])
    written = 0
    for row in chain(ahead, rows):
        sheet.append(xlsx_row(sheet, row))
        written += 1
    sheet.auto_filter.ref = f"A2:{get_column_letter(max(len(header), 1))}{2 + written}"
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)
        handle.seek(0)
        while chunk := handle.read(_CHUNK):
            yield chunk


def _shown_length(value: object) -> int:
    """About how many characters a cell shows (its longest line)."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return len("2026-01-31 12:00")
    if isinstance(value, date):
        return len("2026-01-31")
    return max(len(line) for line in str(neutralise(value)).splitlines() or [""])


def column_widths(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[float]:
    """A width per column that fits its header and the given rows, within sensible bounds."""
    widths = [_shown_length(name) for name in header]
    for row in rows:
        for column, value in enumerate(row[: len(widths)]):
            widths[column] = max(widths[column], _shown_length(value))
    return [float(min(max(width + 2, _MIN_WIDTH), _MAX_WIDTH)) for width in widths]


def _styled(sheet: Any, text: str, font: Font) -> WriteOnlyCell:
    """A text cell in the given font (the title and the header)."""
    cell = WriteOnlyCell(sheet, neutralise(text))
    cell.data_type = "s"
    cell.font = font
    return cell


def _cell(sheet: Any, value: object) -> object:
    """One Excel cell: text neutralised and typed as text (never a formula), dates as date cells."""
    safe = neutralise(value)
    if isinstance(safe, str):
        cell = WriteOnlyCell(sheet, safe)
        cell.data_type = "s"
        return cell
    if isinstance(safe, datetime):
        naive = safe.astimezone(UTC).replace(tzinfo=None) if safe.tzinfo else safe
        cell = WriteOnlyCell(sheet, naive)
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(safe, date):
        cell = WriteOnlyCell(sheet, safe)
        cell.number_format = DATE_FORMAT
        return cell
    return safe


def xlsx_row(sheet: Any, row: Iterable[object]) -> list[object]:
    """Cells for ``sheet.append``: text neutralised and typed as text, so no cell is ever a formula."""
    return [_cell(sheet, value) for value in row]
