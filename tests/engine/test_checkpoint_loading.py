import pytest
import torch
from mmengine.runner.checkpoint import CheckpointLoader

import harmony  # noqa: F401  installs the loader


def test_tensor_checkpoint_loads_safely(tmp_path):
    path = tmp_path / 'weights.pth'
    torch.save({'state_dict': {'w': torch.ones(2)}}, path)
    assert CheckpointLoader.load_checkpoint(str(path))['state_dict']['w'].sum() == 2


def test_training_checkpoint_with_python_objects_loads_as_trusted(tmp_path):
    # mmengine's message_hub pickles HistoryBuffer objects, which torch's weights_only loader refuses.
    from mmengine.logging import HistoryBuffer
    path = tmp_path / 'full.pth'
    buffer = HistoryBuffer()
    buffer.update(2.0)
    torch.save({'message_hub': {'log_scalars': {'train/loss': buffer}}, 'state_dict': {}}, path)
    with pytest.raises(Exception, match='Weights only load failed'):
        torch.load(path, weights_only=True)
    loaded = CheckpointLoader.load_checkpoint(str(path))
    assert loaded['message_hub']['log_scalars']['train/loss'].current() == 2.0


def test_missing_checkpoint_names_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        CheckpointLoader.load_checkpoint(str(tmp_path / 'nope.pth'))
