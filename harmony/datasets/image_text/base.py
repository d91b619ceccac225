"""Map-style image-text datasets: a listing made once, samples read and decoded in the data workers."""
from mmengine.dataset import BaseDataset
from mmengine.dist import sync_random_seed

from ..bad_samples import BadSample, BadSampleLog
from ..pair_decoding import choose_caption, decode_image
from ..sample_randomness import SampleEpoch, sample_random_state


class ImageTextDataset(BaseDataset):
    """Base of the map-style pair formats. Subclasses list the samples (`load_data_list`: dicts with at least
    ``key``) and read one sample's raw data (`read_sample`); decoding and bad-sample handling live here.

    A bad sample (see `harmony.datasets.bad_samples.REASONS`) is counted and skipped: `prepare_data` returns
    None and mmengine's BaseDataset draws another index, so image and caption always come from the same key.
    Each item before the pipeline: dict(key, img (PIL RGB), caption, ...listing fields).

    The pipeline's randomness (crops, masks, caption choice, the replacement of a bad sample) is drawn from
    generators seeded by (augment_seed, epoch, index) (`sample_random_state`): a sample is prepared the same way
    by any rank or worker and after a resume. `set_epoch` (DataPositionHook) changes the draws each epoch.

    Args:
        max_bad_fraction, min_samples, report_interval: see `BadSampleLog`.
        augment_seed: base seed of the per-sample randomness; None draws one on rank 0 and shares it with every
            rank (deterministic under the config's `randomness.seed`; a resumed run takes the checkpoint's).
    """

    def __init__(self, data_root, pipeline=(), max_bad_fraction=0.05, min_samples=1000, report_interval=60.0,
                 augment_seed=None, **kwargs):
        self.bad_samples = BadSampleLog(type(self).__name__, max_bad_fraction, min_samples, report_interval)
        self.augment_seed = sync_random_seed() if augment_seed is None else augment_seed
        self.epoch = SampleEpoch()
        super().__init__(data_root=data_root, pipeline=list(pipeline), **kwargs)

    def set_epoch(self, epoch):
        self.epoch.set(epoch)

    def __getitem__(self, idx):
        with sample_random_state(self.augment_seed, self.epoch.get(), idx):
            return super().__getitem__(idx)

    def read_sample(self, info):
        """-> (image bytes or None, list of caption candidates (bytes/str/None)) for one listed sample."""
        raise NotImplementedError

    def load_pair(self, info):
        """Listed sample -> dict with `img` and `caption`; raises BadSample."""
        image, captions = self.read_sample(info)
        return dict(info, img=decode_image(image), caption=choose_caption(captions))

    def decoded(self):
        """(key, pair dict or BadSample) for every listed sample, in order, no pipeline (for checking a set)."""
        for index in range(len(self)):
            info = self.get_data_info(index)
            try:
                yield info['key'], self.load_pair(info)
            except BadSample as error:
                yield info['key'], error

    def prepare_data(self, idx):
        info = self.get_data_info(idx)
        try:
            pair = self.load_pair(info)
        except BadSample as error:
            self.bad_samples.record_bad(error, info['key'])
            return None
        self.bad_samples.record_good()
        return self.pipeline(pair)


def read_bytes(path):
    """File contents, or None when the file does not exist (a missing file is a bad sample, not a crash)."""
    try:
        with open(path, 'rb') as file:
            return file.read()
    except FileNotFoundError:
        return None
