"""The repositories the service holds, by their GitHub name ("owner/name").

The store keys a history by the path of the mirror it was ingested from
(`<data_dir>/mirrors/<owner>/<name>.git`); this module turns those paths back into names, so that
the web layer speaks in organisations and repositories and asks the access model about them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select

from netgain.store.models import Repository


@dataclass(frozen=True)
class CatalogEntry:
    full_name: str  # owner/name, as the mirror directory spells it
    repository_id: int

    @property
    def org(self) -> str:
        return self.full_name.split("/", 1)[0]


def name_of(mirrors: Path, root_path: str, *, resolved: bool = False) -> str | None:
    """ "owner/name" of a stored root path under `mirrors`, or None for anything else (a store
    shared with CLI runs holds other histories; they are not the service's to show).
    `resolved`: `mirrors` is already resolved (a caller naming many paths resolves it once)."""
    base = mirrors if resolved else mirrors.resolve()
    # string operations, not PurePath.relative_to: the catalog names every stored repository on
    # every request, and the stored root paths are absolute and normalised already
    prefix = str(base).rstrip(os.sep) + os.sep
    if not root_path.startswith(prefix):
        return None
    parts = root_path[len(prefix) :].split(os.sep)  # noqa: PTH206 (see above)
    if len(parts) != 2 or not parts[0] or not parts[1].endswith(".git") or parts[1] == ".git":
        return None
    return f"{parts[0]}/{parts[1][: -len('.git')]}"


def catalog(engine: Engine, mirrors: Path) -> list[CatalogEntry]:
    """Every repository the service ingested, sorted by name (lower-cased comparison)."""
    with engine.connect() as conn:
        rows = conn.execute(select(Repository.id, Repository.root_path)).all()
    entries: dict[str, CatalogEntry] = {}
    base = mirrors.resolve()
    for repository_id, root_path in rows:
        name = name_of(base, root_path, resolved=True)
        if name is not None:
            entries.setdefault(name.lower(), CatalogEntry(name, int(repository_id)))
    return sorted(entries.values(), key=lambda e: e.full_name.lower())
