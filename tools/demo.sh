#!/usr/bin/env bash
# The main job on the embedded demo data (run by `make demo` after set-up and data generation).
#   tools/demo.sh [DATA_DIR]    (default data/demo; PYTHON defaults to .venv/bin/python)
# Today: an upstream mmseg model (Semantic FPN, ResNet-18) trained and evaluated on the demo segmentation set through
# tools/train.py and tools/test.py; the Harmony pre-training joins here as it lands.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-data/demo}
PYTHON=${PYTHON:-.venv/bin/python}
WORK=work_dirs/demo
SEG_CONFIG=configs/demo/fpn-r18_demo-ade-64x64.py
data_options=()
if [[ $DATA != data/demo ]]; then
    for loader in train val test; do data_options+=("${loader}_dataloader.dataset.data_root=$DATA/ade"); done
fi
options=()
[[ ${#data_options[@]} -gt 0 ]] && options=(--cfg-options "${data_options[@]}")

echo "== [1/2] train $SEG_CONFIG on $DATA/ade (upstream mmseg Semantic FPN R-18, CPU) =="
"$PYTHON" tools/train.py "$SEG_CONFIG" --work-dir "$WORK/seg_fpn" "${options[@]}"
checkpoint=$(cat "$WORK/seg_fpn/last_checkpoint")

echo "== [2/2] evaluate $checkpoint with mmseg's IoUMetric =="
"$PYTHON" tools/test.py "$SEG_CONFIG" "$checkpoint" --work-dir "$WORK/seg_fpn/test" "${options[@]}" \
    | tee "$WORK/seg_fpn_test.log"
miou=$(sed -n 's/^metrics: .*"mIoU": \([0-9.]*\).*/\1/p' "$WORK/seg_fpn_test.log")
miou=$(printf '%.2f' "$miou")
echo
echo "Demo results (data: $DATA)"
echo "| task | model | metric | value |"
echo "|---|---|---|---|"
echo "| demo segmentation (val) | Semantic FPN R-18, from scratch, 1000 iters | mIoU | $miou |"
