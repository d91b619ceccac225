"""tools/analysis/import_graph.py: no import cycles between harmony modules, datasets free of model code."""
import importlib.util

from tests.conftest import REPO, run_tool

spec = importlib.util.spec_from_file_location('import_graph', REPO / 'tools' / 'analysis' / 'import_graph.py')
import_graph = importlib.util.module_from_spec(spec)
spec.loader.exec_module(import_graph)


def test_harmony_modules_import_no_cycle():
    graph = import_graph.import_graph()
    assert 'harmony.models.backbones.harmony_vit' in graph['harmony.models.backbones']
    found = import_graph.cycles(graph)
    assert found == [], '\n'.join(import_graph.format_cycle(graph, cycle) for cycle in found)
    result = run_tool('tools/analysis/import_graph.py')
    assert ' 0 import cycle(s)' in result.stdout


def test_datasets_import_neither_models_nor_the_demo():
    graph = import_graph.import_graph()
    datasets = {module: edges for module, edges in graph.items() if module.startswith('harmony.datasets')}
    assert 'harmony.datasets.transforms.caption' in datasets
    leaks = {module: sorted(target for target in edges if target.startswith(('harmony.models', 'harmony.demo')))
             for module, edges in datasets.items()}
    assert {module: targets for module, targets in leaks.items() if targets} == {}
    packages = import_graph.package_imports(graph)
    assert packages['harmony.datasets'] == ['harmony.registry', 'harmony.structures', 'harmony.utils']
    assert 'harmony.engine' not in packages['harmony.visualization']  # the engine's hooks draw with it, not back


def test_cycles_through_package_inits_and_relative_imports_are_found(tmp_path):
    package = tmp_path / 'pkg'
    package.mkdir()
    for name, text in {'__init__': 'from .a import f\n', 'a': 'def f():\n    from pkg import b\n', 'b': '',
                       'c': 'from . import d\n', 'd': 'import pkg.c\n', 'e': 'from pkg.b import x\n'}.items():
        (package / f'{name}.py').write_text(text)
    graph = import_graph.import_graph(package)
    assert graph['pkg.a'] == {'pkg': 2, 'pkg.b': 2} and graph['pkg.e'] == {'pkg.b': 1}
    assert import_graph.cycles(graph) == [['pkg', 'pkg.a', 'pkg'], ['pkg.c', 'pkg.d', 'pkg.c']]
