"""Mutations of a valid table file: encodings, delimiters, truncation, bad values, columns."""

from __future__ import annotations

import io

import pandas as pd
from hypothesis import strategies as st

#: Values written into one cell.
BAD_VALUES = ("nan", "NaN", "inf", "-inf", "1e400", "-1", "0", "1e18", "999999999999999999.99",
              "", " ", "abc", "1,5", "0x1F", "None", "true", "2025-02-30", "\u00e9\u00e8",
              '"', "-0", "1e-400", "12345678901234567890")


@st.composite
def mutated_file(draw: st.DrawFn, table: pd.DataFrame, parquet_ok: bool = True
                 ) -> tuple[str, bytes]:
    """A ``(suffix, content)`` made from ``table`` by one to three mutations."""
    df = table.astype(str).copy()
    kinds = draw(st.lists(st.sampled_from([
        "cell", "cell", "cell", "drop_column", "extra_column", "rename_column", "duplicate_row",
        "header_only", "blank_row", "none",
    ]), min_size=1, max_size=3))
    for kind in kinds:
        if kind == "cell" and len(df) and len(df.columns):
            r = draw(st.integers(0, len(df) - 1))
            c = draw(st.sampled_from(list(df.columns)))
            df.loc[df.index[r], c] = draw(st.sampled_from(BAD_VALUES) | st.text(max_size=6))
        elif kind == "drop_column" and len(df.columns) > 1:
            df = df.drop(columns=[draw(st.sampled_from(list(df.columns)))])
        elif kind == "extra_column":
            df[draw(st.sampled_from(["extra", "notes", "lat2"]))] = "x"
        elif kind == "rename_column" and len(df.columns):
            c = draw(st.sampled_from(list(df.columns)))
            df = df.rename(columns={c: c.upper() + " "})
        elif kind == "duplicate_row" and len(df):
            df = pd.concat([df, df.iloc[[0]]], ignore_index=True)
        elif kind == "header_only":
            df = df.iloc[0:0]
        elif kind == "blank_row":
            df = pd.concat([df, pd.DataFrame([[""] * len(df.columns)], columns=df.columns)],
                           ignore_index=True)
    form = draw(st.sampled_from(["csv"] * 6 + ["parquet"] * (2 if parquet_ok else 0)
                                + ["raw"] * 3))
    if form == "parquet":
        buf = io.BytesIO()
        typed = df.copy()
        for c in typed.columns:  # some columns as numbers, as a spreadsheet would write them
            num = pd.to_numeric(typed[c], errors="coerce")
            if num.notna().all() and draw(st.booleans()):
                typed[c] = num
        typed.to_parquet(buf, index=False)
        return ".parquet", buf.getvalue()
    text = df.to_csv(index=False)
    if form == "raw":
        how = draw(st.sampled_from(["semicolon", "tab", "utf16", "latin1", "truncate",
                                    "quote", "bom", "crlf", "garbage", "empty"]))
        if how == "semicolon":
            return ".csv", text.replace(",", ";").encode()
        if how == "tab":
            return ".csv", text.replace(",", "\t").encode()
        if how == "utf16":
            return ".csv", text.encode("utf-16")
        if how == "latin1":
            return ".csv", (text.rstrip("\n") + ",caf\u00e9\n").encode("latin-1", errors="replace")
        if how == "truncate":
            data = text.encode()
            return ".csv", data[: draw(st.integers(0, max(len(data) - 1, 0)))]
        if how == "quote":
            lines = text.splitlines(keepends=True)
            k = draw(st.integers(0, len(lines) - 1))
            lines[k] = '"' + lines[k]
            return ".csv", "".join(lines).encode()
        if how == "bom":
            return ".csv", ("\ufeff" + text).encode()
        if how == "crlf":
            return ".csv", text.replace("\n", "\r\n").encode()
        if how == "garbage":
            return draw(st.sampled_from([".csv", ".parquet"])), draw(st.binary(max_size=64))
        return ".csv", b""
    return ".csv", text.encode()
