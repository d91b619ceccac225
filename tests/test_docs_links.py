"""The documentation holds together: every relative link of README.md and docs/en/*.md points to an existing file
(and, for a Markdown target with #anchor, to one of its headings); the README stays short and links every guide;
docs/en/configs.md names every config."""
import re
from pathlib import Path

import pytest

from tests.conftest import REPO

DOCS = [REPO / 'README.md', *sorted((REPO / 'docs' / 'en').glob('*.md'))]
LINK = re.compile(r'!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(([^)\s]+)(?:\s+"[^"]*")?\)')
FENCE = re.compile(r'^(```|~~~).*?^\1', re.M | re.S)
README_LIMIT = 10240


def _text(path):
    """The Markdown without its fenced code blocks (a link-like text in code is not a link)."""
    return FENCE.sub('', path.read_text(encoding='utf-8'))


def _slug(heading):
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r'[^\w\- ]', '', heading.strip().lower().replace('`', ''))
    return text.replace(' ', '-')


def _anchors(path):
    anchors, seen = set(), {}
    for line in _text(path).splitlines():
        match = re.match(r'^#{1,6}\s+(.*?)\s*#*\s*$', line)
        if match:
            slug = _slug(match.group(1))
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            anchors.add(slug if count == 0 else f'{slug}-{count}')
    return anchors


def _relative_links(path):
    for target in LINK.findall(_text(path)):
        if re.match(r'^[a-z][a-z0-9+.-]*:', target, re.I):  # http:, https:, mailto:
            continue
        yield target


@pytest.mark.parametrize('doc', DOCS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_points_to_an_existing_file_and_heading(doc):
    broken = []
    for target in _relative_links(doc):
        file_part, _, anchor = target.partition('#')
        resolved = (doc.parent / file_part).resolve() if file_part else doc
        if not resolved.exists():
            broken.append(f'{target}: no file {resolved}')
        elif anchor and resolved.suffix == '.md' and anchor not in _anchors(resolved):
            broken.append(f'{target}: no heading #{anchor} in {resolved.name}')
    assert not broken, f'{doc.relative_to(REPO)}: ' + '; '.join(broken)


def test_readme_is_short_and_links_every_guide():
    readme = REPO / 'README.md'
    assert readme.stat().st_size <= README_LIMIT, f'README.md has {readme.stat().st_size} bytes (limit {README_LIMIT})'
    linked = {(readme.parent / t.partition('#')[0]).resolve() for t in _relative_links(readme)}
    unlinked = [p.name for p in DOCS[1:] if p.resolve() not in linked]
    assert not unlinked, f'README.md does not link the guide(s) {unlinked}'


def test_configs_guide_names_every_config():
    guide = (REPO / 'docs' / 'en' / 'configs.md').read_text(encoding='utf-8')
    configs = REPO / 'configs'
    missing = [str(p.relative_to(configs)) for p in sorted(configs.rglob('*.py'))
               if f'`{p.relative_to(configs)}`' not in guide]
    assert not missing, f'docs/en/configs.md does not list {missing} (one line per file, path relative to configs/)'
