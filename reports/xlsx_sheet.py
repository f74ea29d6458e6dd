"""openpyxl's write-only worksheet, with a quicker way to write plain cells.

openpyxl binds every appended value to a cell object (type checks, a
regular expression over text, its coordinate) and writes it through its
general cell writer: some 6 µs a cell, most of the time of a national
answers export (about 160,000 cells). This sheet writes plain text and
numbers straight into the sheet's XML stream, exactly as openpyxl's own
writer does (an inline string, or a number as ``%.16g``); anything else, a
cell with a style (a bold heading, quote-prefixed text, a date or a
percentage), is written by openpyxl's own cell writer. Text is always
written as text, where openpyxl would take text starting with "=" for a
formula and "#N/A" for an error value (``exports`` stores formula-like
text as quote-prefixed text cells in any case). The rest is
openpyxl's: the rows streamed to a temporary file as they are appended, the
workbook, styles, panes, filter and column widths.

It overrides two private methods of openpyxl 3.1's write-only sheet and
writer (pinned in ``pyproject.toml``); a test checks that it writes the same
XML as openpyxl does.
"""

import math

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell._writer import write_cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.xml.functions import Element  # lxml's, as openpyxl's own writer uses

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# Excel's longest text; openpyxl cuts text to it too.
MAX_TEXT = 32767


def quick_sheet(workbook: Workbook, title: str) -> WriteOnlyWorksheet:
    """A new write-only sheet of ``workbook``, as ``workbook.create_sheet``
    makes, that writes plain values quickly."""
    sheet = _QuickSheet(parent=workbook, title=title)
    workbook._add_sheet(sheet)
    return sheet


class _QuickSheet(WriteOnlyWorksheet):
    def _values_to_row(self, values, row_idx):
        return values  # bound, where needed, by _RowWriter.write_row

    def _get_writer(self):
        if self._writer is None:
            self._writer = _RowWriter(self)
            self._writer.write_top()


class _RowWriter(WorksheetWriter):
    def write_row(self, xf, row, row_idx):
        r = str(row_idx)
        with xf.element("row", r=r):
            for column, value in enumerate(row, 1):
                if value is None:
                    continue
                kind = type(value)
                if kind is str:
                    with xf.element("c", r=f"{get_column_letter(column)}{r}", t="inlineStr"):
                        if value:  # openpyxl writes empty text as an empty cell
                            _write_text(xf, value[:MAX_TEXT])
                elif kind is int or kind is float and math.isfinite(value):
                    with xf.element("c", r=f"{get_column_letter(column)}{r}", t="n"), xf.element("v"):
                        xf.write(f"{value:.16g}")
                else:
                    cell = value if isinstance(value, Cell) else WriteOnlyCell(self.ws, value)
                    cell.row, cell.column = row_idx, column
                    write_cell(xf, self.ws, cell, cell.has_style)


def _write_text(xf, text: str) -> None:
    with xf.element("is"):
        if text == text.strip():
            with xf.element("t"):
                xf.write(text)
        else:
            # Whitespace kept; lxml's incremental writer cannot name the xml: namespace.
            element = Element("t", {XML_SPACE: "preserve"})
            element.text = text
            xf.write(element)
