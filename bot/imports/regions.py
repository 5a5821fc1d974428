"""Kepmendagri region lists: ``kode,nama,tingkat[,terakhir_ada_tahun]`` CSV files.

Codes are dotted in the file (``19.71`` kab/kota, ``19.71.01`` kecamatan, ``19.71.01.1004``
desa/kelurahan) and plain digits here (``1971``, ``197101``, ``1971011004``). A list ``X.csv``
may have a sibling ``X_historic.csv`` with retired regions and the last year they existed.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.errors import ConfigError, ImportFileError

#: The columns `read_city_areas` needs.
AREA_COLUMNS = ("kode", "nama", "tingkat")
#: tingkat → Area.level (and the length of the plain code).
_LEVELS = {"kecamatan": ("kecamatan", 6), "desa_kelurahan": ("kelurahan", 10)}


@dataclass(frozen=True, slots=True)
class AreaRow:
    """A kecamatan or kelurahan/desa, shaped like `storage.areas.Area`."""

    kode: str  # without dots: '197101' (kecamatan), '1971011006' (kelurahan)
    nama: str
    level: str  # 'kecamatan' | 'kelurahan'
    parent: str | None  # the kecamatan code of a kelurahan; None for a kecamatan


def region_files(regions: Path | Sequence[Path] | None) -> list[Path]:
    """The region lists to read: the given ones plus a ``*_historic`` sibling when present."""
    given = [regions] if isinstance(regions, Path) else list(regions or ())
    found: list[Path] = []
    for p in given:
        historic = p.with_name(f"{p.stem}_historic{p.suffix}")
        found += [p, historic] if historic.exists() and historic not in given else [p]
    return found


def load_regions(paths: Iterable[Path]) -> dict[str, int | None]:
    """Kecamatan codes as 6 digits → last year they existed (None: still current)."""
    known: dict[str, int | None] = {}
    for path in paths:
        for row in _region_rows(path, ()):
            if (row.get("tingkat") or "").strip() == "kecamatan":
                code = (row.get("kode") or "").strip().replace(".", "")
                last = (row.get("terakhir_ada_tahun") or "").strip()
                if known.get(code, 0) is not None:
                    known[code] = int(last) if last.isdigit() else None
    return known


def read_city_areas(path: Path, city: str) -> list[AreaRow]:
    """The current kecamatan and kelurahan/desa of kab/kota `city` ('19.71' or '1971').

    In file order (each kecamatan before its kelurahan); rows with a ``terakhir_ada_tahun``
    (retired regions) are left out. Raises ConfigError for a malformed `city`, and
    ImportFileError for a missing or unreadable file, missing columns, or a city with no
    kecamatan in the file.
    """
    prefix = city.strip().replace(".", "")
    if not (len(prefix) == 4 and prefix.isascii() and prefix.isdigit()):
        raise ConfigError(f"kab/kota code must look like 19.71, not {city!r}")
    if not path.is_file():
        raise ImportFileError(f"region list not found: {path}")
    areas: list[AreaRow] = []
    for row in _region_rows(path, AREA_COLUMNS):
        area = _area(row, prefix)
        if area is not None:
            areas.append(area)
    if not any(a.level == "kecamatan" for a in areas):
        raise ImportFileError(f"{path.name}: no kecamatan under kab/kota {city.strip()}")
    return areas


def _area(row: dict[str, str | None], prefix: str) -> AreaRow | None:
    """The row as an AreaRow when it is a current kecamatan or kelurahan under `prefix`."""
    level, length = _LEVELS.get((row.get("tingkat") or "").strip(), ("", 0))
    kode = (row.get("kode") or "").strip().replace(".", "")
    if not level or len(kode) != length or not kode.startswith(prefix):
        return None
    if (row.get("terakhir_ada_tahun") or "").strip():
        return None
    parent = kode[:6] if level == "kelurahan" else None
    return AreaRow(kode, (row.get("nama") or "").strip(), level, parent)


def _region_rows(path: Path, required: Sequence[str]) -> Iterator[dict[str, str | None]]:
    """The rows of a region list; ImportFileError when unreadable or `required` columns lack."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in required if c not in (reader.fieldnames or ())]
            if missing:
                raise ImportFileError(
                    f"{path.name}: the region list lacks columns {', '.join(missing)}"
                    f" (it needs {', '.join(required)})"
                )
            yield from reader
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ImportFileError(f"cannot read region list {path}: {exc}") from exc
