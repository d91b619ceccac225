#!/usr/bin/env bash
# The main job on the embedded demo data in data/demo (run by `make demo` after set-up and data generation).
# PYTHON defaults to .venv/bin/python. Steps:
#   1  upstream mmseg Semantic FPN R-18 from scratch on the demo segmentation set (train, test: mIoU)
#   2  Harmony pre-training (all five objectives) of the demo ViT on the demo image-text pairs (zero-shot on the
#      demo classes after each epoch)
#   3  evaluation of its EMA teacher: zero-shot classification, image-text retrieval, export of the backbone,
#      kNN and linear probe
#   4  fine-tune of that backbone on the demo classes (the ImageNet fine-tune twin): top-1
#   5  UperNet (ADE20K twin) and Mask R-CNN (COCO twin) on that backbone: mIoU and box/mask AP from mmseg's and
#      mmdet's own evaluators
# Then one table, and tools/analysis/collect_results.py over work_dirs/demo (one row, the paper's columns).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
WORK=work_dirs/demo
SEG_BASELINE=configs/demo/fpn-r18_demo-ade-64x64.py
PRETRAIN=configs/demo/harmony_vit-demo_demo-pretrain.py
RETRIEVAL=configs/demo/retrieval_harmony-vit-demo_demo.py
PROBE=configs/demo/probe_vit-demo_demo-cls-64x64.py
CLS=configs/demo/vit-demo_finetune_demo-cls-64x64.py
UPERNET=configs/demo/upernet_harmony-vit-demo_demo-ade-64x64.py
MASK_RCNN=configs/demo/mask-rcnn_harmony-vit-demo-fpn_demo-coco.py

metric() {  # metric LOG KEY [SCALE]: KEY of the `metrics: {json}` line of a tools/test.py log, times SCALE
    "$PYTHON" -c 'import json, sys
line = [l for l in open(sys.argv[1]) if l.startswith("metrics: ")][-1]
print("%.2f" % (json.loads(line[len("metrics: "):])[sys.argv[2]] * float(sys.argv[3])))' "$1" "$2" "${3:-1}"
}

train_and_test() {  # train_and_test NAME CONFIG [cfg-options...]: train, then evaluate the last checkpoint
    local name=$1 config=$2
    shift 2
    local options=()
    [[ $# -gt 0 ]] && options=(--cfg-options "$@")
    "$PYTHON" tools/train.py "$config" --work-dir "$WORK/$name" "${options[@]}"
    "$PYTHON" tools/test.py "$config" "$(cat "$WORK/$name/last_checkpoint")" --work-dir "$WORK/$name/test" \
        "${options[@]}" | tee "$WORK/$name.test.log"
}

echo "== [1/6] upstream mmseg Semantic FPN R-18 on the demo segmentation set =="
train_and_test seg_fpn "$SEG_BASELINE"

echo "== [2/6] Harmony pre-training on the demo image-text pairs: $PRETRAIN =="
"$PYTHON" tools/train.py "$PRETRAIN" --work-dir "$WORK/pretrain"

echo "== [3/6] evaluate the EMA teacher: zero-shot, retrieval, export, kNN and linear probe =="
CKPT=$(cat "$WORK/pretrain/last_checkpoint")
"$PYTHON" tools/test.py "$PRETRAIN" "$CKPT" --work-dir "$WORK/zeroshot" | tee "$WORK/zeroshot.test.log"
"$PYTHON" tools/test.py "$RETRIEVAL" "$CKPT" --work-dir "$WORK/retrieval" | tee "$WORK/retrieval.test.log"
BACKBONE=$WORK/backbone.safetensors
"$PYTHON" tools/export_backbone.py "$CKPT" "$BACKBONE"
"$PYTHON" tools/probe.py "$PROBE" "$BACKBONE" --work-dir "$WORK/probe" | tee "$WORK/probe.test.log"

echo "== [4/6] fine-tune on the demo classes =="
train_and_test cls "$CLS" model.backbone.init_cfg.checkpoint="$BACKBONE"

echo "== [5/6] UperNet with the exported backbone =="
train_and_test upernet "$UPERNET" model.backbone.init_cfg.checkpoint="$BACKBONE"

echo "== [6/6] Mask R-CNN with the exported backbone =="
train_and_test mask_rcnn "$MASK_RCNN" model.backbone.init_cfg.checkpoint="$BACKBONE"

losses() {  # the last logged value of every loss of the pre-training run
    "$PYTHON" -c 'import glob, json, sys
records = [json.loads(l) for l in open(sorted(glob.glob(sys.argv[1] + "/*/vis_data/scalars.json"))[-1])]
first, last = next(r for r in records if "loss" in r), [r for r in records if "loss" in r][-1]
print(", ".join("%s %.2f -> %.2f" % (k[5:], first[k], last[k]) for k in sorted(last) if k.startswith("loss_")))' "$1"
}

echo
echo "Demo results (data/demo, validation splits)"
echo "| task | model | metric | value |"
echo "|---|---|---|---|"
echo "| pre-training | Harmony, demo ViT, 2 epochs of 4,000 pairs | losses (first -> last logged) | $(losses "$WORK/pretrain") |"
echo "| zero-shot classification | EMA teacher, 10 shapes x 4 prompts | top-1 / top-5 | $(metric "$WORK/zeroshot.test.log" accuracy/top1) / $(metric "$WORK/zeroshot.test.log" accuracy/top5) |"
echo "| retrieval | EMA teacher, 200 images x 3 captions | image->text / text->image R@1 | $(metric "$WORK/retrieval.test.log" retrieval/i2t_R@1) / $(metric "$WORK/retrieval.test.log" retrieval/t2i_R@1) |"
echo "| kNN (k=20) | frozen EMA backbone, CLS | top-1 | $(metric "$WORK/probe.test.log" knn/top1) |"
echo "| linear probe | frozen EMA backbone, CLS + mean patch, lr chosen on held-out train | top-1 | $(metric "$WORK/probe.test.log" linear/top1) |"
echo "| segmentation | Semantic FPN R-18, from scratch, 1000 iters | mIoU | $(metric "$WORK/seg_fpn.test.log" mIoU) |"
echo "| classification | demo ViT (Harmony), fine-tuned 10 epochs | top-1 | $(metric "$WORK/cls.test.log" accuracy/top1) |"
echo "| segmentation | UperNet + demo ViT (Harmony), 400 iters | mIoU | $(metric "$WORK/upernet.test.log" mIoU) |"
echo "| detection | Mask R-CNN + demo ViT (Harmony), 3 epochs | box AP | $(metric "$WORK/mask_rcnn.test.log" coco/bbox_mAP 100) |"
echo "| instance segmentation | Mask R-CNN + demo ViT (Harmony), 3 epochs | mask AP | $(metric "$WORK/mask_rcnn.test.log" coco/segm_mAP 100) |"
echo
echo "tools/analysis/collect_results.py $WORK:"
"$PYTHON" tools/analysis/collect_results.py "$WORK"
