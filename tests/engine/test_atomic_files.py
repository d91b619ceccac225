"""Checkpoint files appear whole or not at all; --resume finds the newest complete one."""
import os

import pytest
import torch
from mmengine.fileio import get_file_backend

from harmony.engine import atomic_files
from harmony.engine.atomic_files import find_resume_checkpoint


def _save(path, value):
    torch.save({'state_dict': {'w': torch.tensor([value])}}, path)


def test_mmengine_local_writes_are_atomic(tmp_path, monkeypatch):
    target = tmp_path / 'iter_2.pth'
    backend = get_file_backend(str(target))
    backend.put(b'old', str(target))

    def fail(descriptor):
        raise OSError('disk full')
    monkeypatch.setattr(atomic_files.os, 'fsync', fail)
    with pytest.raises(OSError, match='disk full'):
        backend.put(b'new and longer', str(target))
    assert target.read_bytes() == b'old' and os.listdir(tmp_path) == ['iter_2.pth']  # no leftover either
    monkeypatch.undo()
    backend.put_text('text', str(tmp_path / 'last_checkpoint'))
    assert (tmp_path / 'last_checkpoint').read_text() == 'text'


def test_resume_takes_the_newest_complete_checkpoint(tmp_path):
    assert find_resume_checkpoint(tmp_path) is None
    _save(tmp_path / 'iter_2.pth', 2.0)
    _save(tmp_path / 'iter_4.pth', 4.0)
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'iter_4.pth'))
    assert find_resume_checkpoint(tmp_path) == str(tmp_path / 'iter_4.pth')

    data = (tmp_path / 'iter_4.pth').read_bytes()  # a copy truncated by some other tool
    (tmp_path / 'iter_4.pth').write_bytes(data[:len(data) // 2])
    (tmp_path / '.iter_6.pth.abc.partial').write_bytes(data[:10])
    assert find_resume_checkpoint(tmp_path) == str(tmp_path / 'iter_2.pth')
    assert not (tmp_path / '.iter_6.pth.abc.partial').exists()

    (tmp_path / 'last_checkpoint').write_text('')  # a record cut while being written
    assert find_resume_checkpoint(tmp_path) == str(tmp_path / 'iter_2.pth')
