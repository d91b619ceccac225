"""The collate function of pre-training dataloaders."""
from harmony.registry import FUNCTIONS
from harmony.structures import PretrainingBatch, PretrainingSample


@FUNCTIONS.register_module()
def collate_pretraining(data_batch):
    """[{'inputs': PretrainingSample}] -> {'inputs': PretrainingBatch}, views view-major.

    Set it as ``train_dataloader.collate_fn=dict(type='harmony.collate_pretraining')`` (the pre-training dataset
    configs do)."""
    samples = [item['inputs'] for item in data_batch]
    if not all(isinstance(sample, PretrainingSample) for sample in samples):
        raise TypeError(f'collate_pretraining collates PretrainingSample inputs (end the pipeline with '
                        f'PackPretrainingInputs), got {type(samples[0]).__name__}')
    return dict(inputs=PretrainingBatch.collate(samples))
