import pytest
import torch
from mmengine.runner.checkpoint import CheckpointLoader

import harmony  # noqa: F401  installs the loader
from harmony.engine.checkpoint_loading import UntrustedCheckpointError, trust_checkpoint


def test_tensor_checkpoint_loads_safely(tmp_path):
    path = tmp_path / 'weights.pth'
    torch.save({'state_dict': {'w': torch.ones(2)}}, path)
    assert CheckpointLoader.load_checkpoint(str(path))['state_dict']['w'].sum() == 2


def _full_checkpoint(path):
    """Like mmengine's training checkpoints: message_hub pickles HistoryBuffer objects (weights_only refuses)."""
    from mmengine.logging import HistoryBuffer
    buffer = HistoryBuffer()
    buffer.update(2.0)
    torch.save({'message_hub': {'log_scalars': {'train/loss': buffer}}, 'state_dict': {}}, path)
    with pytest.raises(Exception, match='Weights only load failed'):
        torch.load(path, weights_only=True)
    return str(path)


def test_full_checkpoint_is_unpickled_only_when_named_as_trusted(tmp_path, monkeypatch):
    path = _full_checkpoint(tmp_path / 'full.pth')
    with pytest.raises(UntrustedCheckpointError, match='full training checkpoint.*HARMONY_TRUST_CHECKPOINTS=1'):
        CheckpointLoader.load_checkpoint(path)  # e.g. a config's load_from or init_cfg
    trust_checkpoint(str(tmp_path / '.' / 'full.pth'))  # as a tool does with its command line's path
    assert CheckpointLoader.load_checkpoint(path)['message_hub']['log_scalars']['train/loss'].current() == 2.0

    other = _full_checkpoint(tmp_path / 'other.pth')
    monkeypatch.setenv('HARMONY_TRUST_CHECKPOINTS', '1')
    assert CheckpointLoader.load_checkpoint(other)['state_dict'] == {}


def test_missing_checkpoint_names_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        CheckpointLoader.load_checkpoint(str(tmp_path / 'nope.pth'))
