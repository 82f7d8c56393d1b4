"""Autogenerates the next Alembic migration from the SQLModel tables.

Usage: .venv/bin/python scripts/new-migration.py "what changed"
Builds a scratch SQLite database at the current head, then compares it with models.py.
"""

import sys
import tempfile
from pathlib import Path

from alembic import command

from exam_center.db.engine import alembic_config, make_engine, upgrade

with tempfile.TemporaryDirectory() as tmp:
    engine = make_engine(f"sqlite:///{Path(tmp) / 'scratch.db'}")
    upgrade(engine)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        versions = Path(cfg.get_main_option("script_location")) / "versions"
        number = len(list(versions.glob("[0-9][0-9][0-9][0-9]_*.py"))) + 1
        slug = "_".join(sys.argv[1].split(":")[0].split())[:40]
        command.revision(cfg, message=sys.argv[1], autogenerate=True, rev_id=f"{number:04d}")
        for made in versions.glob(f"{number:04d}_*.py"):
            made.rename(versions / f"{number:04d}_{slug}.py")
