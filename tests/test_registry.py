import pytest
from mmengine import registry as mmengine_registry
from mmengine.registry import DefaultScope, Registry

from harmony import register_all_modules
from harmony import registry as harmony_registry


def _root_registries():
    return {name: obj for name, obj in vars(mmengine_registry).items()
            if isinstance(obj, Registry) and obj.parent is None and obj.scope == 'mmengine'}


def test_every_mmengine_root_has_a_harmony_child():
    roots = _root_registries()
    assert 'FUNCTIONS' in roots and len(roots) >= 22
    for name, root in roots.items():
        child = getattr(harmony_registry, name)
        assert child.parent is root, name
        assert child.scope == 'harmony'
        assert root._children['harmony'] is child


def test_datasets_registry_is_lazy():
    assert harmony_registry.DATASETS._locations == ['harmony.datasets', 'harmony.demo.datasets']
    assert harmony_registry.DATASETS.get('DemoSegDataset').__name__ == 'DemoSegDataset'


def test_register_all_modules_sets_default_scope():
    register_all_modules(init_default_scope=True)
    assert DefaultScope.get_current_instance().scope_name == 'harmony'
    assert 'DemoCocoDataset' in harmony_registry.DATASETS.module_dict


@pytest.mark.parametrize('scope,registry_module', [('mmseg', 'mmseg.registry'), ('mmdet', 'mmdet.registry')])
def test_harmony_names_build_from_upstream_scopes(scope, registry_module, demo_data):
    import importlib
    datasets = importlib.import_module(registry_module).DATASETS
    configs = {
        'mmseg': dict(type='harmony.DemoSegDataset', data_root=str(demo_data / 'ade'),
                      data_prefix=dict(img_path='images/training', seg_map_path='annotations/training'),
                      pipeline=[dict(type='LoadImageFromFile')]),
        'mmdet': dict(type='harmony.DemoCocoDataset', data_root=str(demo_data / 'coco'),
                      ann_file='annotations/instances_train2017.json', data_prefix=dict(img='train2017/'),
                      pipeline=[dict(type='LoadImageFromFile')]),
    }
    with DefaultScope.overwrite_default_scope(scope):
        dataset = datasets.build(configs[scope])
        # An upstream transform resolves in the same build: the default scope is the upstream one.
        assert type(dataset.pipeline.transforms[0]).__module__.startswith(('mmcv', scope))
    assert type(dataset).__module__.startswith('harmony.')
    assert len(dataset) == 12
