#!/usr/bin/env bash
# Pre-train one demo config and evaluate it on every demo task (the body of tools/demo.sh and tools/study.sh):
#   [SEED=N] bash tools/pipeline.sh PRETRAIN_CONFIG WORK_DIR [--random-init]
# SEED (default 0) seeds the pre-training (or the random initialisation) and every downstream training;
# DOWNSTREAM (default "cls upernet mask_rcnn"; empty: none) chooses the step-4 trainings.
# 1 pre-training (tools/train.py; zero-shot on the demo shapes after each epoch); with --random-init no training:
#   the config's model as initialised (tools/init_checkpoint.py), the baseline of steps 3 and 4
# 2 with CLIP towers: zero-shot shapes and colours, image-text retrieval (EMA teacher; the student's without one)
# 3 export of the backbone (EMA teacher; the student's when the objectives build no teacher), kNN + linear probe;
#   the same towers exported for timm (and, with CLIP towers, open_clip), each loaded back strictly: one line each
# 4 fine-tune on the demo classes, UperNet (ADE20K twin) and Mask R-CNN (COCO twin) on that backbone
# Every evaluation writes WORK_DIR/<step>.test.log (last line `metrics: {json}`) for tools/analysis/collect_results.py.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
PRETRAIN=$1
WORK=$2
RANDOM_INIT=${3:-}
SEED=${SEED:-0}
SEEDED=randomness.seed=$SEED
read -r -a DOWNSTREAM <<< "${DOWNSTREAM-cls upernet mask_rcnn}"
[[ -z $RANDOM_INIT || $RANDOM_INIT == --random-init ]] || { echo "unknown option '$RANDOM_INIT'" >&2; exit 2; }
COLOURS=configs/demo/zeroshot-colours_harmony-vit-demo_demo.py
RETRIEVAL=configs/demo/retrieval_harmony-vit-demo_demo.py
PROBE=configs/demo/probe_vit-demo_demo-cls-64x64.py
CLS=configs/demo/vit-demo_finetune_demo-cls-64x64.py
UPERNET=configs/demo/upernet_harmony-vit-demo_demo-ade-64x64.py
MASK_RCNN=configs/demo/mask-rcnn_harmony-vit-demo-fpn_demo-coco.py
declare -A TASK_CONFIGS=([cls]=$CLS [upernet]=$UPERNET [mask_rcnn]=$MASK_RCNN)
for name in "${DOWNSTREAM[@]}"; do
    [[ -n ${TASK_CONFIGS[$name]:-} ]] || { echo "unknown downstream task '$name'; choose from: ${!TASK_CONFIGS[*]}" >&2
                                           exit 2; }
done
START=$SECONDS

step() { echo "== [$(date +%H:%M:%S), $((SECONDS - START)) s] $PRETRAIN: $* =="; }

# the pre-training config's objectives as cfg-options for the evaluation configs (which build every objective of the
# base), whether CLIP towers exist, which backbone the export takes and which CLIP towers evaluation (and the
# open_clip export) take
read -r HAS_CLIP SOURCE CLIP_SOURCE MODEL_OPTIONS < <("$PYTHON" -c 'import sys
from mmengine.config import Config
objectives = Config.fromfile(sys.argv[1]).model.objectives
options = [f"model.objectives.{name}=None" for name, cfg in objectives.items() if cfg is None]
clip = objectives.get("clip")
soft = clip is not None and clip.get("soft_targets", True)
if clip is not None:
    options.append(f"model.objectives.clip.soft_targets={soft}")
source = "teacher" if objectives.get("ibot") is not None or soft else "student"  # a teacher backbone exists
print(clip is not None, source, "teacher" if soft else "student", " ".join(options))' "$PRETRAIN")
read -r -a MODEL <<< "$MODEL_OPTIONS"

if [[ -n $RANDOM_INIT ]]; then
    step "random initialisation (no pre-training)"
    mkdir -p "$WORK/pretrain"
    CKPT=$WORK/pretrain/random_init.pth
    "$PYTHON" tools/init_checkpoint.py "$PRETRAIN" "$CKPT" --seed "$SEED"
else
    step "pre-training"
    "$PYTHON" tools/train.py "$PRETRAIN" --work-dir "$WORK/pretrain" --cfg-options "$SEEDED"
    CKPT=$(cat "$WORK/pretrain/last_checkpoint")
fi

if [[ -z $RANDOM_INIT && $HAS_CLIP == True ]]; then  # a random-init model is at chance: nothing to measure
    step "zero-shot (shapes, colours) and retrieval"
    "$PYTHON" tools/test.py "$PRETRAIN" "$CKPT" --work-dir "$WORK/zeroshot" | tee "$WORK/zeroshot.test.log"
    "$PYTHON" tools/test.py "$COLOURS" "$CKPT" --work-dir "$WORK/zeroshot_colours" --cfg-options "${MODEL[@]}" \
        | tee "$WORK/zeroshot_colours.test.log"
    "$PYTHON" tools/test.py "$RETRIEVAL" "$CKPT" --work-dir "$WORK/retrieval" --cfg-options "${MODEL[@]}" \
        | tee "$WORK/retrieval.test.log"
fi

step "export ($SOURCE backbone), kNN and linear probe"
BACKBONE=$WORK/backbone.safetensors
INIT=model.backbone.init_cfg.checkpoint=$BACKBONE
"$PYTHON" tools/export_backbone.py "$CKPT" "$BACKBONE" --source "$SOURCE"
# timm and open_clip exports of a pre-trained run, loaded back strictly by tools/export_backbone.py --check (its
# line only)
if [[ -z $RANDOM_INIT ]]; then
    "$PYTHON" tools/export_backbone.py "$CKPT" "$WORK/backbone_timm.safetensors" --source "$SOURCE" --format timm \
        --check | grep '^timm export: '
fi
if [[ -z $RANDOM_INIT && $HAS_CLIP == True ]]; then
    "$PYTHON" tools/export_backbone.py "$CKPT" "$WORK/open_clip" --source "$CLIP_SOURCE" --format open_clip --check \
        | grep '^open_clip export: '
fi
"$PYTHON" tools/probe.py "$PROBE" "$BACKBONE" --work-dir "$WORK/probe" | tee "$WORK/probe.test.log"

for name in "${DOWNSTREAM[@]}"; do
    config=${TASK_CONFIGS[$name]}
    step "$name on the exported backbone"
    "$PYTHON" tools/train.py "$config" --work-dir "$WORK/$name" --cfg-options "$INIT" "$SEEDED"
    "$PYTHON" tools/test.py "$config" "$(cat "$WORK/$name/last_checkpoint")" --work-dir "$WORK/$name/test" \
        --cfg-options "$INIT" | tee "$WORK/$name.test.log"
done
step "done"
