import torch

from harmony.models import HarmonyTextEncoder
from harmony.utils.tokenizer import CaptionTokenizer


def test_eot_pooling_ignores_mask_tokens_and_trimming_changes_nothing():
    torch.manual_seed(0)
    encoder = HarmonyTextEncoder(width=64, heads=2, layers=2, embed_dim=32).eval()
    tokenizer = CaptionTokenizer()
    ids = tokenizer(['a small red circle', 'two blue squares'])
    masked = ids.clone()
    masked[0, 2] = tokenizer.mask_id
    with torch.no_grad():
        pooled, tokens = encoder(masked)
        eot = (masked[0] == tokenizer.eot_id).nonzero()[0, 0]
        expected = encoder.ln_final(tokens[0, eot]) @ encoder.text_projection  # tokens come before ln_final
        torch.testing.assert_close(pooled[0], expected)
        encoder.token_features = 'final_norm'
        torch.testing.assert_close(encoder(masked)[1], encoder.ln_final(tokens))
        encoder.token_features = 'pre_norm'
        trimmed, trimmed_tokens = encoder(masked[:, :8])
    torch.testing.assert_close(trimmed, pooled, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(trimmed_tokens, tokens[:, :8], atol=1e-5, rtol=1e-5)
