"""Reading and writing user files: one ``read_table``, atomic writes, strict JSON.

Used by the library and the command line alike (this package imports nothing from
:mod:`hinterland.commands`):

* :func:`read_table` reads CSV or Parquet and turns delimiter, encoding, quoting
  and truncation problems into :class:`~hinterland.core.errors.InputError` messages
  that say what to do;
* :func:`atomic_path`, :func:`write_table`, :func:`write_json` write through a
  temporary file renamed on success, never replacing a symlink (they write through
  it), a FIFO, a device or a folder;
* :class:`Outputs` is a transaction over several files: a command writes all of
  them or none;
* :func:`jsonable`, :func:`dumps` give strict JSON (no ``NaN``/``Infinity``).
"""

from hinterland.io.atomic import (
    OutputError,
    Outputs,
    atomic_path,
    check_output_dir,
    check_output_file,
    write_json,
    write_table,
)
from hinterland.io.jsonio import dumps, jsonable
from hinterland.io.tables import read_table

__all__ = [
    "OutputError",
    "Outputs",
    "atomic_path",
    "check_output_dir",
    "check_output_file",
    "dumps",
    "jsonable",
    "read_table",
    "write_json",
    "write_table",
]
