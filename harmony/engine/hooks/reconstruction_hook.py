"""MAE reconstructions of the training batch, logged as images through the runner's visualizer."""
import numpy as np
import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from harmony.registry import HOOKS
from harmony.visualization import mae_reconstruction, to_display


@HOOKS.register_module()
class MAEReconstructionHook(Hook):
    """Every `interval` iterations, reconstructs the first global crop of `num_images` training samples with the
    student's MAE decoder and logs one image (rows: original | masked | reconstruction) named
    'mae_reconstruction' to every visualizer backend (TensorBoard with `tensorboard.enable=True`)."""

    priority = 'LOW'

    def __init__(self, interval=500, num_images=4):
        if interval <= 0:
            raise ValueError(f'interval must be positive, got {interval}')
        self.interval, self.num_images = interval, num_images

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if not self.every_n_train_iters(runner, self.interval) or data_batch is None:
            return
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        if 'mae' not in model.objectives:
            raise ValueError('MAEReconstructionHook needs the MAE objective; this model trains '
                             f'{sorted(model.objectives)}')
        preprocessor = model.data_preprocessor
        batch = preprocessor(data_batch, True)['inputs']
        images = batch.global_crops[batch.view_rows(0)][:self.num_images]  # first global crops
        model.eval()
        try:
            masked, reconstruction = mae_reconstruction(model, images, seed=runner.iter)
        finally:
            model.train()
        mean, std = preprocessor.mean.flatten().tolist(), preprocessor.std.flatten().tolist()
        rows = [torch.cat(list(to_display(x.cpu(), mean, std)), dim=1) for x in (images, masked, reconstruction)]
        picture = (torch.cat(rows, dim=0).numpy() * 255).astype(np.uint8)  # [3H, n*W, 3]
        runner.visualizer.add_image('mae_reconstruction', picture, step=runner.iter + 1)
