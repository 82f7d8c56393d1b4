"""Which errors the UI survives, and the one line it shows for each.

Domain errors carry their own message. A file that cannot be read or a database that
refuses (locked, unreachable) is reported too, so a long day's session never ends in
a traceback; anything else is a bug and is allowed to surface."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from exam_center.domain.errors import ExamCenterError

RECOVERABLE: tuple[type[Exception], ...] = (ExamCenterError, OSError, SQLAlchemyError)


def describe_error(exc: Exception) -> str:
    if isinstance(exc, ExamCenterError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"文件无法读取 file error: {exc}"
    cause = getattr(exc, "orig", None) or exc
    return f"数据库错误 database error: {cause}"
