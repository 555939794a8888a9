"""Atomic files and content digests: a result is either whole on disk or absent."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary file in the same directory, then rename: whole or absent."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_json(path: Path, data: Any) -> None:
    """JSON, atomically (values JSON cannot hold are written as strings)."""
    text = json.dumps(data, indent=1, default=str, sort_keys=False) + "\n"
    atomic_write(path, lambda p: p.write_text(text))


def digest(data: Any, length: int = 16) -> str:
    """A short stable hash of JSON-able data (keys of shards, ids of configs)."""
    text = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def file_digest(path: str | os.PathLike[str]) -> str:
    """A short hash of a file's bytes (a design table's identity)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def check_writable(directory: str | os.PathLike[str], key: str, names: Sequence[str] = ()) -> None:
    """ConfigError (naming `key`, e.g. hydra.run.dir) unless results can be written there.

    Checked before the first run, without creating anything: the folder (or the nearest folder
    above it that exists) must be a folder this process can create files in, and none of the
    output `names` inside it may be a folder. A real temporary file is created and removed,
    because permission bits do not tell (root ignores them; /proc and read-only mounts refuse).
    """
    from sim.core.config import ConfigError

    path = Path(directory).expanduser().absolute()
    existing = path
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    where = f"{path}" if existing == path else f"{path} (its nearest existing folder {existing})"
    if not existing.is_dir():
        raise ConfigError(key, str(path), f"a folder; {existing} is a file")
    for name in names:
        target = path / name
        if target.is_dir():
            raise ConfigError(key, str(path), f"a folder whose {name} is a file, not a folder")
    try:
        handle, probe = tempfile.mkstemp(prefix=".govsim-probe-", dir=existing)
        os.close(handle)
        os.unlink(probe)
    except OSError as err:
        raise ConfigError(
            key, str(path), f"a folder this user can write in ({where}: {err.strerror})"
        ) from None
