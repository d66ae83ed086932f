"""What a reload looks at without opening a file, and the garbage collector paused while a catalog loads."""

from __future__ import annotations

import gc
import os
import stat as stat_module
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# A file modified this recently may change again within the file system's timestamp granularity without
# its mtime or size moving, so it is parsed again once it is older than this (git's "racy clean" rule).
RACY_NS = 2_000_000_000


Stamp = tuple[int, int, int, int, int, bool]
"""What a file looks like without opening it: file type, mtime, ctime, size, inode, and whether it is racy."""


def stamp(path: Path, *, now_ns: int | None = None) -> Stamp | None:
    """The file's stamp from `stat` alone, or None when it cannot be looked at.

    Nothing is opened, so a named pipe, a device or a `/proc/self/fd` link in a persona folder is
    looked at without being read. A file changed twice within the file system's timestamp
    granularity keeps its stamp, except for the racy flag: while the mtime is recent the flag is
    set, and it clears once the file is older than RACY_NS, so the file is parsed again then.
    """
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    racy = (now_ns if now_ns is not None else time.time_ns()) - st.st_mtime_ns < RACY_NS
    return (stat_module.S_IFMT(st.st_mode), st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, racy)


_pause_lock = threading.Lock()
_pausing = 0  # how many loads are running with the cyclic garbage collector paused


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a catalog loads, then resume it.

    A load makes hundreds of thousands of objects that live on and almost no garbage cycles, and the
    collector would walk the growing heap again and again: about a fifth of the time of loading
    1,000 personas. Reference counting still frees what the load drops. A collector that was off
    stays off; loads in several threads resume it when the last of them ends.

    On resuming, the objects made meanwhile are filed with the oldest generation at once (`gc.freeze`
    then `gc.unfreeze` does that without walking them): they live as long as the catalog, and the
    young collections would otherwise walk them all twice before concluding so (~80 ms at 1,000
    personas, in the first collection after the load). The oldest generation's full collections
    still look at them. A program that froze objects of its own keeps them frozen: then this is skipped.
    """
    global _pausing
    with _pause_lock:
        pause = _pausing > 0 or gc.isenabled()
        if pause:
            _pausing += 1
            gc.disable()
    try:
        yield
    finally:
        if pause:
            with _pause_lock:
                _pausing -= 1
                if _pausing == 0:
                    if gc.get_freeze_count() == 0:
                        gc.freeze()
                        gc.unfreeze()
                    gc.enable()
