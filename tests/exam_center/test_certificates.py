"""Certificates from the CLI: refused before finalising; then one page per individual
award (no nominations) and per team award, and a register listing every serial."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium

from exam_center.io.reports.certificates import Certificate, write_certificate_register
from exam_center.services.workspace import Workspace
from tests.cli_accounts import as_second_officer, cli_env
from tests.exam_center.graded_exam import graded_exam


def cli(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exam_center", "--workspace", str(ws), *args],
        capture_output=True,
        text=True,
        env=cli_env(ws, columns="200"),
    )


def pages(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def test_certificates_are_printed_from_final_results_only(
    tmp_path: Path,
    make_workspace,  # type: ignore[no-untyped-def]
) -> None:
    ws: Workspace = make_workspace(folder=tmp_path / "ws")
    graded_exam(ws, tmp_path)
    ws.close()
    out = tmp_path / "certs"
    early = cli(ws.path, "print", "certificates", "--out", str(out))
    assert early.returncode == 1 and "定稿" in early.stderr and not out.exists()
    asked = cli(ws.path, "finalise")
    assert asked.returncode == 0 and "双人复核" in asked.stdout  # one officer asks
    assert as_second_officer(ws.path, "finalise").returncode == 0  # a second one signs
    done = cli(ws.path, "print", "certificates", "--out", str(out))
    assert done.returncode == 0, done.stderr
    people = pages(out / "证书-个人.pdf")
    teams = pages(out / "证书-团体.pdf")
    register = "".join(pages(out / "证书发放登记表.pdf"))
    # 10 江苏省人社知识通 + 2 技术能手 + 3 五一创新能手; the 五一劳动奖章 is a nomination.
    assert len(people) == 15 and len(teams) == 10
    assert all("荣" in p and "江苏省总工会" in p and "证书编号" in p for p in people + teams)
    assert not any("五一劳动奖章" in p for p in people)
    for serial in range(1, 26):
        assert f"JS2022-{serial:03d}" in register
    assert "领取人签名" in register and "未定稿" not in register


def test_a_long_register_keeps_its_title_and_its_signatures_with_its_last_rows(
    tmp_path: Path,
) -> None:
    for n in range(20, 60, 3):
        certs = [
            Certificate(f"JS2022-{i:03d}", "个人", f"考生{i:02d}", "某局", "江苏省人社知识通")
            for i in range(1, n + 1)
        ]
        path = write_certificate_register(
            tmp_path / f"r{n}.pdf", certs, title="测试考试", issued=date(2022, 8, 1), digest="ab"
        )
        texts = [t.replace("\n", "") for t in pages(path)]
        assert "经办人" in texts[-1] and f"JS2022-{n:03d}" in texts[-1], n
        for number, text in enumerate(texts[1:], start=2):
            assert "测试考试 证书发放登记表（续）" in text and f"第 {number} 页" in text
