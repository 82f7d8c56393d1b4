"""scans.watch: files a scanner is still writing wait; whole files are handed out once."""

from __future__ import annotations

from pathlib import Path

from scans.watch import FolderWatch


class Clock:
    """The watch's notion of time, moved by the test (the files themselves are real)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _watch(folder: Path) -> tuple[FolderWatch, Clock]:
    clock = Clock()
    return FolderWatch([folder], settle_s=1.0, clock=clock), clock


def test_a_file_is_handed_out_once_it_has_settled(tmp_path: Path) -> None:
    watch, clock = _watch(tmp_path)
    (tmp_path / "page2.png").write_bytes(b"x" * 10)
    (tmp_path / "page10.png").write_bytes(b"y" * 10)
    assert watch.poll() == [] and watch.waiting == 2  # just seen: maybe still being written
    clock.now = 0.5
    assert watch.poll() == []
    clock.now = 1.2
    assert watch.poll() == [tmp_path / "page2.png", tmp_path / "page10.png"]  # natural order
    clock.now = 5.0
    assert watch.poll() == [] and watch.waiting == 0  # never twice


def test_a_growing_file_waits_until_it_stops_growing(tmp_path: Path) -> None:
    watch, clock = _watch(tmp_path)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.7 first half")
    watch.poll()
    for step in range(1, 4):  # the scanner keeps appending: never settled
        clock.now = step * 0.9
        with scan.open("ab") as handle:
            handle.write(b" more")
        assert watch.poll() == []
    clock.now = 3.0
    assert watch.poll() == []
    clock.now = 4.0
    assert watch.poll() == [scan]


def test_a_rewritten_file_comes_again_and_new_folders_are_seen(tmp_path: Path) -> None:
    watch, clock = _watch(tmp_path)
    first = tmp_path / "a.png"
    first.write_bytes(b"1")
    watch.poll()
    clock.now = 1.0
    assert watch.poll() == [first]
    first.write_bytes(b"22")  # scanned again over the same name
    (tmp_path / "room02").mkdir()
    (tmp_path / "room02" / "b.png").write_bytes(b"3")
    (tmp_path / ".partial.png").write_bytes(b"hidden: a scanner's temporary file")
    clock.now = 2.0
    watch.poll()
    clock.now = 3.0
    assert watch.poll() == [first, tmp_path / "room02" / "b.png"]


def test_a_file_that_vanishes_before_settling_is_forgotten(tmp_path: Path) -> None:
    watch, clock = _watch(tmp_path)
    temp = tmp_path / "scan.tmp.png"
    temp.write_bytes(b"x")
    watch.poll()
    temp.rename(tmp_path / "scan.png")  # the scanner renames its file when done
    clock.now = 1.0
    assert watch.poll() == [] and watch.waiting == 1
    clock.now = 2.0
    assert watch.poll() == [tmp_path / "scan.png"]


def test_a_fifo_and_a_device_link_are_handed_out_once_to_be_named(tmp_path: Path) -> None:
    # The watch only stats: a FIFO or a link to /dev/zero is handed out once, like any file,
    # and the batch names it as not a regular file (scans.ingest) instead of reading it.
    import os

    from scans.ingest import RejectedSource, RejectKind, iter_sources

    watch, clock = _watch(tmp_path)
    os.mkfifo(tmp_path / "pipe.png")
    (tmp_path / "zero.png").symlink_to("/dev/zero")
    assert watch.poll() == []
    clock.now = 1.5
    ready = watch.poll()
    assert ready == [tmp_path / "pipe.png", tmp_path / "zero.png"]
    clock.now = 9.0
    assert watch.poll() == []
    sources = list(iter_sources(ready))
    assert all(isinstance(s, RejectedSource) and s.kind is RejectKind.NOT_A_FILE for s in sources)
