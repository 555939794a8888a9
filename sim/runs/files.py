"""Atomic files and content digests: a result is either whole on disk or absent."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
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
