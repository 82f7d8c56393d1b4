"""What the results screen writes out: the export (XLSX, CSV, PDF award lists, marked
未定稿 until final) and, from the locked results only, the certificates. A part of
`ResultsScreen`, kept apart so that each module stays small."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from exam_center.services import certificates as certificates_service
from exam_center.services import exporting
from exam_center.tui.context import Permission
from exam_center.tui.screens.base import ExamScreen
from exam_center.tui.screens.results_scene import ResultsScene

EXPORT_FILE = "results.xlsx"  # in exports/, where `demo` writes it too


class ResultsOutputs(ExamScreen):
    scene: ResultsScene | None

    # -- exporting and certificates ---------------------------------------------------------

    def action_export(self) -> None:
        if self.scene is None or not self.allowed(Permission.EXPORT):
            return
        workspace = self.context.workspace

        def export(s: Session) -> tuple[str, list[Path]]:
            out = workspace.folder("exports") / EXPORT_FILE
            done = exporting.export_results(out, session=s)
            state = "已定稿 final" if done.final else "未定稿，勿发布 not final, do not publish"
            return state, done.files()

        self.run_with_progress(
            export, self._written, what="正在导出… exporting the results", group="export"
        )

    def action_certificates(self) -> None:
        if self.scene is None or not self.allowed(Permission.CERTIFICATES):
            return
        workspace = self.context.workspace

        def certificates(s: Session) -> tuple[str, list[Path]]:
            out = workspace.folder("print") / "certificates"
            done = certificates_service.print_certificates(out, session=s)
            return f"{done.count} 份证书 certificates", done.files()

        self.run_with_progress(
            certificates,
            self._written,
            what="正在生成证书… writing the certificates",
            group="certificates",
        )

    def _written(self, done: tuple[str, list[Path]]) -> None:
        state, paths = done
        where = paths[0].parent if paths else ""
        names = "、".join(p.name for p in paths)
        self.notify(f"{state}\n{names}\n→ {where}", title="已写出 Written", timeout=10)
