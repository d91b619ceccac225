"""Harmony: joint vision-language and self-supervised pre-training of ViTs on OpenMMLab 2.x.

The distribution is ``harmony-vision`` (``harmony`` on the package index is an unrelated project);
the import name is ``harmony``. Install with ``make setup`` (see README), which pins the whole stack.
"""
from pathlib import Path

from setuptools import find_packages, setup


def read_requirements(name):
    lines = Path(__file__).with_name('requirements').joinpath(name).read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith('#')]


setup(
    name='harmony-vision',
    version='0.1.0',
    description='Harmony: joint vision-language and self-supervised pre-training (arXiv 2405.14239)',
    long_description=Path(__file__).with_name('README.md').read_text(),
    long_description_content_type='text/markdown',
    license='Apache-2.0',
    python_requires='>=3.10',
    packages=find_packages(include=['harmony', 'harmony.*']),
    include_package_data=True,
    install_requires=read_requirements('torch.txt') + read_requirements('mminstall.txt')
    + read_requirements('runtime.txt'),
    extras_require={'tests': read_requirements('tests.txt')},
)
