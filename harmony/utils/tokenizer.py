"""Caption tokenizer: open_clip's BPE (CLIP's 49,408-token vocabulary) plus one [MASK] id for MLM."""
from open_clip.tokenizer import SimpleTokenizer


class CaptionTokenizer:
    """Texts -> token ids [B, context_length] (SOT ... EOT, zero padded; long captions keep their EOT).

    The [MASK] id is appended after the BPE vocabulary (49408), so the text tower's vocabulary is 49409.
    """

    def __init__(self, context_length=77):
        self.bpe = SimpleTokenizer(context_length=context_length)
        self.context_length = context_length
        self.sot_id, self.eot_id, self.pad_id = self.bpe.sot_token_id, self.bpe.eot_token_id, 0
        self.mask_id = self.bpe.vocab_size
        self.vocab_size = self.bpe.vocab_size + 1

    def __call__(self, texts):
        if isinstance(texts, str):
            texts = [texts]
        return self.bpe(list(texts), context_length=self.context_length).long()  # [B, L]

    def decode(self, ids):
        """Text of one id sequence, [MASK] shown as such (for logs and tests)."""
        ids = [int(i) for i in ids if int(i) not in (self.pad_id, self.sot_id, self.eot_id)]
        words, run = [], []
        for i in ids + [None]:
            if i == self.mask_id or i is None:
                if run:
                    words.append(self.bpe.decode(run).strip())
                    run = []
                if i is not None:
                    words.append('[MASK]')
            else:
                run.append(i)
        return ' '.join(words)

