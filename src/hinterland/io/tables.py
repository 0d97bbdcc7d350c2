"""One reader of user tables (CSV or Parquet) with errors that say what to do.

CSV files must be UTF-8 (a byte-order mark is fine) and comma-separated. A file
that is not is refused with a message naming the problem: ``;``/tab/``|``
separators, UTF-16 or Latin-1 text, an unclosed quote, a row with more fields than
the header, a repeated column name, a binary file, a file with no rows.
"""

from __future__ import annotations

import csv
import io
import os
import re
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from hinterland.core.errors import InputError

__all__ = ["read_table"]

#: How many leading bytes are inspected for encoding and delimiter.
_HEAD = 64 * 1024
_SEPARATORS = {";": "semicolon (;)", "\t": "tab", "|": "pipe (|)"}


def _encoding_problem(head: bytes) -> str | None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "is UTF-16 text; save it as UTF-8 (CSV UTF-8)"
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "is UTF-32 text; save it as UTF-8"
    if b"\x00" in head:
        if re.search(rb"[ -~]\x00[ -~]\x00", head):
            return "is UTF-16 text; save it as UTF-8 (CSV UTF-8)"
        return "is a binary file, not CSV text (a Parquet file needs the .parquet suffix)"
    return None


def _decode_problem(data: bytes) -> str | None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start]
        return (f"is not UTF-8 text (byte 0x{byte:02x} on line {line}); it looks like "
                "Latin-1/Windows-1252: save it as UTF-8 (CSV UTF-8)")
    return None


def _header_problem(first_line: str) -> str | None:
    if "," in first_line:
        return None
    for sep, name in _SEPARATORS.items():
        if sep in first_line:
            return (f"looks {name}-separated; hinterland reads comma-separated CSV: save it "
                    "with commas")
    return None


def _parser_message(exc: Exception) -> str:
    text = str(exc)
    m = re.search(r"EOF inside string starting (?:at|with) (?:row|line) (\d+)", text)
    if m:
        return (f"unclosed quote (\") starting on line {int(m.group(1)) + 1}: every quoted "
                "value needs its closing quote")
    m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", text)
    if m:
        return (f"line {m.group(2)} has {m.group(3)} fields but the header has "
                f"{m.group(1)}: an unquoted comma in a value?")
    if "EOF" in text and "quote" in text.lower():
        return "unclosed quote (\"): every quoted value needs its closing quote"
    return f"not a readable CSV file ({text.strip().splitlines()[-1] if text.strip() else exc})"


def _long_row(text: str, n_header: int) -> str:
    for line, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if len(row) > n_header:
            return (f"line {line} has {len(row)} fields but the header has {n_header}: "
                    "an unquoted comma in a value?")
    return "a row has more fields than the header"


def read_table(
    path: str | os.PathLike[str],
    *,
    source: str | None = None,
    dtype: Any = str,
    allow_empty: bool = False,
    required: tuple[str, ...] = (),
    allowed: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Read a CSV or Parquet table a user brings.

    Parameters
    ----------
    path
        ``.parquet`` for Parquet; any other suffix is read as CSV.
    source
        Name in error messages (default: the path).
    dtype
        CSV column types (default: every column as text, empty cells as missing);
        ``None`` lets pandas infer them. A mapping gives some columns a type.
    allow_empty
        Accept a table with a header and no rows (default: refuse it).
    required
        Columns that must be present.
    allowed
        When given, every column must be one of these (unknown columns are refused,
        so a misspelt optional column is not silently ignored).

    Returns
    -------
    pandas.DataFrame
        Column names stripped of surrounding spaces.

    Raises
    ------
    InputError
        The file is missing, a folder, empty, not UTF-8, not comma-separated, has an
        unclosed quote or a row with too many fields, repeats a column name, has no
        rows (unless ``allow_empty``), lacks a ``required`` column or has a column
        outside ``allowed``.
    """
    p = Path(path)
    src = source or str(p)
    if not p.exists():
        raise InputError(src, "file not found")
    if p.is_dir():
        raise InputError(src, "is a folder, not a file")
    try:
        parquet = p.suffix.lower() == ".parquet"
        df = _read_parquet(p, src) if parquet else _read_csv(p, src, dtype)
    except InputError:
        raise
    except PermissionError:
        raise InputError(src, "cannot read the file: permission denied") from None
    except OSError as exc:
        raise InputError(src, f"cannot read the file: {exc.strerror or exc}") from None
    names = [str(c).strip() for c in df.columns]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise InputError(src, "column name appears twice", column=name)
        seen.add(name)
    df.columns = pd.Index(names)
    for col in required:
        if col not in df.columns:
            raise InputError(src, f"missing column (have: {', '.join(names) or 'none'})",
                             column=col)
    if allowed is not None:
        unknown = [c for c in names if c not in allowed]
        if unknown:
            raise InputError(src, f"unknown column (allowed: {', '.join(allowed)})",
                             column=unknown[0])
    if df.empty and not allow_empty:
        raise InputError(src, "no rows (only a header)" if len(names) else "file is empty")
    return df


def _read_parquet(p: Path, src: str) -> pd.DataFrame:
    import pyarrow as pa

    try:
        return pd.read_parquet(p)
    except (pa.ArrowException, ValueError, TypeError, OSError) as exc:
        if isinstance(exc, PermissionError):
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(src, f"not a readable Parquet file ({first})") from None


def _read_csv(p: Path, src: str, dtype: Any) -> pd.DataFrame:
    data = p.read_bytes()
    if not data.strip():
        raise InputError(src, "file is empty")
    head = data[:_HEAD]
    problem = _encoding_problem(head) or _decode_problem(data)
    if problem:
        raise InputError(src, problem)
    text = data.decode("utf-8-sig")
    first_line = text.lstrip("\r\n").splitlines()[0] if text.strip() else ""
    if (problem := _header_problem(first_line)) is not None:
        raise InputError(src, problem)
    try:
        header = next(csv.reader([first_line]))
    except csv.Error:
        header = []
    stripped = [h.strip() for h in header]
    dupes = {h for h in stripped if stripped.count(h) > 1}
    if dupes:
        raise InputError(src, "column name appears twice", column=sorted(dupes)[0])
    kwargs: dict[str, Any] = {}
    if dtype is str:
        kwargs = {"dtype": str, "keep_default_na": False, "na_values": [""]}
    elif isinstance(dtype, Mapping):
        kwargs = {"dtype": dict(dtype)}
    elif dtype is not None:
        kwargs = {"dtype": dtype}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(io.StringIO(text), index_col=False, **kwargs)
    except pd.errors.ParserWarning:
        raise InputError(src, _long_row(text, len(header))) from None
    except pd.errors.EmptyDataError:
        raise InputError(src, "file is empty") from None
    except (pd.errors.ParserError, csv.Error) as exc:
        raise InputError(src, _parser_message(exc)) from None
    except (ValueError, OverflowError) as exc:
        raise InputError(src, f"not a readable CSV file ({exc})") from None
