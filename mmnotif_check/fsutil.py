"""Writing output files: a crash never leaves a half-written file that a later run trusts.

:func:`atomic_write_text` is the one way the checker writes a file (``--trace-out``, ``-o``,
``--junit``, ``--sarif``, ``--markdown``, the gate's cache):

- a regular file (or a path that does not exist yet) is written to a temporary file beside
  it, flushed to disk and renamed over it: a reader sees the old file or the new one, never
  a mixture; when the write fails (a full disk, a file-size limit), the old file is left
  as it was and the temporary file is removed;
- a character device or a FIFO (``/dev/null``, ``/dev/stdout``, a pipe) is written
  through: it is never replaced by a regular file;
- a symbolic link is followed: the file it points to is replaced atomically and the link
  is kept;
- anything else (a directory, a socket, a block device) is refused.

Every failure is an :class:`OutputError` whose message says why in words
(``'build' is not a directory``, ``No space left on device``); the command line reports it
as ``<command line>:1:1: error: --trace-out FILE: cannot write it: ...`` (exit 2).
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path


class OutputError(OSError):
    """An output file cannot be written; ``str()`` is the reason, in words."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


def _make_parent(parent: Path, shown: str) -> None:
    """Create the missing directories above an output file (a file in the way is an error)."""
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        # some component is not a directory: name the first one
        p = Path()
        for part in parent.parts:
            p = p / part
            if p.exists() and not p.is_dir():
                raise OutputError(shown, f"'{p}' is not a directory") from None
        raise OutputError(shown, f"'{parent}' is not a directory") from None
    except OSError as exc:
        raise OutputError(shown, f"cannot create the directory '{parent}': {_reason(exc)}") from None


def _write_through(path: str, text: str, fifo: bool, append: bool = False) -> None:
    """Write to a character device or a FIFO in place (never replace it)."""
    flags = os.O_WRONLY | (os.O_NONBLOCK if fifo else 0) | (os.O_APPEND if append else 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if fifo and exc.errno == errno.ENXIO:
            raise OutputError(path, "it is a FIFO that no process is reading") from None
        raise OutputError(path, _reason(exc)) from None
    try:
        if fifo:
            os.set_blocking(fd, True)
        data = text.encode("utf-8")
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
    except OSError as exc:
        raise OutputError(path, _reason(exc)) from None
    finally:
        os.close(fd)


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` as the module docstring says; raises
    :class:`OutputError`."""
    shown = str(path)
    target = Path(path)
    try:
        st = os.stat(target)  # follows a symbolic link
    except FileNotFoundError:
        st = None
    except NotADirectoryError:
        st = None  # a component is a regular file: reported below
    except OSError as exc:
        raise OutputError(shown, _reason(exc)) from None
    if st is not None:
        if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
            _write_through(shown, text, stat.S_ISFIFO(st.st_mode))
            return
        if stat.S_ISREG(st.st_mode) and shown.startswith(("/dev/", "/proc/")):
            # /dev/stdout (or /proc/self/fd/1) redirected to a file: append to that open
            # file as the shell set it up, rather than replace it under the shell's feet
            _write_through(shown, text, False, append=True)
            return
        if stat.S_ISDIR(st.st_mode):
            raise OutputError(shown, "it is a directory")
        if not stat.S_ISREG(st.st_mode):
            what = "a socket" if stat.S_ISSOCK(st.st_mode) else "a block device" if stat.S_ISBLK(st.st_mode) else "a special file"
            raise OutputError(shown, f"it is {what}, not a regular file")
    if target.is_symlink():
        # replace the file the link points to (a dangling link: create its target)
        target = Path(os.path.realpath(target))
    _make_parent(target.parent, shown)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(shown, _reason(exc)) from None
    try:
        umask = os.umask(0)
        os.umask(umask)
        mode = stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~umask  # keep an existing file's mode
        os.fchmod(fd, mode)  # mkstemp makes 0600
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(shown, _reason(exc)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
