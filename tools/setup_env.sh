#!/usr/bin/env bash
# Create or update the project's virtual environment (.venv) with the pinned stack.
#
# Idempotent: when .venv already matches requirements/*.txt, setup.py and this script, it returns in
# a second. mmcv 2.1.0 is built from its source release once per machine (C++20 fix, below) and
# the wheel is cached in $HARMONY_CACHE (default ~/.cache/harmony), outside the repository.
#
# Environment:
#   PYTHON          interpreter for the venv (default: python3)
#   HARMONY_VENV    venv location (default: <repo>/.venv)
#   HARMONY_CACHE   wheel cache (default: ${XDG_CACHE_HOME:-~/.cache}/harmony)
#   MMCV_CUDA       auto (default): CUDA kernels when torch sees a GPU and nvcc exists; 1: force; 0: CPU only
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=${HARMONY_VENV:-$root/.venv}
cache=${HARMONY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/harmony}
python=${PYTHON:-python3}
stamp=$venv/.harmony-setup

fingerprint=$(cat "$root"/requirements/*.txt "$root/setup.py" "$root/tools/setup_env.sh" | sha256sum | cut -d' ' -f1)
if [[ -f $stamp && $(cat "$stamp") == "$fingerprint" ]]; then
    exit 0
fi
start=$SECONDS
log() { printf '[setup_env %4ds] %s\n' $((SECONDS - start)) "$*"; }

if [[ ! -x $venv/bin/python ]]; then
    log "creating $venv with $($python --version)"
    "$python" -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip --disable-pip-version-check)
# Some machines configure pip with find-links/index folders that do not exist; pip warns once per package.
quiet_pip() { "${pip[@]}" "$@" 2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2); }

log "installing build tools and torch"
quiet_pip install -q -r "$root/requirements/build.txt" -r "$root/requirements/torch.txt"

# mmcv's wheel depends on the torch build and on whether it has CUDA kernels.
read -r torch_version torch_cuda gpu_arch < <("$venv/bin/python" - <<'PY'
import torch
arch = '%d.%d' % torch.cuda.get_device_capability() if torch.cuda.is_available() else 'none'
print(torch.__version__.split('+')[0], torch.version.cuda or 'none', arch)
PY
)
cuda=${MMCV_CUDA:-auto}
if [[ $cuda == auto ]]; then
    cuda=0
    [[ $torch_cuda != none && $gpu_arch != none ]] && command -v nvcc >/dev/null && cuda=1
fi
if [[ $cuda == 1 ]]; then
    variant=cu${torch_cuda}-sm${gpu_arch}
else
    variant=cpu
fi
wheel_dir=$cache/wheels/mmcv-2.1.0-torch${torch_version}-${variant}

if ! compgen -G "$wheel_dir/mmcv-2.1.0-*.whl" >/dev/null; then
    log "building mmcv 2.1.0 ($variant) once for this machine into $wheel_dir (about 15 min on 2 cores)"
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    quiet_pip download -q --no-deps --no-binary :all: mmcv==2.1.0 -d "$work"
    tar -xzf "$work"/mmcv-2.1.0.tar.gz -C "$work"
    # torch >= 2.10 headers need C++20; mmcv hard-codes -std=c++17 with no way to override it.
    sed -i 's/-std=c++17/-std=c++20/g' "$work/mmcv-2.1.0/setup.py"
    build_env=(MMCV_WITH_OPS=1 "MAX_JOBS=${MAX_JOBS:-$(nproc)}")
    if [[ $cuda == 1 ]]; then
        build_env+=(FORCE_CUDA=1 "TORCH_CUDA_ARCH_LIST=${TORCH_CUDA_ARCH_LIST:-$gpu_arch}")
    fi
    (cd "$work/mmcv-2.1.0" && env "${build_env[@]}" "${pip[@]}" wheel -q --no-build-isolation --no-deps -w "$work/dist" .)
    # Publish atomically: an interrupted build leaves no wheel behind.
    mkdir -p "$(dirname "$wheel_dir")"
    mv "$work/dist" "$wheel_dir.tmp.$$"
    mv -T "$wheel_dir.tmp.$$" "$wheel_dir"
fi

log "installing the OpenMMLab stack, runtime and test requirements"
quiet_pip install -q "$wheel_dir"/mmcv-2.1.0-*.whl \
    -r "$root/requirements/mminstall.txt" -r "$root/requirements/runtime.txt" -r "$root/requirements/tests.txt"
quiet_pip install -q --no-build-isolation --no-deps -e "$root"

log "checking the installation"
"$venv/bin/python" - "$cuda" <<'PY'
import sys
import torch
import mmcv, mmdet, mmengine, mmpretrain, mmseg, open_clip  # noqa: F401
from mmcv.ops import nms
import harmony  # noqa: F401
boxes = torch.tensor([[0., 0., 10., 10.], [1., 1., 10., 10.], [20., 20., 30., 30.]])
scores = torch.tensor([0.9, 0.8, 0.7])
assert nms(boxes, scores, 0.5)[1].tolist() == [0, 2], 'mmcv.ops.nms gives a wrong result on CPU'
if sys.argv[1] == '1':
    keep = nms(boxes.cuda(), scores.cuda(), 0.5)[1]
    assert keep.is_cuda and keep.tolist() == [0, 2], 'mmcv.ops.nms gives a wrong result on CUDA'
print(f'torch {torch.__version__}, mmcv {mmcv.__version__} (ops: {"cuda+cpu" if sys.argv[1] == "1" else "cpu"}), '
      f'mmengine {mmengine.__version__}, mmpretrain {mmpretrain.__version__}, mmseg {mmseg.__version__}, '
      f'mmdet {mmdet.__version__}, open_clip {open_clip.__version__}')
PY
echo "$fingerprint" > "$stamp"
log "done: $venv ($(du -sh "$venv" | cut -f1))"
