"""`python -m bench.certificates` leaves nothing behind: its database and signing key go with its folder."""

from __future__ import annotations

import tempfile

import pytest

from bench import certificates


@pytest.mark.slow
def test_the_certificate_benchmark_removes_its_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    certificates.main(["-n", "1"])
    assert "issue certificate (render + sign + store)" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []
