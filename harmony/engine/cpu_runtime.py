"""Running OpenMMLab configs on a machine without CUDA: gloo instead of NCCL, no SyncBN, CPU DDP."""
import datetime
import os

import torch
import torch.distributed as dist
from mmengine.logging import print_log


def _replace_sync_bn(node, path, changes):
    if isinstance(node, dict):
        if node.get('type') in ('SyncBN', 'MMSyncBN', 'SyncBatchNorm'):
            changes.append(f'{path}.type: {node["type"]} -> BN')
            node['type'] = 'BN'
        for key, value in node.items():
            _replace_sync_bn(value, f'{path}.{key}' if path else key, changes)
    elif isinstance(node, (list, tuple)):
        for index, value in enumerate(node):
            _replace_sync_bn(value, f'{path}[{index}]', changes)


def adapt_config_for_cpu(cfg, distributed):
    """Edit `cfg` in place so that a GPU config runs on CPU processes; returns the list of changes made.

    Single-process runs need nothing (mmengine reverts SyncBN itself). Distributed CPU runs use gloo, a DDP
    wrapper without device ids and plain BN (torch's SyncBatchNorm has no CPU kernel): BN statistics are
    then per process, which is only acceptable for debugging runs on CPU.
    """
    if not distributed:
        return []
    changes = []
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
    _replace_sync_bn(cfg._cfg_dict if hasattr(cfg, '_cfg_dict') else cfg, '', changes)
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
