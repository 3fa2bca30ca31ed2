"""Read the data rows of a CSV export together with the line each one starts on.

Shared by every CSV format: a header row names the columns (lower-cased), blank rows are skipped,
and a row with the wrong number of cells, or a cell larger than the csv module's field limit
(131,072 characters, which bounds the memory one cell can take), becomes a problem naming its line
while the rest reads on.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from netgain.incidents.records import ImportProblem, ParseResult, problem_limit


def iter_csv_rows(
    text: str, name: str, required: str, result: ParseResult
) -> Iterator[tuple[int, dict[str, str]]]:
    """(start line, {column: cell}) per data row; problems go to `result.problems`.

    Yields nothing when the file is empty or the header lacks the `required` column.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return
    except csv.Error as exc:
        result.problems.append(ImportProblem(name, 1, f"header unreadable: {exc}"))
        return
    if required not in header:
        result.problems.append(ImportProblem(name, 1, f"header has no '{required}' column"))
        return
    line = reader.line_num + 1
    stop = problem_limit(result.problems, name)
    while not stop(line):
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # a cell over csv.field_size_limit(); the reader goes on after it
            result.problems.append(ImportProblem(name, line, f"row skipped: {exc}"))
            line = reader.line_num + 1
            continue
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            result.problems.append(
                ImportProblem(name, start, f"expected {len(header)} columns, found {len(row)}")
            )
            continue
        yield start, dict(zip(header, row, strict=True))
