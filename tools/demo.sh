#!/usr/bin/env bash
# The main job on the embedded demo data in data/demo (run by `make demo` after set-up and data generation).
# PYTHON defaults to .venv/bin/python. Steps:
#   1-2  upstream mmseg Semantic FPN R-18 from scratch on the demo segmentation set (train, test: mIoU)
#   3-4  a stand-in HarmonyViT backbone: the ImageNet fine-tune twin trained from scratch on the demo classes,
#        exported with tools/export_backbone.py (the Harmony pre-training replaces this step when it lands)
#   5-6  that backbone in UperNet (ADE20K twin) and Mask R-CNN (COCO twin): fine-tune, then mIoU and box/mask AP
#        from mmseg's and mmdet's own evaluators
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
WORK=work_dirs/demo
SEG_BASELINE=configs/demo/fpn-r18_demo-ade-64x64.py
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

echo "== [1-2/6] upstream mmseg Semantic FPN R-18 on the demo segmentation set =="
train_and_test seg_fpn "$SEG_BASELINE"

echo "== [3/6] stand-in HarmonyViT backbone: $CLS from scratch =="
train_and_test cls "$CLS" model.backbone.init_cfg=None

echo "== [4/6] export the backbone =="
"$PYTHON" tools/export_backbone.py "$(cat "$WORK/cls/last_checkpoint")" "$WORK/backbone.safetensors" --prefix backbone.

echo "== [5/6] UperNet with the exported backbone =="
train_and_test upernet "$UPERNET" model.backbone.init_cfg.checkpoint="$WORK/backbone.safetensors"

echo "== [6/6] Mask R-CNN with the exported backbone =="
train_and_test mask_rcnn "$MASK_RCNN" model.backbone.init_cfg.checkpoint="$WORK/backbone.safetensors"

echo
echo "Demo results (data/demo, validation splits)"
echo "| task | model | metric | value |"
echo "|---|---|---|---|"
echo "| segmentation | Semantic FPN R-18, from scratch, 1000 iters | mIoU | $(metric "$WORK/seg_fpn.test.log" mIoU) |"
echo "| classification | demo ViT (stand-in backbone), from scratch, 10 epochs | top-1 | $(metric "$WORK/cls.test.log" accuracy/top1) |"
echo "| segmentation | UperNet + demo ViT, 400 iters | mIoU | $(metric "$WORK/upernet.test.log" mIoU) |"
echo "| detection | Mask R-CNN + demo ViT, 3 epochs | box AP | $(metric "$WORK/mask_rcnn.test.log" coco/bbox_mAP 100) |"
echo "| instance segmentation | Mask R-CNN + demo ViT, 3 epochs | mask AP | $(metric "$WORK/mask_rcnn.test.log" coco/segm_mAP 100) |"
