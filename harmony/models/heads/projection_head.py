"""DINO/iBOT projection head: MLP -> L2-normalised bottleneck -> weight-normalised prototypes layer."""
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.parametrizations import weight_norm

from harmony.registry import MODELS


@MODELS.register_module()
class ProjectionHead(nn.Module):
    """in -> hidden (x num_layers-1, GELU) -> bottleneck -> L2 norm -> prototypes (out_dim logits).

    iBOT: in=embed dims, hidden 2048, bottleneck 256, out 8192 (shared by CLS and patch tokens). Text
    distillation: in=512, hidden 1024, bottleneck 256, out 2048. The last layer is weight-normalised with its
    norm fixed to 1 (`norm_last_layer`); freezing it during the first epoch is a hook's job
    (`last_layer` is the module to freeze).

    Input [..., in_dims] -> logits [..., out_dim].
    """

    def __init__(self, in_dims, out_dim, hidden_dims=2048, bottleneck_dims=256, num_layers=3, norm_last_layer=True):
        super().__init__()
        dims = [in_dims] + [hidden_dims] * (num_layers - 1) + [bottleneck_dims]
        layers = []
        for i in range(num_layers):
            layers.append(nn.Linear(dims[i], dims[i + 1]))
            if i < num_layers - 1:
                layers.append(nn.GELU())
        self.mlp = nn.Sequential(*layers)
        self.last_layer = weight_norm(nn.Linear(bottleneck_dims, out_dim, bias=False))
        self.last_layer.parametrizations.weight.original0.data.fill_(1.0)
        self.last_layer.parametrizations.weight.original0.requires_grad_(not norm_last_layer)
        self.init_weights()

    def init_weights(self):
        for module in self.mlp:
            if isinstance(module, nn.Linear):
                nn.init.trunc_normal_(module.weight, std=0.02)
                nn.init.zeros_(module.bias)

    def features(self, x):
        """[..., in_dims] -> L2-normalised bottleneck [..., bottleneck_dims]; `last_layer` is linear (no bias),
        so the mean of the logits over tokens is `last_layer` of the mean feature."""
        return F.normalize(self.mlp(x), dim=-1)

    def forward(self, x):
        return self.last_layer(self.features(x))
