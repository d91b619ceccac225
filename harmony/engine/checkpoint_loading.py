"""Local checkpoint loading that works with torch >= 2.6 and stays safe by default.

torch >= 2.6 loads with ``weights_only=True``, which refuses mmengine's training checkpoints (they pickle
``HistoryBuffer`` and numpy objects in ``message_hub``), so mmengine 0.10.7 cannot resume. Allow-listing those
types does not work. We replace mmengine's loader for local paths: a checkpoint is first loaded with
``weights_only=True``; only if that fails is it unpickled in full, and the log says so. Full unpickling runs
code stored in the file: resume from and test with checkpoints you trust (your own runs).
"""
import os.path as osp
import pickle

import torch
from mmengine.logging import print_log
from mmengine.runner.checkpoint import CheckpointLoader


@CheckpointLoader.register_scheme(prefixes='', force=True)
def load_local_checkpoint(filename, map_location=None):
    """mmengine's scheme for local files: tensors-only load first, trusted full unpickle as fallback."""
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint {filename} does not exist (check the path or --resume/--load-from)')
    try:
        return torch.load(filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError:
        print_log(f'{filename} holds more than tensors (a full training checkpoint); unpickling it as a '
                  'trusted file', logger='current')
        return torch.load(filename, map_location=map_location, weights_only=False)
