#!/usr/bin/env bash
# Distributed training with torchrun: tools/dist_train.sh CONFIG GPUS [train.py args...]
# Multi-node: set NNODES, NODE_RANK, MASTER_ADDR and PORT on every node (defaults: 1 node, rank 0, 127.0.0.1, 29500).
# Without CUDA, GPUS processes run on CPU with the gloo backend.
set -euo pipefail
CONFIG=$1
GPUS=$2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-127.0.0.1}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# The project's .venv when it exists (make setup), else the python on PATH.
[[ -x $ROOT/.venv/bin/python ]] && default_python=$ROOT/.venv/bin/python || default_python=python
PYTHON=${PYTHON:-$default_python}

PYTHONPATH="$ROOT:${PYTHONPATH:-}" OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} \
exec "$PYTHON" -m torch.distributed.run \
    --nnodes="$NNODES" --node_rank="$NODE_RANK" --master_addr="$MASTER_ADDR" --master_port="$PORT" \
    --nproc_per_node="$GPUS" \
    "$ROOT/tools/train.py" "$CONFIG" --launcher pytorch "${@:3}"
