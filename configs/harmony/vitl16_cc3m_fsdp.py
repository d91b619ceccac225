# Harmony, ViT-L/16 on CC3M with FSDP: the ViT-S/16 recipe with a ViT-L/16 image tower (1024-d, 24 blocks) and a
# CLIP-L text tower (width 768, 12 heads, 12 layers, 768-d embedding), towers sharded over the GPUs, activation
# checkpointing of every image block (with_cp), bf16 AMP. Per-GPU batch 96 x 8 GPUs as ViT-S; to keep the global
# batch on fewer GPUs, set global_batch_size=768 with optim_wrapper.accumulative_counts (see docs/en/long_runs.md).
#   tools/dist_train.sh configs/harmony/vitl16_cc3m_fsdp.py 8
_base_ = ['./vits16_cc3m.py', '../_base_/strategies/fsdp.py']
model = dict(backbone=dict(arch='large', with_cp=True),
             text_encoder=dict(width=768, heads=12, layers=12, embed_dim=768),
             sequential_backward=False)  # one backward under FSDP (see the strategy base)
# foreach AdamW: torch's FSDP loss scaler cannot drive the fused one (harmony.HarmonyFSDPStrategy refuses it)
optim_wrapper = dict(optimizer=dict(fused=False))
