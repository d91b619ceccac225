"""Configuration mistakes found before any work starts, each reported with the config key to change.

`check_config` runs in `build_runner` (tools/train.py, tools/test.py), before the Runner builds anything.
"""
import os
import os.path as osp


def world_size_of_launch():
    """The number of processes of this launch (torchrun or Slurm), 1 otherwise."""
    return int(os.environ.get('WORLD_SIZE') or os.environ.get('SLURM_NTASKS') or 1)


def _walk(node, path):
    """(key path, dict) for every dict inside a config node."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f'{path}.{key}' if path else key)
    elif isinstance(node, (list, tuple)):
        for index, value in enumerate(node):
            yield from _walk(value, f'{path}[{index}]')


def _is_local_path(value):
    return isinstance(value, str) and '://' not in value


def apply_global_batch_size(cfg, world_size):
    """`global_batch_size=N` (optional top-level key): the per-process batch becomes N / (processes x
    optim_wrapper.accumulative_counts), which must divide exactly. auto_scale_lr then sees the global batch."""
    total = cfg.get('global_batch_size')
    if total is None:
        return
    accumulation = cfg.get('optim_wrapper', {}).get('accumulative_counts', 1)
    if total % (world_size * accumulation):
        raise ValueError(f'global_batch_size={total} is not divisible by {world_size} processes x '
                         f'optim_wrapper.accumulative_counts={accumulation}: change global_batch_size, the number '
                         'of GPUs or the accumulation')
    cfg.train_dataloader.batch_size = total // (world_size * accumulation)
    if accumulation > 1 and cfg.get('auto_scale_lr', {}).get('enable'):
        cfg.auto_scale_lr.base_batch_size = cfg.auto_scale_lr.base_batch_size / accumulation  # mmengine counts
        # processes x batch_size only; this makes its ratio global_batch_size / base_batch_size


def check_crop_sizes(cfg):
    """Every multi-crop size of the training pipeline is a multiple of the backbone's patch size."""
    patch = (cfg.get('model') or {}).get('backbone', {}).get('patch_size')
    pipeline = cfg.get('train_dataloader', {}).get('dataset', {}).get('pipeline') or []
    if not patch:
        return
    for index, step in enumerate(pipeline):
        if str(step.get('type', '')).split('.')[-1] != 'MultiCrop':
            continue
        for key in ('global_size', 'local_size'):
            size = step.get(key)
            if size is not None and size % patch:
                raise ValueError(f'train_dataloader.dataset.pipeline[{index}].{key}={size} is not a multiple of '
                                 f'model.backbone.patch_size={patch}: the last {size % patch} pixels would be '
                                 'dropped; choose a multiple')


def check_data_roots(cfg, loaders):
    """The local `data_root` of each of `loaders` that the run will use exists."""
    for loader in loaders:
        dataset = (cfg.get(loader) or {}).get('dataset') or {}
        root = dataset.get('data_root')
        if _is_local_path(root) and root and not osp.isdir(root):
            raise FileNotFoundError(f'{loader}.dataset.data_root={root!r} does not exist: prepare the data (see '
                                    f'tools/data/README.md) or point the config at it with --cfg-options '
                                    f'{loader}.dataset.data_root=PATH')


def check_pretrained_paths(cfg):
    """`load_from` and every `init_cfg=dict(type='Pretrained', checkpoint=PATH)` name existing files."""
    load_from = cfg.get('load_from')
    if _is_local_path(load_from) and load_from and not osp.isfile(load_from) and not cfg.get('resume'):
        raise FileNotFoundError(f'load_from={load_from!r} does not exist')
    for path, node in _walk(cfg.get('model') or {}, 'model'):
        checkpoint = node.get('checkpoint')
        if node.get('type') == 'Pretrained' and _is_local_path(checkpoint) and not osp.isfile(checkpoint):
            raise FileNotFoundError(f'{path}.checkpoint={checkpoint!r} does not exist: export a backbone with '
                                    'tools/export_backbone.py or fix the path')


def check_config(cfg, training):
    """Raise on the mistakes above (training: data roots, crop sizes, pretrained paths, and `global_batch_size`
    resolved; testing: the test data root). Unknown objective types are refused by the registry when the
    Runner builds the model, before any data is read."""
    if training:
        apply_global_batch_size(cfg, world_size_of_launch())
        check_crop_sizes(cfg)
        check_data_roots(cfg, ['train_dataloader'] + (['val_dataloader'] if cfg.get('val_cfg') else []))
        check_pretrained_paths(cfg)
    else:
        check_data_roots(cfg, ('test_dataloader',))
    return cfg
