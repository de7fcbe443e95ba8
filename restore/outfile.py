"""Writing an output file without harming what the name already stands for.

A regular file is replaced atomically (a temporary file beside it, then a rename), so that readers never
see half a file. The rename must not destroy what the user pointed at, though:

* a symbolic link is followed: the file it points to is replaced and the link stays;
* a FIFO, a character device or a socket (``/dev/null``, ``/dev/stdout``, a named pipe) is written to
  directly: renaming over it would replace the device node or pipe with a plain file;
* any name under ``/dev/`` or ``/proc/`` is also written directly: ``/dev/stdout`` may lead to a regular
  file that the shell has opened, and replacing that file would send the output to a deleted inode;
* the replacement keeps the permission bits (and, where allowed, the owner) of the file it replaces,
  and a new file gets the usual ``0666`` minus the umask, as ``open()`` would give it.
"""

from __future__ import annotations

import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


def is_special(path: str | os.PathLike) -> bool:
    """True when ``path`` must be streamed to rather than replaced (device, FIFO, socket, /dev or /proc)."""
    absolute = os.path.abspath(path)
    if absolute.startswith(("/dev/", "/proc/")):
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def real_target(path: str | os.PathLike) -> Path:
    """The file a write to ``path`` must replace: symbolic links followed (also a dangling one)."""
    return Path(os.path.realpath(path))


def open_special(path: str | os.PathLike):
    """Open a device, FIFO or /dev name for writing. Appending, never truncating: with ``> file`` the
    shell has already emptied the file behind /dev/stdout, and with ``>>`` earlier content must stay."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    return os.fdopen(fd, "wb")


def _umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # no /proc: read it the only other way there is (not thread-safe, briefly)
    os.umask(mask)
    return mask


def replace_into(tmp: str | os.PathLike, target: str | os.PathLike) -> None:
    """Rename ``tmp`` over ``target``, giving it the mode of the file it replaces (or the umask's)."""
    try:
        st = os.stat(target)
    except FileNotFoundError:
        os.chmod(tmp, 0o666 & ~_umask())
    else:
        try:
            os.chown(tmp, st.st_uid, st.st_gid)
        except OSError:  # not ours to give away: the file simply becomes the writer's
            pass
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
    os.replace(tmp, target)


@contextmanager
def writing(path: str | os.PathLike) -> Iterator:
    """A binary file to write ``path`` through: a temporary file renamed into place when the block ends
    without an error (discarded otherwise), or the device or pipe itself (see the module notes)."""
    if is_special(path):
        with open_special(path) as f:
            yield f
        return
    target = real_target(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
        replace_into(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path``: atomically for a regular file (see the module notes), directly otherwise."""
    with writing(path) as f:
        f.write(data)
