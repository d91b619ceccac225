"""Running OpenMMLab configs on a machine without CUDA: fp32 instead of AMP, gloo instead of NCCL, CPU DDP."""
import datetime
import os

import torch
import torch.distributed as dist
from mmengine.logging import print_log


AMP_ONLY_KEYS = ('dtype', 'loss_scale')  # AmpOptimWrapper's arguments that OptimWrapper does not take


def _fp32_optim_wrapper(cfg, changes):
    """AmpOptimWrapper (CUDA only) -> OptimWrapper in fp32, without the AMP-only keys (also left-over ones)."""
    wrapper = cfg.get('optim_wrapper')
    if not isinstance(wrapper, dict) or wrapper.get('type') not in ('AmpOptimWrapper', 'OptimWrapper'):
        return
    if wrapper['type'] == 'AmpOptimWrapper':
        changes.append('optim_wrapper.type: AmpOptimWrapper -> OptimWrapper (fp32)')
        wrapper['type'] = 'OptimWrapper'
    for key in AMP_ONLY_KEYS:
        if key in wrapper:
            changes.append(f'optim_wrapper.{key} dropped (AMP only)')
            wrapper.pop(key)


def adapt_config_for_cpu(cfg, distributed):
    """Edit `cfg` in place so that a GPU config runs on CPU processes; returns the list of changes made.

    Mixed precision becomes fp32 (mmengine's AmpOptimWrapper needs CUDA). Distributed CPU runs also use gloo and a
    DDP wrapper without device ids; their SyncBN layers become BN when the runner wraps the model
    (`HarmonyRunner`; torch's SyncBatchNorm has no CPU kernel), so BN statistics are per process, which is only
    acceptable for debugging runs on CPU. (Single-process runs: mmengine reverts SyncBN itself.)
    """
    changes = []
    _fp32_optim_wrapper(cfg, changes)
    if not distributed:
        return changes
    env_cfg = cfg.setdefault('env_cfg', {})
    dist_cfg = env_cfg.setdefault('dist_cfg', {})
    if dist_cfg.get('backend', 'nccl') != 'gloo':
        changes.append(f'env_cfg.dist_cfg.backend: {dist_cfg.get("backend", "nccl")} -> gloo')
        dist_cfg['backend'] = 'gloo'
    wrapper = cfg.get('model_wrapper_cfg') or dict(
        type='MMDistributedDataParallel', broadcast_buffers=False,
        find_unused_parameters=cfg.get('find_unused_parameters', False))
    wrapper['device_ids'] = None
    cfg['model_wrapper_cfg'] = wrapper
    changes.append('model_wrapper_cfg.device_ids: [LOCAL_RANK] -> None')
    return changes


def init_cpu_process_group(cfg):
    """Start the gloo process group from torchrun's environment (mmengine's init_dist calls cuda.set_device)."""
    if dist.is_initialized():
        return
    timeout = cfg.get('env_cfg', {}).get('dist_cfg', {}).get('timeout')
    kwargs = {'timeout': datetime.timedelta(seconds=timeout)} if timeout else {}
    dist.init_process_group('gloo', rank=int(os.environ['RANK']), world_size=int(os.environ['WORLD_SIZE']),
                            **kwargs)
    print_log(f'CPU process group: gloo, rank {dist.get_rank()} of {dist.get_world_size()}', logger='current')


def use_cpu_distributed(launcher):
    """True for a distributed launch on a machine without CUDA; only torchrun ('pytorch') is supported there."""
    if launcher == 'none' or torch.cuda.is_available():
        return False
    if launcher != 'pytorch':
        raise RuntimeError(f'launcher {launcher!r} needs CUDA; on CPU use tools/dist_train.sh (torchrun)')
    return True
