"""Import graph of the harmony package: cycles between its modules, and the packages each package imports.

Nodes are modules (files); a package is its ``__init__.py``. An edge A -> B is an import statement anywhere in
A (function bodies included) that names B: ``import harmony.x.y`` and ``from harmony.x.y import f`` name
``harmony.x.y``; ``from harmony.x import name`` names ``harmony.x`` and also ``harmony.x.name`` when that is a
module. Relative imports count the same. The parent packages Python runs on the way are not edges: with them
every package's ``__init__`` would close a cycle with the modules it re-exports.

    python tools/analysis/import_graph.py                         # the cycles; exit status 1 if there is any
    python tools/analysis/import_graph.py --packages [--depth 3]  # which harmony packages each one imports
"""
import argparse
import ast
import sys
from collections import deque
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / 'harmony'


def module_files(package=PACKAGE):
    """{dotted module name: file} for every .py file under the package directory."""
    files = {}
    for path in sorted(package.rglob('*.py')):
        parts = path.relative_to(package.parent).with_suffix('').parts
        files['.'.join(parts[:-1] if parts[-1] == '__init__' else parts)] = path
    return files


def _named_modules(node, module, is_package, modules):
    """The modules (of `modules`) that one import statement of `module` names."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name in modules]
    source = node.module
    if node.level:
        parts = module.split('.') if is_package else module.split('.')[:-1]
        parts = parts[:len(parts) - node.level + 1]
        source = '.'.join(parts + ([node.module] if node.module else []))
    named = [f'{source}.{alias.name}' for alias in node.names]
    return [name for name in [source, *named] if name in modules]


def import_graph(package=PACKAGE):
    """{module: {imported module: line of its first import}} among the modules under `package`."""
    files = module_files(package)
    graph = {}
    for module, path in files.items():
        edges = graph[module] = {}
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in _named_modules(node, module, path.name == '__init__.py', files):
                    if target != module:
                        edges[target] = min(edges.get(target, node.lineno), node.lineno)
    return graph


def strongly_connected(graph):
    """Tarjan's strongly connected components of more than one module, each sorted, in sorted order."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while not group or group[-1] != node:
                group.append(stack.pop())
                on_stack.discard(group[-1])
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def shortest_cycle(graph, group):
    """A shortest cycle through the group's first module, staying inside the group: [m0, m1, ..., m0]."""
    start, members = group[0], set(group)
    previous, queue = {}, deque([start])
    while queue:
        node = queue.popleft()
        for target in sorted(graph[node]):
            if target == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [*reversed(path), start]
            if target in members and target not in previous:
                previous[target] = node
                queue.append(target)
    raise ValueError(f'{group} is not a cycle')


def cycles(graph):
    """One shortest cycle per strongly connected group of modules: [[m0, m1, ..., m0], ...]."""
    return [shortest_cycle(graph, group) for group in strongly_connected(graph)]


def package_imports(graph, depth=2):
    """{package: sorted packages it imports}, modules grouped by their first `depth` name parts."""
    def package(module):
        return '.'.join(module.split('.')[:depth])

    imports = {}
    for module, edges in graph.items():
        imported = imports.setdefault(package(module), set())
        imported.update(package(target) for target in edges if package(target) != package(module))
    return {name: sorted(imported) for name, imported in sorted(imports.items())}


def format_cycle(graph, cycle):
    """One line per import of the cycle: 'module:line -> imported module'."""
    return '\n'.join(f'  {a}:{graph[a][b]} -> {b}' for a, b in zip(cycle, cycle[1:]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--packages', action='store_true', help='list the harmony packages each package imports')
    parser.add_argument('--depth', type=int, default=2, help='name parts per package (2: harmony.models)')
    args = parser.parse_args()
    graph = import_graph()
    if args.packages:
        for name, imported in package_imports(graph, args.depth).items():
            print(f'{name}: {", ".join(imported) or "-"}')
        return 0
    groups = strongly_connected(graph)
    edges = sum(len(targets) for targets in graph.values())
    print(f'{len(graph)} modules, {edges} imports between them, {len(groups)} import cycle(s)')
    for number, group in enumerate(groups, 1):
        print(f'cycle {number} ({len(group)} modules import each other: {", ".join(group)}):')
        print(format_cycle(graph, shortest_cycle(graph, group)))
    return 1 if groups else 0


if __name__ == '__main__':
    sys.exit(main())
