"""harmony/utils/tokenizer.py: open_clip's BPE plus the [MASK] id."""
from harmony.utils.tokenizer import CaptionTokenizer


def test_tokenizer_has_a_mask_id_after_the_bpe_vocabulary():
    tokenizer = CaptionTokenizer()
    ids = tokenizer(['a red circle'])
    assert ids.shape == (1, 77) and ids[0, 0] == tokenizer.sot_id
    assert tokenizer.mask_id == 49408 > tokenizer.eot_id == 49407 and tokenizer.vocab_size == 49409
    long_ids = tokenizer([' '.join(['circle'] * 200)])
    assert long_ids[0, -1] == tokenizer.eot_id  # a long caption keeps its EOT
    ids[0, 2] = tokenizer.mask_id
    assert tokenizer.decode(ids[0]) == 'a [MASK] circle'
