"""The schema is carried by migrations: an older workspace opens and keeps its data,
a newer one is refused, and the migrations match the models."""

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from exam_center.db.engine import current_revision, make_engine, open_database, schema_head, upgrade
from exam_center.domain.errors import SchemaTooNew
from exam_center.services import exams, registration
from exam_center.services.workspace import Workspace
from tests.conftest import EXAMPLE_TOML


@pytest.mark.postgres
def test_migrations_build_exactly_the_models(db_url: str) -> None:
    engine = open_database(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    engine.dispose()
    assert diff == [], "models.py changed without a migration: run scripts/new-migration.py"


def test_an_older_database_is_upgraded_and_keeps_its_data(tmp_path: Path, make_workspace) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    upgrade(engine, "0001")  # the first released schema
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO exam (code, title, exam_date, venue, eligibility_date,"
                " admission_prefix, definition_toml, policy, secret_hex, created_at)"
                " VALUES ('OLD1', '旧考试', '2021-07-01', '南京', '2021-07-01', '2107', :toml,"
                " '{}', 'ab', '2021-06-01 00:00:00')"
            ),
            {"toml": EXAMPLE_TOML.read_text(encoding="utf-8")},
        )
    engine.dispose()
    ws: Workspace = make_workspace(url)
    with ws.session() as s:
        assert exams.current_exam(s).code == "OLD1"
        assert registration.count_candidates(session=s) == 0
    assert current_revision(ws.engine) == schema_head()


def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(SchemaTooNew, match="newer version"):
        open_database(url)
