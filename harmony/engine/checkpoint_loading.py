"""Local checkpoint loading: tensors only, unless the user named the file as one to trust.

Exported backbones (safetensors, or tensor-only ``.pth``) load with ``weights_only=True``. Full training
checkpoints are pickles (mmengine stores ``HistoryBuffer`` and numpy objects in ``message_hub``; allow-listing
those types does not work with mmengine 0.10.7), and unpickling runs code stored in the file. So a file that is
more than tensors is unpickled only when it was named on a tool's command line (`trust_checkpoint`: tools/train.py
--resume, tools/test.py, tools/export_backbone.py, tools/probe.py, the picture tools) or when
``HARMONY_TRUST_CHECKPOINTS=1`` is set; a path that reaches the loader only through a config (``load_from``, an
``init_cfg`` checkpoint) must hold tensors only. Use it with files you trust (your own runs).
"""
import os
import os.path as osp
import pickle

import torch
from mmengine.logging import print_log
from mmengine.runner.checkpoint import CheckpointLoader

TRUST_ENV = 'HARMONY_TRUST_CHECKPOINTS'
_trusted = set()


class UntrustedCheckpointError(pickle.UnpicklingError):
    """A full (pickled) checkpoint reached the loader without being named as trusted."""


def trust_checkpoint(path):
    """Allow unpickling `path` in full (a checkpoint the user named on a command line); returns `path`."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'checkpoint {path} does not exist')
    _trusted.add(osp.realpath(path))
    return path


@CheckpointLoader.register_scheme(prefixes='', force=True)
def load_local_checkpoint(filename, map_location=None):
    """mmengine's scheme for local files: tensors-only load; full unpickling for trusted files only."""
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint {filename} does not exist (check the path or --resume/--load-from)')
    try:
        return torch.load(filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as error:
        if osp.realpath(filename) not in _trusted and os.environ.get(TRUST_ENV) != '1':
            raise UntrustedCheckpointError(
                f'{filename} is a full training checkpoint: a pickle, which can run code when loaded, and it reached '
                f'the loader through a config rather than a tool\'s command line. Export its weights with '
                f'tools/export_backbone.py (safetensors), pass it to the tool directly, or, if you trust the file, '
                f'set {TRUST_ENV}=1') from error
        print_log(f'{filename} holds more than tensors (a full training checkpoint); unpickling it as a trusted file '
                  '(named on the command line)', logger='current')
        return torch.load(filename, map_location=map_location, weights_only=False)
