"""Register every Harmony module, as the OpenMMLab projects do."""
from mmengine.registry import init_default_scope as set_default_scope


def register_all_modules(init_default_scope=True):
    """Import every package that registers modules; optionally make ``harmony`` the default scope.

    Registries also import these packages lazily on first use; this is for code that wants them all at once
    (tests, notebooks) or that builds modules without going through a config.
    """
    import harmony.datasets  # noqa: F401
    import harmony.demo.datasets  # noqa: F401
    import harmony.engine  # noqa: F401
    import harmony.models  # noqa: F401

    if init_default_scope:
        set_default_scope('harmony')
