"""The repositories the service holds, by their GitHub name ("owner/name").

The store keys a history by the path of the mirror it was ingested from
(`<data_dir>/mirrors/<owner>/<name>.git`); this module turns those paths back into names, so that
the web layer speaks in organisations and repositories and asks the access model about them.
"""

from __future__ import annotations

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


def name_of(mirrors: Path, root_path: str) -> str | None:
    """ "owner/name" of a stored root path under `mirrors`, or None for anything else (a store
    shared with CLI runs holds other histories; they are not the service's to show)."""
    base = mirrors.resolve()
    path = Path(root_path)
    try:
        relative = path.relative_to(base)
    except ValueError:
        return None
    parts = relative.parts
    if len(parts) != 2 or not parts[1].endswith(".git"):
        return None
    return f"{parts[0]}/{parts[1][: -len('.git')]}"


def catalog(engine: Engine, mirrors: Path) -> list[CatalogEntry]:
    """Every repository the service ingested, sorted by name (lower-cased comparison)."""
    with engine.connect() as conn:
        rows = conn.execute(select(Repository.id, Repository.root_path)).all()
    entries: dict[str, CatalogEntry] = {}
    for repository_id, root_path in rows:
        name = name_of(mirrors, root_path)
        if name is not None:
            entries.setdefault(name.lower(), CatalogEntry(name, int(repository_id)))
    return sorted(entries.values(), key=lambda e: e.full_name.lower())
