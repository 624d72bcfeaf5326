"""``python -m tfscout.procs.sandbox COMMAND ...``: run COMMAND with no network, where the platform allows.

Defence in depth, not the gate (``tfscout.inspector.safety`` refuses on its own): the TensorFlow and
tf2onnx children start here, move into a network namespace of their own (an empty one: not even the
loopback is up), say on stderr how that went (one line marked ``SANDBOX_MARK``, which
:func:`tfscout.procs.run_command` takes out of the log), then become COMMAND. ``unshare`` needs a
single-threaded process, which this one is (nothing has started a thread yet). Kept apart from the
package's modules so that running it as ``__main__`` does not import it twice.

root gets a network namespace alone (a user namespace would cost it its access to other users'
files); anyone else gets a user namespace too, with their own uid and gid mapped, which Linux allows
without privileges unless the system forbids it. Where neither works (another platform, a container
that blocks ``unshare``, user namespaces turned off) COMMAND runs with the network shared, and the
line says so. COMMAND finds the same words in the environment variable ``SANDBOX_ENV``.
"""

from __future__ import annotations

import ctypes
import os
import sys

from tfscout.procs.children import SANDBOX_ENV, SANDBOX_MARK, first_to_go

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


def _unshare(flags: int) -> int:
    """0, or the errno of ``unshare(flags)``."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return 0 if libc.unshare(flags) == 0 else ctypes.get_errno()
    except (OSError, AttributeError):  # no libc unshare: not Linux
        return -1


def _map_own_ids(uid: int, gid: int) -> None:
    """Keep the same uid and gid inside the new user namespace (files stay ours)."""
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        try:
            with open(f"/proc/self/{name}", "w") as fh:
                fh.write(text)
        except OSError:
            return


def leave_network() -> str:
    """Move this process into a new, empty network namespace; how it went, in words."""
    uid, gid = os.getuid(), os.getgid()
    order = [CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET] if os.geteuid() == 0 else [CLONE_NEWUSER | CLONE_NEWNET]
    first = 0
    for flags in order:
        error = _unshare(flags)
        if error == 0:
            if flags & CLONE_NEWUSER:
                _map_own_ids(uid, gid)
                return "no network (a user and network namespace of its own)"
            return "no network (a network namespace of its own)"
        first = first or error
    if first < 0:
        return "network shared (this platform has no network namespaces)"
    return f"network shared (unshare was refused: {os.strerror(first)})"


def main(argv: list[str]) -> int:
    if not argv:
        sys.stderr.write("usage: python -m tfscout.procs.sandbox COMMAND [ARG ...]\n")
        return 2
    first_to_go()
    outcome = leave_network()
    os.environ[SANDBOX_ENV] = outcome
    sys.stderr.write(f"{SANDBOX_MARK} {outcome}\n")
    sys.stderr.flush()
    os.execvp(argv[0], argv)
    return 127  # not reached: execvp raises OSError when it fails


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
