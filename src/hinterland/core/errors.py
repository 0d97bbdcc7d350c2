"""Errors that reach users: each names what was wrong and where.

Every error a user can cause by their input derives from :class:`HinterlandError`;
the CLI prints its message and exits non-zero, the API turns it into a 4xx.
"""

from __future__ import annotations


class HinterlandError(Exception):
    """Base class of user-facing errors (never a bug in hinterland itself)."""


class DataFileError(HinterlandError):
    """A registered data file is missing or its content changed (sha256)."""


class InputError(HinterlandError):
    """A row of a user's table is invalid.

    Parameters
    ----------
    source
        File name (or table name) the bad value came from.
    message
        What is wrong, in words.
    row
        1-based data row number (header excluded), or ``None`` for the whole table.
    column
        Column name, or ``None`` when the problem is not one column.
    """

    def __init__(
        self,
        source: str,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.source = source
        self.row = row
        self.column = column
        self.reason = message
        where = [str(source)]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        super().__init__(f"{', '.join(where)}: {message}")


class InfeasibleError(HinterlandError):
    """An optimisation problem has no feasible solution, with the reason."""
