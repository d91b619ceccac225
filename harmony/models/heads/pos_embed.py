"""Fixed 2-D sine-cosine position embeddings (MAE)."""
import torch


def sincos_2d_pos_embed(grid_h, grid_w, dims, with_cls=True):
    """[1, (1 if with_cls) + grid_h*grid_w, dims]: half the channels encode the row, half the column, each as
    sin/cos at frequencies 1/10000^(k/(dims/4)); the CLS position is all zeros."""
    if dims % 4:
        raise ValueError(f'sin-cos position embedding needs dims divisible by 4, got {dims}')
    omega = 1.0 / 10000 ** (torch.arange(dims // 4, dtype=torch.float64) / (dims / 4))
    rows, cols = torch.meshgrid(torch.arange(grid_h, dtype=torch.float64), torch.arange(grid_w, dtype=torch.float64),
                                indexing='ij')

    def encode(positions):  # [N] -> [N, dims/2]
        angles = positions.reshape(-1, 1) * omega.reshape(1, -1)
        return torch.cat([angles.sin(), angles.cos()], dim=1)

    embed = torch.cat([encode(rows), encode(cols)], dim=1).float()
    if with_cls:
        embed = torch.cat([torch.zeros(1, dims), embed], dim=0)
    return embed.unsqueeze(0)
