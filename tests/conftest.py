import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope='session')
def demo_data(tmp_path_factory):
    """The tiny demo world (64 px), generated once per test session."""
    from harmony.demo import generate_demo_data
    out = tmp_path_factory.mktemp('demo')
    generate_demo_data(out, seed=0, size='tiny', image_size=64)
    return out


def run_tool(*args, cwd=REPO, env=None, check=True, timeout=600):
    """Run a repository tool with this interpreter; returns the CompletedProcess (stdout+stderr in .stdout)."""
    full_env = {**os.environ, 'PYTHONPATH': str(REPO), 'PYTHON': sys.executable, 'OMP_NUM_THREADS': '1', **(env or {})}
    command = [str(a) for a in args]
    if command[0].endswith('.py'):
        command = [sys.executable] + command
    result = subprocess.run(command, cwd=cwd, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f'{" ".join(command)} failed ({result.returncode}):\n{result.stdout[-6000:]}')
    return result
