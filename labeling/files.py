"""Reading the user's files: regular files only, never more than a cap.

A content file or an artifact that is a FIFO would block the read forever, a device (a symlink to /dev/zero)
would fill memory, a file that grew past its size on disk (or one in /proc, which reports none) would be read
whole. Every path a user names is checked to be a regular file first and read with a cap; what is not becomes a
clear error for the caller to report (exit 2), never a hang.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class NotReadable(Exception):
    """The path is not a regular file, or is larger than the cap; the message says which."""


def read_regular(path: str | Path, limit: int) -> bytes:
    """The bytes of ``path`` (symlinks followed) if it is a regular file of at most ``limit`` bytes."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise NotReadable("no such file") from None
    except PermissionError:
        raise NotReadable("permission denied") from None
    except OSError as error:
        raise NotReadable(f"cannot read ({error.strerror or error})") from None
    if stat.S_ISDIR(info.st_mode):
        raise NotReadable("is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        kind = (
            "a FIFO"
            if stat.S_ISFIFO(info.st_mode)
            else "a device"
            if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
            else "a socket or special file"
        )
        raise NotReadable(f"is {kind}, not a regular file")
    if info.st_size > limit:
        raise NotReadable(f"is {info.st_size:,} bytes; at most {limit:,} bytes are read")
    try:
        # O_NONBLOCK: if the path was swapped for a FIFO since the check, opening it does not wait for a writer.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise NotReadable("is not a regular file")
            data = handle.read(limit + 1)
    except PermissionError:
        raise NotReadable("permission denied") from None
    except OSError as error:
        raise NotReadable(f"cannot read ({error.strerror or error})") from None
    if len(data) > limit:
        raise NotReadable(f"is larger than {limit:,} bytes")
    return data
