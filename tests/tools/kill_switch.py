"""Imported into tools/train.py by the interrupted-run tests (custom_imports): SIGKILLs the training process at a
chosen moment, as a pre-emption would.

KILL_AT_STEP=k   kill when the k-th training step of this process starts (its data already loaded);
KILL_IN_SAVE=n   kill inside the n-th checkpoint write of this process, after its bytes went to the temporary
                 file and before that file is synced and renamed.
"""
import os
import signal

from harmony.models import PretrainingDataPreprocessor


def _kill():
    os.kill(os.getpid(), signal.SIGKILL)


def _kill_at_step(step):
    """Counts the training batches that reach the model (one per step, whichever wrapper runs the step)."""
    forward, calls = PretrainingDataPreprocessor.forward, [0]

    def counting_forward(self, data, training=False):
        if training:
            calls[0] += 1
            if calls[0] == step:
                _kill()
        return forward(self, data, training)

    PretrainingDataPreprocessor.forward = counting_forward


def _kill_in_save(save):
    """Wraps os.fsync, which `write_atomically` calls on the temporary file before renaming it."""
    fsync, saves = os.fsync, [0]

    def killing_fsync(descriptor):
        name = os.path.basename(os.readlink(f'/proc/self/fd/{descriptor}'))
        if '.pth.' in name and name.endswith('.partial'):  # a checkpoint's temporary file
            saves[0] += 1
            if saves[0] == save:
                _kill()
        fsync(descriptor)

    os.fsync = killing_fsync


if os.environ.get('KILL_AT_STEP'):
    _kill_at_step(int(os.environ['KILL_AT_STEP']))
if os.environ.get('KILL_IN_SAVE'):
    _kill_in_save(int(os.environ['KILL_IN_SAVE']))
