"""Activation choices of the text towers and the MLM decoder, by config name."""
import torch.nn as nn
from open_clip.transformer import QuickGELU

# 'quick_gelu': x * sigmoid(1.702 x), OpenAI CLIP's and the Harmony reference's; 'gelu': the exact erf form.
ACTIVATIONS = {'gelu': nn.GELU, 'quick_gelu': QuickGELU}
