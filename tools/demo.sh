#!/usr/bin/env bash
# The main job on the embedded demo data in data/demo (run by `make demo` after set-up and data generation).
# PYTHON defaults to .venv/bin/python. Steps:
#   1  tools/pipeline.sh on the Harmony demo config: pre-training (all five objectives), zero-shot (shapes,
#      colours), retrieval, exports (Harmony, timm, open_clip; each loaded back strictly), kNN/linear probe,
#      fine-tune, UperNet, Mask R-CNN
#   2  the same evaluations of the same model randomly initialised (tools/pipeline.sh --random-init): the baseline
#   3  pictures of the run (tools/visualization): patch PCA, MAE reconstructions, CLS attention, zero-shot
#      confusion on the colours, training curves
# Then one table (tools/analysis/collect_results.py: the pre-trained row, the random-init row and their difference)
# and the list of pictures.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHON=${PYTHON:-.venv/bin/python}
WORK=work_dirs/demo
PRETRAIN=configs/demo/harmony_vit-demo_demo-pretrain.py
COLOURS=configs/demo/zeroshot-colours_harmony-vit-demo_demo.py
IMAGES=data/demo/retrieval/images
mkdir -p "$WORK"

echo "== [1/3] Harmony on the demo image-text pairs, then every evaluation: $PRETRAIN =="
bash tools/pipeline.sh "$PRETRAIN" "$WORK/harmony"

echo "== [2/3] the same evaluations of the randomly initialised model (the baseline row) =="
bash tools/pipeline.sh "$PRETRAIN" "$WORK/random_init" --random-init

echo "== [3/3] pictures =="
CKPT=$(cat "$WORK/harmony/pretrain/last_checkpoint")
PICTURES=$WORK/pictures
"$PYTHON" tools/visualization/pca_features.py "$PRETRAIN" "$CKPT" "$IMAGES" --out "$PICTURES/pca_features.png"
"$PYTHON" tools/visualization/mae_reconstruction.py "$PRETRAIN" "$CKPT" "$IMAGES" \
    --out "$PICTURES/mae_reconstruction.png"
"$PYTHON" tools/visualization/attention_maps.py "$PRETRAIN" "$CKPT" "$IMAGES" --out "$PICTURES/attention_maps.png"
"$PYTHON" tools/visualization/zero_shot_confusion.py "$COLOURS" "$CKPT" --work-dir "$WORK/harmony/confusion" \
    --out "$PICTURES/zero_shot_confusion_colours.png"
"$PYTHON" tools/visualization/training_curves.py "$WORK/harmony/pretrain" --out "$PICTURES/training_curves.png"

"$PYTHON" -c 'import glob, json, math, sys
from mmengine.config import Config
records = [json.loads(l) for l in open(sorted(glob.glob(sys.argv[1] + "/*/vis_data/scalars.json"))[-1])]
first, last = next(r for r in records if "loss" in r), [r for r in records if "loss" in r][-1]
batch = Config.fromfile(sys.argv[2]).train_dataloader.batch_size
print("\nHarmony demo pre-training, losses (first -> last logged): "
      + ", ".join("%s %.2f -> %.2f" % (k[5:], first[k], last[k]) for k in sorted(last) if k.startswith("loss_"))
      + "; the CLIP plateau (no pairing learned) is ln(batch %d) = %.2f" % (batch, math.log(batch)))
' "$WORK/harmony/pretrain" "$PRETRAIN"
echo
echo "Demo results (data/demo validation splits; tools/analysis/collect_results.py $WORK/harmony" \
    "--baseline $WORK/random_init):"
"$PYTHON" tools/analysis/collect_results.py "$WORK/harmony" --baseline "$WORK/random_init" --out "$WORK/RESULTS.md"
echo
echo "Pictures:"
ls -1 "$PICTURES"/*.png
