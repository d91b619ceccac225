#!/usr/bin/env bash
# Training on Slurm: tools/slurm_train.sh PARTITION JOB_NAME CONFIG [train.py args...]
# GPUS (total, default 8), GPUS_PER_NODE (default 8), CPUS_PER_TASK (default 5) and SRUN_ARGS from the environment.
set -euo pipefail
PARTITION=$1
JOB_NAME=$2
CONFIG=$3
GPUS=${GPUS:-8}
GPUS_PER_NODE=${GPUS_PER_NODE:-8}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
SRUN_ARGS=${SRUN_ARGS:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# The project's .venv when it exists (make setup), else the python on PATH.
[[ -x $ROOT/.venv/bin/python ]] && default_python=$ROOT/.venv/bin/python || default_python=python
PYTHON=${PYTHON:-$default_python}

PYTHONPATH="$ROOT:${PYTHONPATH:-}" \
srun -p "$PARTITION" --job-name="$JOB_NAME" --gres=gpu:"$GPUS_PER_NODE" --ntasks="$GPUS" \
    --ntasks-per-node="$GPUS_PER_NODE" --cpus-per-task="$CPUS_PER_TASK" --kill-on-bad-exit=1 $SRUN_ARGS \
    "$PYTHON" -u "$ROOT/tools/train.py" "$CONFIG" --launcher slurm "${@:4}"
