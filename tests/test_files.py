"""Atomic writes and answer files: nothing half-written, one clear line on failure."""

from __future__ import annotations

import os
import signal

import pytest

from advisor.errors import BadInput
from advisor.files import read_mapping, write_output


def test_write_output_replaces_and_leaves_no_temp(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    write_output(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"
    target.write_text("old")

    def full(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(BadInput, match="No space left on device"):
        write_output(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


@pytest.mark.skipif(not hasattr(signal, "SIGINT") or os.name == "nt", reason="POSIX signals")
def test_ctrl_c_just_after_the_temporary_file_is_created_leaves_no_temp(tmp_path, monkeypatch):
    """The window CI once hit: SIGTERM (here SIGINT) landing just after the temporary file is
    created, before the statement that created it has finished."""
    target = tmp_path / "out.txt"
    target.write_text("old")
    real_open = os.open

    def open_then_interrupted(*a, **k):
        made = real_open(*a, **k)
        os.kill(os.getpid(), signal.SIGINT)  # lands before the caller gets the descriptor
        return made

    monkeypatch.setattr(os, "open", open_then_interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_output(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_missing_folder_and_folder_as_path(tmp_path):
    with pytest.raises(BadInput, match="does not exist"):
        write_output(tmp_path / "nope" / "x.txt", "x")
    with pytest.raises(BadInput, match="is a folder"):
        write_output(tmp_path, "x")


def test_read_mapping_yaml_json_and_errors(tmp_path):
    (tmp_path / "a.yaml").write_text("target: mobile\n")
    (tmp_path / "a.json").write_text('{"target": "browser"}')
    assert read_mapping(tmp_path / "a.yaml") == {"target": "mobile"}
    assert read_mapping(tmp_path / "a.json") == {"target": "browser"}
    (tmp_path / "empty.yaml").write_text("")
    assert read_mapping(tmp_path / "empty.yaml") == {}
    (tmp_path / "bin.yaml").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(BadInput, match="not UTF-8"):
        read_mapping(tmp_path / "bin.yaml")
    with pytest.raises(BadInput, match="is a folder"):
        read_mapping(tmp_path)
