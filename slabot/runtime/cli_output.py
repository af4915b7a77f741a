"""Where a command-line job's document goes: standard output for "-", else a file, saying which it wrote."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO


def write_output(text: str, target: str, out: TextIO, err: TextIO) -> int:
    """Write `text` to `target` ("-" is standard output); the exit code: 0, or 2 when the file cannot be written."""
    if target == "-":
        out.write(text)
        return 0
    try:
        Path(target).write_text(text, encoding="utf-8")
    except OSError as error:
        print(f"slabot: cannot write {target}: {error.strerror or error}", file=err)
        return 2
    print(f"wrote {target}", file=out)
    return 0
