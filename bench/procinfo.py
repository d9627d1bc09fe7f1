"""Find the server's processes by the port they listen on, and read their memory from /proc.

gunicorn's master and its workers all hold the listening socket, so "who has a socket
listening on this port" finds exactly the server, whatever its command line looks like.
"""

from __future__ import annotations

import os
from pathlib import Path

PROC = Path("/proc")


def listening_inodes(port: int) -> set[str]:
    """Socket inodes listening on `port` (IPv4 and IPv6)."""
    inodes: set[str] = set()
    for table in ("net/tcp", "net/tcp6"):
        path = PROC / table
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            cols = line.split()
            local, state, inode = cols[1], cols[3], cols[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                inodes.add(inode)
    return inodes


def server_pids(port: int) -> list[int]:
    """Processes (other than this one) holding a socket that listens on `port`."""
    targets = {f"socket:[{inode}]" for inode in listening_inodes(port)}
    pids: list[int] = []
    if not targets:
        return pids
    for entry in PROC.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            for fd in (entry / "fd").iterdir():
                if os.readlink(fd) in targets:
                    pids.append(int(entry.name))
                    break
        except OSError:
            continue  # gone, or not ours to read
    return sorted(pids)


def _status(pid: int) -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            key, _, value = line.partition(":")
            out[key] = value.strip()
    except OSError:
        pass
    return out


def server_memory(pids: list[int]) -> dict[str, dict[str, object]]:
    """RSS and peak RSS (MB) per pid; a pid whose parent is also listed is a worker."""
    statuses = {pid: _status(pid) for pid in pids}
    out: dict[str, dict[str, object]] = {}
    for pid, st in statuses.items():
        if not st:
            continue
        out[str(pid)] = {
            "rss_mb": round(int(st.get("VmRSS", "0 kB").split()[0]) / 1024, 1),
            "peak_rss_mb": round(int(st.get("VmHWM", "0 kB").split()[0]) / 1024, 1),
            "worker": int(st.get("PPid", "0")) in statuses or len(pids) == 1,
        }
    return out


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds each process has used so far (missing ones are left out)."""
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[int, float] = {}
    for pid in pids:
        try:
            fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return out


def pids_with_cmdline(fragment: str) -> list[int]:
    """Processes whose command line contains `fragment`, e.g. PostgreSQL backends of one
    database, whose process title names it."""
    pids: list[int] = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(
                "utf-8", "replace")
        except OSError:
            continue
        if fragment in cmdline:
            pids.append(int(entry.name))
    return sorted(pids)


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two samples by the processes present in both or born since."""
    return sum(t - before.get(pid, 0.0) for pid, t in after.items())
