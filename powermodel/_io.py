"""Atomic file writes: after an interruption there is the old file or the new one.

Every file powermodel writes goes through :func:`atomic_write`: the content is
written to a temporary file in the destination folder, flushed to disk, then
moved over the destination with :func:`os.replace` (atomic on POSIX and
Windows). Missing folders are created.
"""

import contextlib
import os
import re
import tempfile
from pathlib import Path

from .errors import InputError

__all__ = ["atomic_write", "write_text", "write_bytes", "read_regular", "NotRegularFile",
           "silence_fd", "make_folder", "remove_stale_temporaries"]

#: Temporary files: ``.NAME.pmPID.XXXXXXXX.tmp`` next to the destination ``NAME``;
#: PID is the writing process, so a file whose writer is dead is known to be stale.
_TMP = re.compile(r"^\.(?P<name>.+)\.pm(?P<pid>[0-9]+)\.[A-Za-z0-9_]+\.tmp$")


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError, ValueError):  # another user's process: alive
        return pid < 2**31
    return True


def remove_stale_temporaries(folder, name=None):
    """Remove this package's temporary files in ``folder`` whose writer is dead.

    A write killed by SIGKILL cannot remove its temporary file; the next run
    into the same folder does. ``name`` limits the sweep to the temporaries of
    one destination file name. Returns the number of files removed; errors are
    ignored (an unreadable folder is reported by the write itself).

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / ".a.csv.pm999999999.abcd1234.tmp").write_text("half")
    >>> remove_stale_temporaries(d), sorted(p.name for p in d.iterdir())
    (1, [])
    """
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for e in entries:
        m = _TMP.match(e.name)
        if not m or (name is not None and m.group("name") != name):
            continue
        pid = int(m.group("pid"))
        if pid == os.getpid() or _alive(pid):
            continue
        with contextlib.suppress(OSError):
            os.unlink(e.path)
            removed += 1
    return removed


def check_path_name(name, path, kind="file"):
    """Refuse, with an :class:`InputError` naming the argument, a ``path`` that is no
    file or folder name (None, bytes, a number, a blank string)."""
    if not isinstance(path, (str, os.PathLike)) or not str(path).strip():
        raise InputError(f"`{name}` must be a {kind} name, got {path!r}")


@contextlib.contextmanager
def atomic_write(path, mode="w", *, overwrite=True, encoding="utf-8"):
    """Open a temporary file that replaces ``path`` only when the block succeeds.

    Parameters
    ----------
    path : str or Path
        Destination.
    mode : {"w", "wb"}
        Text or binary.
    overwrite : bool
        If False and ``path`` exists, raise :class:`InputError`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_write(d / "sub" / "a.txt") as fh:
    ...     _ = fh.write("hello")
    >>> (d / "sub" / "a.txt").read_text()
    'hello'
    """
    check_path_name("path", path)
    path = Path(path)
    try:
        if not overwrite and path.exists():
            raise InputError(f"`{path}` exists; pass overwrite=True (--force) to replace it")
        if path.is_dir():
            raise InputError(f"`{path}` is a folder, expected a file name")
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(path.parent, path.name)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.pm{os.getpid()}.",
                                   suffix=".tmp")
    except OSError as exc:  # a name too long, a parent that is a file, no permission
        raise InputError(f"cannot write `{_short_path(path)}`: {_reason(path, exc)}") from None
    try:
        # mkstemp makes the file private (0600); give it the usual mode instead.
        umask = os.umask(0o022)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        kwargs = {} if "b" in mode else {"encoding": encoding, "newline": ""}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            try:  # a hard link never replaces a file that appeared meanwhile
                os.link(tmp, path)
            except FileExistsError:
                raise InputError(f"`{path}` exists; pass overwrite=True (--force) to "
                                 "replace it") from None
            except OSError:  # no hard links on this file system
                os.replace(tmp, path)
            else:
                os.unlink(tmp)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.errno in _ENVIRONMENT_ERRNOS:
            # a full disk, a quota, a read-only file system: the environment, not a bug
            raise InputError(f"cannot write `{_short_path(path)}`: "
                             f"{exc.strerror or exc}") from None
        raise


def _errnos(*names):
    import errno

    return frozenset(getattr(errno, n) for n in names if hasattr(errno, n))


#: Write errors that come from the environment (reported as bad input, exit 2).
_ENVIRONMENT_ERRNOS = _errnos("ENOSPC", "EDQUOT", "EROFS", "EACCES", "EPERM", "EFBIG")


def _short_path(path, limit=120):
    text = str(path)
    return text if len(text) <= limit else f"{text[:limit // 2]}...{text[-limit // 2:]}"


def _reason(path, exc):
    """Why ``path`` cannot be used: ``exc``'s reason, or the parent that is not a folder."""
    import errno

    if exc.errno in (errno.EEXIST, errno.ENOTDIR):  # mkdir over a file
        for parent in Path(path).parents:
            try:
                if parent.exists() and not parent.is_dir():
                    return f"`{_short_path(parent)}` is a file, not a folder"
            except OSError:
                break
    return exc.strerror or str(exc)


def make_folder(path, name):
    """Create the folder ``path`` (and its parents) or raise :class:`InputError` naming
    the argument ``name``: not a name, an existing file, a name too long, a parent
    that is a file, no permission."""
    check_path_name(name, path, "folder")
    path = Path(path)
    try:
        if path.exists() and not path.is_dir():
            raise InputError(f"`{name}` must be a folder, got the file {str(path)!r}")
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"`{name}` cannot be used as a folder ({_short_path(path)}): "
                         f"{_reason(path, exc)}") from None
    return path


def write_text(path, text, *, overwrite=True):
    """Write ``text`` to ``path`` atomically and return the path."""
    with atomic_write(path, "w", overwrite=overwrite) as fh:
        fh.write(text)
    return Path(path)


def write_bytes(path, data, *, overwrite=True):
    """Write ``data`` to ``path`` atomically and return the path."""
    with atomic_write(path, "wb", overwrite=overwrite) as fh:
        fh.write(data)
    return Path(path)


class NotRegularFile(InputError):
    """A path that is a folder, a FIFO, a device or a socket where a file was expected."""


def _kind(mode):
    import stat

    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_regular(path, limit):
    """The bytes of the regular file ``path``, at most ``limit + 1`` of them.

    A folder, FIFO, device (``/dev/zero``) or socket raises :class:`NotRegularFile`
    before anything is read (a FIFO would block, a device never ends); the file
    is opened non-blocking and checked again, so a swap between the check and
    the open cannot block either. The caller compares the length with ``limit``.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "a.toml"
    >>> _ = f.write_bytes(b"0123456789")
    >>> read_regular(f, 4)
    b'01234'
    >>> read_regular("/dev/zero", 4)
    Traceback (most recent call last):
    ...
    powermodel._io.NotRegularFile: `/dev/zero` is a device, not a regular file
    """
    import stat

    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(f"`{path}` is {_kind(st.st_mode)}, not a regular file")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            mode = os.fstat(fh.fileno()).st_mode
            if not stat.S_ISREG(mode):
                raise NotRegularFile(f"`{path}` is {_kind(mode)}, not a regular file")
            return fh.read(limit + 1)
    except OSError as exc:
        raise InputError(f"cannot read `{path}`: {exc.strerror or exc}") from None


def silence_fd(fd):
    """Point file descriptor ``fd`` at the null device (after a broken pipe on stdout,
    so that the interpreter's final flush cannot fail again). Errors are ignored."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except (OSError, ValueError):
        pass
