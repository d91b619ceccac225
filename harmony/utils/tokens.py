"""Token selection shared by the transformer blocks, the MAE encoder and decoder, and the MAE loss."""
import torch


def gather_tokens(x, positions):
    """x [B, L, C], positions [B, Q] (long) -> the tokens at those positions [B, Q, C]."""
    return torch.gather(x, 1, positions.unsqueeze(-1).expand(-1, -1, x.shape[-1]))
