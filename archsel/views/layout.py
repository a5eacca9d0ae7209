"""Table layout for any width: a wide table where it fits, rows stacked as records on a narrow terminal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

# Below this many columns a comparison table of eight columns wraps every cell into a tower of
# words; each row then reads better as a record (heading, then one "name  value" line per cell).
NARROW_BELOW = 100

# The one way a cell says "does not apply to this design" (cold starts on Fargate, tasks on Lambda).
NOT_APPLICABLE = "n/a"


def is_narrow(console: Console) -> bool:
    """Whether ``console`` is too narrow for the wide comparison tables."""
    return console.width < NARROW_BELOW


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 task', '2 tasks', '0 tasks' (``plural_form`` for irregular words)."""
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count} {word}"


def print_records(console: Console, title: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Print ``rows`` stacked: each row's first cell as a bold heading, then its other cells, one a line.

    Names never truncate: the name column is as wide as its longest name and the values wrap at
    spaces in what is left.
    """
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    console.print(Text(title, style="italic"))
    for row in rows:
        console.print(Text(row[0], style="bold"))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        for header, cell in zip(headers[1:], row[1:], strict=True):
            grid.add_row(header, Text(cell))
        console.print(Padding(grid, (0, 0, 0, 2), expand=False))


def fits(table: Table, width: int) -> bool:
    """Whether ``table`` can be printed ``width`` wide with no word cut (each column at its longest word)."""
    _, words, room = _needs(table, width)
    return sum(words) <= room


def fit_columns(table: Table, width: int) -> None:
    """Size ``table``'s columns for ``width`` so that no word is cut: every column at least its longest word.

    Rich shrinks the widest columns first and, when that is not enough, cuts cells with an
    ellipsis. Here each column keeps its longest word (its whole text when it must not wrap)
    and the space left goes to the columns that want more, in proportion to what they want.
    A table that fits is left as it is; one that cannot fit even so folds its longest words.
    """
    lines, words, room = _needs(table, width)
    if sum(lines) <= room:
        return
    if sum(words) > room:  # some word must break: fold it onto the next line rather than cut it
        for column in table.columns:
            column.overflow = "fold"
        return
    wants = [line - word for line, word in zip(lines, words, strict=True)]
    spare, total_want = room - sum(words), sum(wants)
    for column, word, want in zip(table.columns, words, wants, strict=True):
        column.width = max(word + spare * want // total_want, 1)


def _needs(table: Table, width: int) -> tuple[list[int], list[int], int]:
    """Per column its longest line and longest unbreakable word; and the room the cells have at ``width``."""
    texts = [[_plain(column.header), *(_plain(cell) for cell in column.cells)] for column in table.columns]
    lines = [max((len(line) for text in column for line in text.splitlines()), default=0) for column in texts]
    words = [
        line if column.no_wrap else max((len(word) for text in texts[index] for word in text.split()), default=0)
        for index, (column, line) in enumerate(zip(table.columns, lines, strict=True))
    ]
    padding = sum(table._get_padding_width(index) for index in range(len(table.columns)))
    return lines, words, width - table._extra_width - padding


def _plain(cell: object) -> str:
    """The text of a table cell as it prints (a string, a rich Text, else nothing measurable)."""
    from rich.text import Text

    if isinstance(cell, Text):
        return cell.plain
    return cell if isinstance(cell, str) else ""
