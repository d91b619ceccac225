"""Atomic local writes for everything mmengine saves (checkpoints, results), and finding the checkpoint to resume.

mmengine's LocalBackend opens the destination and writes into it, so a run killed while saving leaves a truncated
checkpoint under its final name. Importing this module replaces the local backend by one that writes a temporary
file in the same folder, syncs it and renames it over the destination: a file under its final name is always
complete. `find_resume_checkpoint` then never meets a truncated one; it also ignores a `last_checkpoint` record
that is empty or names a missing file (mmengine writes that record with a plain `open`).
"""
import glob
import os
import os.path as osp
import re
import tempfile
import zipfile

from mmengine.fileio.backends import LocalBackend, register_backend
from mmengine.logging import print_log

CHECKPOINT_NAME = re.compile(r'^(epoch|iter)_(\d+)\.pth$')


def write_atomically(data, path):
    """Write bytes to `path` through a synced temporary file renamed over it (readers see old or new, never
    part of it)."""
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f'.{osp.basename(path)}.', suffix='.partial', dir=folder)
    try:
        with os.fdopen(handle, 'wb') as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        if osp.exists(temporary):
            os.remove(temporary)
        raise


class AtomicLocalBackend(LocalBackend):
    """mmengine's local backend with atomic `put` / `put_text`."""

    def put(self, obj, filepath):
        write_atomically(obj, str(filepath))

    def put_text(self, obj, filepath, encoding='utf-8'):
        write_atomically(obj.encode(encoding), str(filepath))


register_backend('local', AtomicLocalBackend, force=True, prefixes='')


def is_complete_checkpoint(path):
    """A torch.save zip archive whose central directory is readable (a truncated file fails this)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return bool(archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


def find_resume_checkpoint(work_dir):
    """The checkpoint a run in `work_dir` resumes from, or None when it has none.

    `last_checkpoint` is used when it names a complete file; otherwise the newest complete ``epoch_N.pth`` /
    ``iter_N.pth`` (by write time, then N). Leftover temporary files of an interrupted save are removed (logged).
    """
    for leftover in glob.glob(osp.join(work_dir, '.*.partial')):
        print_log(f'removing {leftover}: the remains of a save that was interrupted', logger='current')
        try:
            os.remove(leftover)
        except FileNotFoundError:  # another rank removed it first
            pass
    record = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(record):
        with open(record) as file:
            named = file.read().strip()
        if named and osp.isfile(named) and is_complete_checkpoint(named):
            return named
        print_log(f'{record} names {named!r}, which is missing or incomplete; looking for the newest complete '
                  'checkpoint instead', logger='current', level=30)
    candidates = []
    for name in os.listdir(work_dir) if osp.isdir(work_dir) else ():
        match = CHECKPOINT_NAME.match(name)
        if match:
            path = osp.join(work_dir, name)
            candidates.append((osp.getmtime(path), int(match.group(2)), path))
    for _, _, path in sorted(candidates, reverse=True):
        if is_complete_checkpoint(path):
            return path
        print_log(f'skipping {path}: not a complete checkpoint', logger='current', level=30)
    return None
