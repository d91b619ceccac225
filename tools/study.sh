#!/usr/bin/env bash
# The paper's study in miniature (`make study`): tools/pipeline.sh for Harmony and each of its ablations on the
# demo data, same budget each (250 pre-training steps, the same downstream schedules), then
#   work_dirs/study/RESULTS.md     tools/analysis/collect_results.py over the runs (one row each)
#   work_dirs/study/*.png          training curves of each pre-training run
# About 80 minutes on 2 CPU cores (pre-training 1.5-6 min per run, downstream ~4 min per run).
# STUDY_RUNS="harmony clip-only" limits the runs (names as below).
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHON=${PYTHON:-.venv/bin/python}
WORK=work_dirs/study
declare -A CONFIGS=(
    [harmony]=configs/demo/harmony_vit-demo_demo-pretrain.py
    [clip-only]=configs/demo/ablations/harmony_vit-demo_demo-pretrain_clip-only.py
    [ibot-only]=configs/demo/ablations/harmony_vit-demo_demo-pretrain_ibot-only.py
    [mae-only]=configs/demo/ablations/harmony_vit-demo_demo-pretrain_mae-only.py
    [clip-ibot]=configs/demo/ablations/harmony_vit-demo_demo-pretrain_clip-ibot.py
    [clip-mae]=configs/demo/ablations/harmony_vit-demo_demo-pretrain_clip-mae.py
    [no-soft-targets]=configs/demo/ablations/harmony_vit-demo_demo-pretrain_no-soft-targets.py
    [no-text-objectives]=configs/demo/ablations/harmony_vit-demo_demo-pretrain_no-text-objectives.py
)
RUNS=(${STUDY_RUNS:-harmony clip-only ibot-only mae-only clip-ibot clip-mae no-soft-targets no-text-objectives})
for run in "${RUNS[@]}"; do
    [[ -n ${CONFIGS[$run]:-} ]] || { echo "unknown study run '$run'; choose from: ${!CONFIGS[*]}" >&2; exit 2; }
done
mkdir -p "$WORK"
START=$SECONDS
for run in "${RUNS[@]}"; do
    if [[ -f $WORK/$run/mask_rcnn.test.log ]]; then
        echo "== $run: already complete in $WORK/$run (delete it to rerun) =="
        continue
    fi
    rm -rf "${WORK:?}/$run"
    echo "== study run $run ($((SECONDS - START)) s so far) =="
    bash tools/pipeline.sh "${CONFIGS[$run]}" "$WORK/$run"
    "$PYTHON" tools/visualization/training_curves.py "$WORK/$run/pretrain" --out "$WORK/curves_$run.png"
done
"$PYTHON" tools/analysis/collect_results.py "${RUNS[@]/#/$WORK/}" --out "$WORK/RESULTS.md"
echo "study done in $(((SECONDS - START) / 60)) min: $WORK/RESULTS.md"
