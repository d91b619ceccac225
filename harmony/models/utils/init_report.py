"""mmengine's weight-initialisation report in one log line.

`BaseModule.init_weights` of the top-level model ends with `_dump_init_info`, which writes three lines per
parameter tensor into the log file: over a thousand lines for Harmony's students and teachers, before the first
iteration. A model that sets ``_dump_init_info = summarise_init_info`` (Harmony does) logs instead how many tensors
each kind of initialisation set.
"""
from collections import Counter

from mmengine.dist import master_only
from mmengine.logging import print_log


@master_only
def summarise_init_info(module):
    """Logs `init_weights of <model>: <n> parameter tensors; <count>: <how they were set>; ...` (mmengine's own
    wording of each kind, most frequent first)."""
    kinds = Counter(module._params_init_info[param]['init_info'].strip() for _, param in module.named_parameters())
    print_log(f'init_weights of {type(module).__name__}: {sum(kinds.values())} parameter tensors; '
              + '; '.join(f'{count}: {kind}' for kind, count in kinds.most_common()), logger='current')

