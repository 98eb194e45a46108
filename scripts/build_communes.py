"""Build portal/data/communes.tsv from the official administrative split (COG, INSEE),
as shipped by the npm package @etalab/decoupage-administratif (pinned in package.json).

    npm ci && .venv/bin/python scripts/build_communes.py

One line per commune (and per former commune now "déléguée" or "associée", so that
people typing "Brantôme" find Brantôme en Périgord): INSEE code, name, postcodes
(comma-separated), department code, population (0 when unknown). The file is committed:
the portal never downloads anything at run time.
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "node_modules/@etalab/decoupage-administratif/data"
TARGET = ROOT / "portal/data/communes.tsv"
DEPARTMENTS = ROOT / "portal/data/departements.tsv"


def main() -> int:
    if not SOURCE.is_dir():
        print(f"{SOURCE} is missing: run `npm ci` first.", file=sys.stderr)
        return 1
    communes = json.loads((SOURCE / "communes.json").read_text(encoding="utf-8"))
    current = {c["code"]: c for c in communes if c["type"] == "commune-actuelle"}
    rows = set()
    for commune in communes:
        parent = current.get(commune.get("chefLieu") or commune.get("commune") or commune["code"], commune)
        postcodes = commune.get("codesPostaux") or parent.get("codesPostaux") or []
        department = commune.get("departement") or parent.get("departement")
        if not postcodes or not department:
            continue
        rows.add(
            (
                commune["code"],
                commune["nom"],
                ",".join(sorted(postcodes)),
                department,
                str(commune.get("population") or 0),
            )
        )
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    lines = ["\t".join(row) for row in sorted(rows, key=lambda r: (r[0], r[1]))]
    TARGET.write_text("\n".join(lines) + "\n", encoding="utf-8")
    departments = json.loads((SOURCE / "departements.json").read_text(encoding="utf-8"))
    DEPARTMENTS.write_text(
        "\n".join(f"{d['code']}\t{d['nom']}" for d in sorted(departments, key=lambda d: d["code"])) + "\n",
        encoding="utf-8",
    )
    print(f"{len(lines)} communes, {len(departments)} departments")
    return 0


if __name__ == "__main__":
    sys.exit(main())
