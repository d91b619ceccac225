# The demo pre-training with FSDP (FlexibleRunner + FSDPStrategy) instead of DDP: the switch that
# configs/harmony/vitl16_cc3m_fsdp.py uses, small enough to run on CPU processes (tools/dist_train.sh CONFIG 2).
_base_ = ['./harmony_vit-demo_demo-pretrain.py', '../_base_/strategies/fsdp.py']
model = dict(sequential_backward=False)  # one backward under FSDP (see the strategy base)
