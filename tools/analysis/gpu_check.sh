#!/usr/bin/env bash
# The prepared GPU check of the performance issue: Harmony against open_clip CLIP, ViT-S/16 and ViT-B/16, batch 96
# per GPU, bf16 autocast, on one CUDA device; Markdown tables (step time, GFLOP/sample, TFLOP/s, MFU, peak memory,
# per-part breakdown) in OUT_DIR. About 2 minutes per model on an H100-class GPU; each model is cut at 270 s. Then
# the data pipeline of ViT-S/16 on 256-px JPEG shards with 8 workers, both photometric paths, the device part timed
# on CUDA (data.md; about a minute).
#   bash tools/analysis/gpu_check.sh [OUT_DIR]        (default work_dirs/gpu_check; PYTHON=... to choose python)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-work_dirs/gpu_check}
PYTHON=${PYTHON:-python}
mkdir -p "$OUT"
"$PYTHON" -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 'gpu_check.sh needs a CUDA device')"
[ -d data/demo/pretrain/files ] || "$PYTHON" tools/data/make_demo_data.py data/demo
{ date -u +%F; nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader; } > "$OUT/device.txt"
for config in vits16_cc3m vitb16_cc3m; do
    timeout 270 "$PYTHON" tools/analysis/benchmark.py "configs/harmony/$config.py" --batch 96 --steps 5 --warmup 2 \
        --device cuda --amp --out "$OUT/$config.md" 2>&1 | tee "$OUT/$config.log" | grep -v -i warn || true
done
timeout 180 "$PYTHON" tools/analysis/benchmark_data.py configs/harmony/vits16_cc3m.py --shards "$OUT/shards" \
    --write-shards 1000 --samples 64 --workers 8 --batches 10 2>&1 | grep -v -i 'warn\|INFO' > "$OUT/data.md" || true
cat "$OUT/device.txt" "$OUT"/*.md
