#!/usr/bin/env bash
# The paper's study in miniature (`make study`): tools/pipeline.sh for Harmony, each of its ablations and the
# random-init baseline on the demo data, each repeated over seeds, same budget each (the demo's pre-training, the
# same evaluations), then
#   work_dirs/study/RESULTS.md     tools/analysis/collect_results.py over the runs: one row each, mean ± half the
#                                  range over the seeds, and each run minus the random-init baseline
#   work_dirs/study/*.png          training curves of each pre-training run (seed 0)
# STUDY_RUNS="harmony clip-only" limits the runs (names as below), STUDY_SEEDS="0 1" chooses the seeds (at least two
# make the spread), STUDY_DOWNSTREAM the trainings after the probes (default none; "cls upernet mask_rcnn" adds the
# fine-tune and the dense twins, ~4 min more per run and seed). Defaults: 9 runs x 2 seeds, about 80 min on 2 CPU
# cores (docs/en/study.md has the measured time). A finished run and seed is kept: rerunning resumes the study.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHON=${PYTHON:-.venv/bin/python}
WORK=work_dirs/study
declare -A CONFIGS=(
    [harmony]=configs/demo/harmony_vit-demo_demo-pretrain.py
    [random-init]=configs/demo/harmony_vit-demo_demo-pretrain.py
    [clip-only]=configs/demo/ablations/harmony_vit-demo_demo-pretrain_clip-only.py
    [ibot-only]=configs/demo/ablations/harmony_vit-demo_demo-pretrain_ibot-only.py
    [mae-only]=configs/demo/ablations/harmony_vit-demo_demo-pretrain_mae-only.py
    [clip-ibot]=configs/demo/ablations/harmony_vit-demo_demo-pretrain_clip-ibot.py
    [clip-mae]=configs/demo/ablations/harmony_vit-demo_demo-pretrain_clip-mae.py
    [no-soft-targets]=configs/demo/ablations/harmony_vit-demo_demo-pretrain_no-soft-targets.py
    [no-text-objectives]=configs/demo/ablations/harmony_vit-demo_demo-pretrain_no-text-objectives.py
)
RUNS=(${STUDY_RUNS:-harmony random-init clip-only no-soft-targets ibot-only mae-only clip-ibot clip-mae
       no-text-objectives})
SEEDS=(${STUDY_SEEDS:-0 1})
export DOWNSTREAM=${STUDY_DOWNSTREAM-}
for run in "${RUNS[@]}"; do
    [[ -n ${CONFIGS[$run]:-} ]] || { echo "unknown study run '$run'; choose from: ${!CONFIGS[*]}" >&2; exit 2; }
done
mkdir -p "$WORK"
START=$SECONDS
for run in "${RUNS[@]}"; do  # every seed of a run before the next run: an interrupted study has whole rows
    for seed in "${SEEDS[@]}"; do
        dir=$WORK/$run/seed$seed
        if [[ -f $dir/done ]]; then
            echo "== $run, seed $seed: already complete in $dir (delete it to rerun) =="
            continue
        fi
        rm -rf "$dir"
        echo "== study run $run, seed $seed ($((SECONDS - START)) s so far) =="
        SEED=$seed bash tools/pipeline.sh "${CONFIGS[$run]}" "$dir" $([[ $run == random-init ]] && echo --random-init)
        if [[ $run != random-init && $seed == "${SEEDS[0]}" ]]; then
            "$PYTHON" tools/visualization/training_curves.py "$dir/pretrain" --out "$WORK/curves_$run.png"
        fi
        touch "$dir/done"
    done
done
TABLE=()  # the runs, then the baseline (argparse takes no positional after an option)
for run in "${RUNS[@]}"; do
    [[ $run == random-init ]] || TABLE+=("$WORK/$run")
done
[[ " ${RUNS[*]} " == *" random-init "* ]] && TABLE+=(--baseline "$WORK/random-init")
"$PYTHON" tools/analysis/collect_results.py "${TABLE[@]}" --out "$WORK/RESULTS.md"
echo "study done in $(((SECONDS - START) / 60)) min: $WORK/RESULTS.md"
