"""Atomic, transactional file outputs that never replace what they should not.

Every output goes to a temporary file beside its target and is renamed over the
target only when the work succeeded, so an error or Ctrl-C leaves no half-written
file. A target that is a symlink is written *through* (the link stays, its regular
file is replaced); a FIFO, a device, a socket or a folder is refused with
:class:`OutputError` instead of being replaced by a regular file.

:class:`Outputs` extends this to several files: each is written to its temporary
name, and all are renamed together at the end (or all discarded), so a command
writes all its outputs or none.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

import pandas as pd

from hinterland.core.errors import HinterlandError
from hinterland.io.jsonio import dumps

__all__ = [
    "OutputError",
    "Outputs",
    "atomic_path",
    "check_output_dir",
    "check_output_file",
    "write_json",
    "write_table",
]

_KIND = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


class OutputError(HinterlandError):
    """An output path cannot be written (exists as something else, no permission...).

    Parameters
    ----------
    path
        The output path as the user gave it.
    message
        What is wrong, in words.
    """

    def __init__(self, path: str | os.PathLike[str], message: str) -> None:
        self.path = str(path)
        self.reason = message
        super().__init__(f"cannot write {self.path}: {message}")


def _describe(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if exc.errno == errno.EROFS:
        return "read-only file system"
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    if isinstance(exc, NotADirectoryError):
        return "a parent of it is a file, not a folder"
    if isinstance(exc, IsADirectoryError):
        return "it is a folder"
    return exc.strerror or type(exc).__name__


def _final_target(path: Path) -> Path:
    """The file to write: ``path`` itself, or where its symlink chain points."""
    if path.is_symlink():
        return Path(os.path.realpath(path))
    return path


def check_output_file(path: str | os.PathLike[str]) -> Path:
    """Check that ``path`` can become a regular file, creating nothing.

    Call it before long work so a bad ``--out`` fails first.

    Returns
    -------
    pathlib.Path
        The file that will be written (the symlink's target for a symlink).

    Raises
    ------
    OutputError
        ``path`` is a FIFO, device, socket or folder (or a symlink to one), a parent
        is a file, or the nearest existing folder is not writable.
    """
    given = Path(path)
    target = _final_target(given)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    except NotADirectoryError:
        raise OutputError(given, "a parent of it is a file, not a folder") from None
    except OSError as exc:
        raise OutputError(given, _describe(exc)) from None
    if st is not None:
        for test, what in _KIND:
            if test(st.st_mode):
                hint = " (give a file name inside it)" if what == "a folder" else ""
                raise OutputError(given, f"it is {what}, not a regular file; refusing to "
                                  f"replace it{hint}")
    _check_folder(given, target.parent)
    return target


def check_output_dir(path: str | os.PathLike[str]) -> Path:
    """Check that ``path`` is, or can be created as, a writable folder (creating nothing).

    Raises
    ------
    OutputError
        ``path`` exists and is not a folder, or cannot be created or written.
    """
    given = Path(path)
    if given.exists() and not given.is_dir():
        raise OutputError(given, "it exists and is not a folder")
    _check_folder(given, given)
    return given


def _check_folder(given: Path, folder: Path) -> None:
    probe = folder
    while not probe.exists():
        if probe.is_symlink():  # dangling link in the chain
            raise OutputError(given, f"{probe} is a broken symlink")
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise OutputError(given, f"{probe} is a file, not a folder")
    if probe.exists() and not os.access(probe, os.W_OK | os.X_OK):
        raise OutputError(given, f"folder {probe} is not writable (permission denied)")


def _mkdirs(folder: Path, given: Path, created: list[Path] | None = None) -> None:
    missing: list[Path] = []
    probe = folder
    while not probe.exists() and probe.parent != probe:
        missing.append(probe)
        probe = probe.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(given, f"{folder} exists and is not a folder") from None
    except OSError as exc:
        raise OutputError(given, f"cannot create folder {folder}: {_describe(exc)}") from None
    if created is not None:
        created.extend(reversed(missing))


def _temp_beside(target: Path, given: Path) -> Path:
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise OutputError(given, _describe(exc)) from None
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    Path(tmp).chmod(0o666 & ~umask)  # mkstemp makes 0600; give the usual file mode
    return Path(tmp)


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it over ``path`` only on success.

    An error or Ctrl-C inside the block leaves no half-written file and the old
    ``path`` (if any) untouched. A symlink is written through; a FIFO, device,
    socket or folder is refused.

    Raises
    ------
    OutputError
        See :func:`check_output_file`; also a failed write or rename.
    """
    given = Path(path)
    target = check_output_file(given)
    _mkdirs(target.parent, given)
    tmp = _temp_beside(target, given)
    try:
        yield tmp
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise OutputError(given, _describe(exc)) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _write_frame(df: pd.DataFrame, tmp: Path, target: Path, given: Path) -> None:
    try:
        if target.suffix.lower() == ".parquet" or given.suffix.lower() == ".parquet":
            df.to_parquet(tmp, index=False)
        else:
            df.to_csv(tmp, index=False)
    except OSError as exc:
        raise OutputError(given, _describe(exc)) from None


def write_table(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``df`` atomically as Parquet (``.parquet``) or CSV (any other suffix).

    Returns
    -------
    pathlib.Path
        ``path`` as given.
    """
    given = Path(path)
    with atomic_path(given) as tmp:
        _write_frame(df, tmp, _final_target(given), given)
    return given


def write_json(obj: Any, path: str | os.PathLike[str], *, indent: int | None = 2) -> Path:
    """Write ``obj`` atomically as strict JSON (:func:`~hinterland.io.jsonio.dumps`)."""
    given = Path(path)
    text = dumps(obj, indent=indent)
    with atomic_path(given) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return given


class Outputs:
    """A transaction over output files: all are written, or none.

    Each :meth:`path` (or :meth:`table`, :meth:`json`) call checks the target and
    returns a temporary file beside it; :meth:`commit` renames every temporary file
    over its target; leaving the ``with`` block by an exception (Ctrl-C included)
    deletes them, and any folder the transaction created, instead.

    If a rename fails during :meth:`commit`, the targets already renamed are put
    back as they were (the previous files are kept as hard links until the end).

    Examples
    --------
    >>> with Outputs() as out:                                   # doctest: +SKIP
    ...     out.table(choices, "choices.csv")
    ...     out.table(parcels, "parcels.parquet")
    """

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path, Path]] = []  # (tmp, target, given)
        self._created: list[Path] = []
        self._held: list[tuple[Path, Path | None]] = []  # (target, backup) after commit(hold)
        self.written: list[Path] = []

    def __enter__(self) -> Outputs:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is None:
            self.commit()
        else:
            self.rollback()

    def check(self, path: str | os.PathLike[str]) -> Path:
        """Check ``path`` now (before long work); see :func:`check_output_file`."""
        return check_output_file(path)

    def path(self, path: str | os.PathLike[str]) -> Path:
        """A temporary file to write ``path``'s content to; renamed at commit."""
        given = Path(path)
        target = check_output_file(given)
        if any(t == target for _, t, _ in self._pending):
            raise OutputError(given, "the same file is given for two outputs")
        _mkdirs(target.parent, given, self._created)
        tmp = _temp_beside(target, given)
        self._pending.append((tmp, target, given))
        return tmp

    def table(self, df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
        """Stage ``df`` as CSV or Parquet (by suffix) for ``path``."""
        given = Path(path)
        tmp = self.path(given)
        _write_frame(df, tmp, _final_target(given), given)
        return given

    def json(self, obj: Any, path: str | os.PathLike[str], *, indent: int | None = 2) -> Path:
        """Stage ``obj`` as strict JSON for ``path``."""
        text = dumps(obj, indent=indent)
        self.path(path).write_text(text, encoding="utf-8")
        return Path(path)

    def write(self, path: str | os.PathLike[str], writer: Callable[[Path], object]) -> Path:
        """Stage ``path`` by calling ``writer(temporary_path)``."""
        writer(self.path(path))
        return Path(path)

    def commit(self, *, hold: bool = False) -> list[Path]:
        """Rename every staged file over its target; returns the paths as given.

        With ``hold``, the previous files are kept aside so that :meth:`undo` can
        still put everything back (e.g. when a database commit that follows fails);
        call :meth:`release` once the whole command has succeeded.
        """
        backups: list[tuple[Path, Path | None]] = []
        done: list[tuple[Path, Path | None]] = []
        try:
            for _tmp, target, _given in self._pending:
                backup = None
                if target.is_file():
                    backup = target.with_name(f".{target.name}.{os.getpid()}.bak")
                    try:
                        os.link(target, backup)
                    except OSError:
                        backup = None
                backups.append((target, backup))
            for (tmp, target, given), entry in zip(self._pending, backups, strict=True):
                try:
                    os.replace(tmp, target)
                except OSError as exc:
                    raise OutputError(given, _describe(exc)) from None
                done.append(entry)
        except BaseException:
            for target, backup in reversed(done):
                with contextlib.suppress(OSError):
                    if backup is not None:
                        os.replace(backup, target)
                    else:
                        target.unlink()
            self.rollback()
            raise
        finally:
            if not hold or len(done) < len(self._pending):
                for _target, backup in backups:
                    if backup is not None:
                        with contextlib.suppress(OSError):
                            backup.unlink()
        self.written = [given for _, _, given in self._pending]
        self._held = done if hold else []
        self._pending = []
        if not hold:
            self._created = []
        return self.written

    def release(self) -> None:
        """Forget what :meth:`commit` with ``hold`` kept aside (the new files stay)."""
        for _target, backup in self._held:
            if backup is not None:
                with contextlib.suppress(OSError):
                    backup.unlink()
        self._held = []
        self._created = []

    def undo(self) -> None:
        """Put back the files a held commit replaced, remove those it created, roll back."""
        for target, backup in reversed(self._held):
            with contextlib.suppress(OSError):
                if backup is not None:
                    os.replace(backup, target)
                else:
                    target.unlink()
        self._held = []
        self.written = []
        self.rollback()

    def rollback(self) -> None:
        """Delete every staged file and the folders this transaction created."""
        for tmp, _, _ in self._pending:
            with contextlib.suppress(OSError):
                tmp.unlink()
        self._pending = []
        for folder in reversed(self._created):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if empty
        self._created = []
