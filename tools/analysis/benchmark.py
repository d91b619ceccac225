"""Training-step cost of a pre-training config against an open_clip CLIP step with the same towers.

    python tools/analysis/benchmark.py CONFIG [--batch 8] [--steps 3] [--warmup 1] [--device cpu|cuda] [--amp]
                                       [--data-root DIR] [--out FILE.md] [--cfg-options k=v ...]

Both models are built in this process: Harmony from CONFIG, and open_clip's `CLIP` with the same image tower
(width, blocks, heads, patch, image size) and text tower (width, heads, layers, context) with its `ClipLoss`,
AdamW for both. A batch of `--batch` samples is made once by the config's own pipeline from an img2dataset folder
(`--data-root`, default the demo pairs of `make demo`); CLIP gets the first global crop and the caption padded
to the context length, as open_clip trains. A Harmony step is `train_step` plus the EMA teacher update.

After `--warmup` steps of each, `--steps` steps are timed alternately (Harmony, CLIP, Harmony, ...) so that
machine noise hits both. Printed (and written as Markdown with `--out`): seconds per step (median), samples/s,
the Harmony/CLIP ratio, GFLOP per sample (torch's FlopCounterMode over one forward+backward), achieved TFLOP/s,
peak memory of a separate process that runs only that model (`--only`, started by this tool): CUDA max
allocated, or peak RSS on CPU — and, on CUDA, MFU against the device's peak (`--peak-tflops`). Then Harmony's
step by part, each piece run alone: the teachers' forward, every student pass's forward and backward (with the
modules it runs), the optimiser step and the EMA update, in seconds and GFLOP per sample.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

import harmony  # noqa: F401  registries (first: it quiets import-time warnings)
import torch
from mmengine.config import DictAction
from mmengine.logging import MMLogger
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from open_clip.loss import ClipLoss
from open_clip.model import CLIP, CLIPTextCfg, CLIPVisionCfg
from torch.utils.flop_counter import FlopCounterMode

from harmony.datasets import Img2DatasetFolder, collate_pretraining
from harmony.datasets.photometric import augmented_crops
from harmony.engine.runner_setup import load_config
from harmony.models.algorithms.train_step import parse_losses
from harmony.registry import MODELS

DEFAULT_DATA = 'data/demo/pretrain/files'


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('--batch', type=int, default=8)
    parser.add_argument('--steps', type=int, default=3)
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--amp', action='store_true', help='bf16 autocast for both models')
    parser.add_argument('--data-root', default=DEFAULT_DATA, help='img2dataset "files" folder of image-text pairs')
    parser.add_argument('--peak-tflops', type=float, help='device peak for MFU (CUDA; default: looked up by name)')
    parser.add_argument('--out', help='write the Markdown table here')
    parser.add_argument('--only', choices=['harmony', 'clip'], help=argparse.SUPPRESS)  # memory child process
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, metavar='KEY=VALUE')
    return parser.parse_args()


def make_batch(cfg, data_root, size):
    """A collated batch of the config's pipeline, its photometric augmentation already applied (rounded to uint8):
    both models' steps then start from the same ready crops (tools/analysis/benchmark_data.py times the device
    augmentation on its own)."""
    if not os.path.isdir(data_root):
        raise FileNotFoundError(f'--data-root {data_root} does not exist (make demo generates {DEFAULT_DATA})')
    pipeline = cfg.train_dataloader.dataset.pipeline
    dataset = Img2DatasetFolder(data_root, index_file=None, pipeline=pipeline, augment_seed=0)
    if len(dataset) < size:
        raise ValueError(f'{data_root} has {len(dataset)} pairs, fewer than --batch {size}')
    batch = collate_pretraining([dataset[i] for i in range(size)])['inputs']
    crops = {name: images.round_().to(torch.uint8) for name, images in augmented_crops(batch).items()}
    return dict(inputs=batch.replace(global_photometric=None, local_photometric=None, **crops))


def plain_optim_wrapper(optim_cfg, device):
    """The config's optimiser wrapper; on CPU an AmpOptimWrapper (CUDA only) becomes the plain OptimWrapper
    (precision is then chosen by --amp alone)."""
    optim_cfg = optim_cfg.copy()
    if device == 'cpu' and optim_cfg.get('type') == 'AmpOptimWrapper':
        print('CPU: the config\'s AmpOptimWrapper is replaced by OptimWrapper', flush=True)
        for key in ('dtype', 'loss_scale'):
            optim_cfg.pop(key, None)
        optim_cfg.type = 'OptimWrapper'
    return optim_cfg


class HarmonyStep:
    """Harmony's training step (forward, backward, optimiser step, EMA update) from the config; `parts` times its
    pieces one by one."""

    def __init__(self, cfg, batch, device):
        self.model = MODELS.build(cfg.model).to(device)
        self.model.init_weights()
        self.optim_wrapper = build_optim_wrapper(self.model, plain_optim_wrapper(cfg.optim_wrapper, device))
        self.batch = batch

    def __call__(self):
        return self.model.train_step(self.batch, self.optim_wrapper)['loss']

    def forward_backward(self):
        data = self.model.data_preprocessor(self.batch, training=True)
        parse_losses(self.model(**data, mode='loss'))[0].backward()

    def parts(self, measure):
        """[(part, modules it runs, forward, backward)] of one step, each piece run alone and measured by
        `measure(fn)` (seconds or GFLOP): the teachers, each student pass, the optimiser step, the EMA."""
        model, rows = self.model, []
        touched = set()
        hooks = [module.register_forward_pre_hook(lambda module, args, name=name: touched.add(name))
                 for name, module in model.named_modules() if name]

        def piece(name, forward, backward=None):
            touched.clear()
            outputs = []
            forward_cost = measure(lambda: outputs.append(forward()))
            runs = sorted({'.'.join(n.split('.')[:2 if n.startswith('teacher.') else 1]) for n in touched
                           if not n.endswith('_loss')})
            backward_cost = measure(lambda: backward(outputs[0])) if backward else None
            rows.append((name, ', '.join(runs), forward_cost, backward_cost))
            return outputs[0]

        data = model.data_preprocessor(self.batch, training=True)
        with torch.no_grad():
            teacher = piece('teachers', lambda: model(**data, mode='teacher'))
        for index, step in enumerate(model.student_passes(data['inputs'])):
            piece(repr(step), lambda: model(**data, mode='loss', teacher_targets=teacher, passes=(index,)),
                  lambda losses: parse_losses(losses)[0].backward())
        for hook in hooks:
            hook.remove()
        rows.append(('optimiser step (incl. clipping)', '', measure(self.optim_wrapper.step), None))
        self.optim_wrapper.zero_grad()
        rows.append(('EMA teachers', '', measure(lambda: model.update_teacher(0.996)), None))
        return rows


def tower_sizes(model_cfg):
    """(image tower, text tower config) of a Harmony model config, read from briefly built towers."""
    from harmony.models import HarmonyTextEncoder, HarmonyViT
    vit = HarmonyViT(**model_cfg.backbone)
    vision = dict(layers=vit.num_layers, width=vit.embed_dims, patch_size=vit.patch_size, image_size=vit.img_size,
                  head_width=vit.embed_dims // vit.blocks[0].attn.num_heads)
    return vision, HarmonyTextEncoder(**model_cfg.text_encoder).config


class ClipStep:
    """open_clip's CLIP with Harmony's tower sizes, its ClipLoss and AdamW, on the first global crop."""

    def __init__(self, cfg, batch, device):
        vision, text = tower_sizes(cfg.model)
        self.model = CLIP(embed_dim=text['embed_dim'], vision_cfg=CLIPVisionCfg(**vision),
                          text_cfg=CLIPTextCfg(context_length=text['context_length'], vocab_size=49408,
                                               width=text['width'], heads=text['heads'], layers=text['layers']))
        self.model.to(device)
        self.loss = ClipLoss()
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=cfg.optim_wrapper.optimizer.lr)
        preprocessor = MODELS.build(cfg.model.get('data_preprocessor') or
                                    dict(type='harmony.PretrainingDataPreprocessor')).to(device)
        data = preprocessor(batch, training=True)['inputs']
        self.images = data.global_crops[data.view_rows(0)]
        ids = data.text.clamp(max=49407)  # open_clip's vocabulary has no [MASK] id
        self.text = torch.nn.functional.pad(ids, (0, text['context_length'] - ids.shape[1]))  # padded to 77

    def __call__(self):
        loss = self.forward_backward()
        self.optimizer.step()
        self.optimizer.zero_grad(set_to_none=True)
        return loss.item()

    def forward_backward(self):
        image, text, scale = self.model(self.images, self.text)
        loss = self.loss(image, text, scale)
        loss.backward()
        return loss


def timed(step, device):
    if device == 'cuda':
        torch.cuda.synchronize()
    begin = time.perf_counter()
    step()
    if device == 'cuda':
        torch.cuda.synchronize()
    return time.perf_counter() - begin


def counted_gflop(fn):
    with FlopCounterMode(display=False) as counter:
        fn()
    return counter.get_total_flops() / 1e9


def gflop_per_sample(step, batch_size):
    gflop = counted_gflop(step.forward_backward)
    for param in step.model.parameters():
        param.grad = None
    return gflop / batch_size


def peak_rss_gb():
    """This process's peak resident set since its exec (Linux VmHWM; ru_maxrss would also count the pages of
    the forked parent that this process replaced)."""
    try:
        with open('/proc/self/status') as status:
            return next(int(line.split()[1]) for line in status if line.startswith('VmHWM:')) / 2 ** 20
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2 ** 20


def peak_memory_gb(args, which):
    """Peak memory of a child process that runs only `which`: CUDA max allocated, or peak RSS on CPU."""
    command = [sys.executable, *sys.argv, '--only', which]
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode:
        raise RuntimeError(f'memory run of {which} failed:\n{result.stdout[-3000:]}')
    return json.loads(result.stdout.strip().splitlines()[-1])['peak_gb']


def device_peak_tflops(args):
    if args.peak_tflops or args.device != 'cuda':
        return args.peak_tflops
    name = torch.cuda.get_device_name()
    for key, tflops in {'H200': 989.0, 'H100': 989.0, 'A100': 312.0, 'L40S': 362.0, 'A10': 125.0}.items():
        if key in name:
            return tflops
    return None


def main():
    args = parse_args()
    cfg = load_config(args.config, args.cfg_options)
    MMLogger.get_instance('benchmark', log_level='ERROR')  # no weight-init and parameter-group listings
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope('harmony'), torch.autocast(
            args.device, dtype=torch.bfloat16, enabled=args.amp):
        batch = make_batch(cfg, args.data_root, args.batch)
        makers = dict(harmony=lambda: HarmonyStep(cfg, batch, args.device),
                      clip=lambda: ClipStep(cfg, batch, args.device))
        if args.only:  # memory child: a few steps of one model alone, then its peak
            steps = {args.only: makers[args.only]()}
            if args.device == 'cuda':
                torch.cuda.reset_peak_memory_stats()
            for _ in range(args.warmup + 1):
                steps[args.only]()
            peak = torch.cuda.max_memory_allocated() / 2 ** 30 if args.device == 'cuda' else peak_rss_gb()
            print(json.dumps(dict(peak_gb=peak)))
            return
        steps = {name: make() for name, make in makers.items()}
        flops = {name: gflop_per_sample(step, args.batch) for name, step in steps.items()}
        memory = {name: peak_memory_gb(args, name) for name in steps}
        for step in steps.values():
            for _ in range(args.warmup):
                step()
        times = dict(harmony=[], clip=[])
        for _ in range(args.steps):
            for name, step in steps.items():
                times[name].append(timed(step, args.device))
        parts = list(zip(steps['harmony'].parts(lambda fn: timed(fn, args.device)),
                         steps['harmony'].parts(counted_gflop)))
    report(args, cfg, flops, memory, times, parts)


def report(args, cfg, flops, memory, times, parts):
    peak = device_peak_tflops(args)
    device = torch.cuda.get_device_name() if args.device == 'cuda' else f'CPU ({os.cpu_count()} cores)'
    lines = [f'{os.path.basename(args.config)}, batch {args.batch}, {"bf16" if args.amp else "fp32"}, {device}, '
             f'median of {args.steps} steps after {args.warmup} warm-up',
             '', '| step | s/step | samples/s | GFLOP/sample | TFLOP/s | MFU | peak memory (GB) |',
             '|---|---|---|---|---|---|---|']
    seconds = {name: statistics.median(values) for name, values in times.items()}
    for name, label in (('harmony', 'Harmony (all configured objectives)'), ('clip', 'open_clip CLIP')):
        tflops = flops[name] * args.batch / seconds[name] / 1e3
        mfu = f'{100 * tflops / peak:.1f} %' if peak else '–'
        lines.append(f'| {label} | {seconds[name]:.3f} | {args.batch / seconds[name]:.2f} | {flops[name]:.4g} | '
                     f'{tflops:.3g} | {mfu} | {memory[name]:.2f} |')
    lines += ['', f'Harmony / CLIP: time {seconds["harmony"] / seconds["clip"]:.2f}x, '
                  f'work {flops["harmony"] / flops["clip"]:.2f}x, memory {memory["harmony"] / memory["clip"]:.2f}x',
              '', 'Harmony step by part (each run alone once more; forward / backward):', '',
              '| part | runs | forward s | backward s | GFLOP/sample |', '|---|---|---|---|---|']
    for (name, runs, forward, backward), (_, _, forward_flops, backward_flops) in parts:
        gflop = (forward_flops + (backward_flops or 0)) / args.batch
        lines.append(f'| {name} | {runs} | {forward:.3f} | {"" if backward is None else f"{backward:.3f}"} | '
                     f'{gflop:.3g} |')
    text = '\n'.join(lines)
    print(text, flush=True)
    if args.out:
        with open(args.out, 'w') as file:
            file.write(text + '\n')


if __name__ == '__main__':
    main()
