"""Shared set-up of tools/train.py and tools/test.py: config loading, CLI overrides, launcher and runner."""
import inspect
import os
import os.path as osp

import torch
import torch.distributed as dist
from mmengine.config import Config
from mmengine.registry import RUNNERS
from mmengine.runner import Runner
from mmengine.utils import import_modules_from_strings

from .config_checks import check_config
from .cpu_runtime import adapt_config_for_cpu, init_cpu_process_group, use_cpu_distributed

RUNNER_KEYS = set(inspect.signature(Runner.__init__).parameters) - {'self'}


def check_cfg_options(cfg, options):
    """Refuse --cfg-options whose top-level key neither exists in the config nor is a Runner argument.

    Deeper keys are checked by the components they reach (an unknown keyword argument raises there); an
    unknown top-level key would otherwise be ignored silently.
    """
    unknown = sorted({key.split('.')[0] for key in options} - set(cfg.keys()) - RUNNER_KEYS)
    if unknown:
        raise KeyError(f'--cfg-options sets unknown top-level key(s) {unknown}: they are neither in '
                       f'{cfg.filename} nor Runner arguments. Check the spelling; known keys: {sorted(cfg.keys())}')


def load_config(config, cfg_options=None, work_dir=None, launcher='none'):
    """Load `config`, apply CLI overrides and choose the work dir (CLI > config > ./work_dirs/<config name>)."""
    if not osp.isfile(config):
        raise FileNotFoundError(f'config file {config} does not exist')
    cfg = Config.fromfile(config)
    cfg.launcher = launcher
    if cfg_options:
        check_cfg_options(cfg, cfg_options)
        cfg.merge_from_dict(cfg_options)
        if any(key.split('.')[0] == 'custom_imports' for key in cfg_options):
            import_modules_from_strings(**cfg.custom_imports)  # Config.fromfile imported the file's own only
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(config))[0])
    apply_tensorboard_switch(cfg)
    return cfg


def apply_tensorboard_switch(cfg):
    """`tensorboard=dict(enable=True, image_interval=N)` (default_runtime.py; `--cfg-options
    tensorboard.enable=True`): adds mmengine's TensorboardVisBackend to the visualizer (event files next to
    scalars.json in WORK_DIR/<timestamp>/vis_data) and, when N > 0, MAE reconstructions every N iterations."""
    switch = cfg.get('tensorboard') or {}
    unknown = set(switch) - {'enable', 'image_interval'}
    if unknown:
        raise KeyError(f'tensorboard has no option {sorted(unknown)}; it takes enable and image_interval')
    if not switch.get('enable'):
        return
    backends = list(cfg.visualizer.get('vis_backends') or [])
    if not any(b['type'].endswith('TensorboardVisBackend') for b in backends):
        backends.append(dict(type='TensorboardVisBackend'))
    cfg.visualizer.vis_backends = backends
    if switch.get('image_interval'):
        cfg.custom_hooks = list(cfg.get('custom_hooks') or []) + [
            dict(type='MAEReconstructionHook', interval=switch['image_interval'])]


def build_runner(cfg, training=False):
    """Check the config (`check_config`), then build the runner it asks for (`runner_type`; without one,
    `harmony.HarmonyRunner`: mmengine's Runner with a short start-up log); without CUDA, AMP becomes fp32 and
    distributed launches run on gloo (`adapt_config_for_cpu`), each change printed once."""
    check_config(cfg, training)
    if not torch.cuda.is_available():
        distributed = use_cpu_distributed(cfg.launcher)
        changes = adapt_config_for_cpu(cfg, distributed)
        if distributed:
            init_cpu_process_group(cfg)
        if int(os.environ.get('RANK', 0)) == 0 and changes:
            print(f'No CUDA: running the {"distributed " if distributed else ""}job on CPU with '
                  + '; '.join(changes), flush=True)
    cfg.setdefault('runner_type', 'harmony.HarmonyRunner')
    return RUNNERS.build(cfg)


def close_distributed():
    """Wait for every rank, then shut the process group down: a process that exits with the group alive can be
    aborted by its communication threads ('terminate called without an active exception') and fail the launch."""
    if dist.is_available() and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()
