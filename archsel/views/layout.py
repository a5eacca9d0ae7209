"""Table layout for any width: a wide table where it fits, rows stacked as records on a narrow terminal."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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
    extra = _share(room - sum(words), wants)
    for column, word, more in zip(table.columns, words, extra, strict=True):
        column.width = max(word + more, 1)


def _share(spare: int, wants: list[int]) -> list[int]:
    """Split ``spare`` columns over ``wants``: the smallest wants in full first (a short cell such as
    '76.71 / 547' then stays on one line), the rest in proportion to what is left."""
    given = [0] * len(wants)
    pending = sorted(range(len(wants)), key=lambda index: wants[index])
    while pending:
        index = pending[0]
        even = spare // len(pending)
        if wants[index] > even:  # every pending column wants more than an even share: split in proportion
            total = sum(wants[i] for i in pending)
            for i in pending:
                given[i] = spare * wants[i] // total
            break
        given[index] = wants[index]
        spare -= wants[index]
        pending.pop(0)
    return given


def _needs(table: Table, width: int) -> tuple[list[int], list[int], int]:
    """Per column its longest line and longest unbreakable word; and the room the cells have at ``width``."""
    # A header may wrap over two lines at no cost to the rows, so it asks only for its longest word.
    headers = [_plain(column.header) for column in table.columns]
    cells = [[_plain(cell) for cell in column.cells] for column in table.columns]
    lines = [
        max(_longest(header.split()), _longest(line for text in texts for line in text.splitlines()))
        for header, texts in zip(headers, cells, strict=True)
    ]
    lines = [
        max(line, len(header)) if column.no_wrap else line
        for column, header, line in zip(table.columns, headers, lines, strict=True)
    ]
    words = [
        line if column.no_wrap else max(_longest(header.split()), _longest(w for text in texts for w in text.split()))
        for column, header, texts, line in zip(table.columns, headers, cells, lines, strict=True)
    ]
    padding = sum(table._get_padding_width(index) for index in range(len(table.columns)))
    return lines, words, width - table._extra_width - padding


def _longest(texts: Iterable[str]) -> int:
    return max((len(text) for text in texts), default=0)


def _plain(cell: object) -> str:
    """The text of a table cell as it prints (a string, a rich Text, else nothing measurable)."""
    from rich.text import Text

    if isinstance(cell, Text):
        return cell.plain
    return cell if isinstance(cell, str) else ""
