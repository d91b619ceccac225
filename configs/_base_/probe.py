# Frozen-feature probes (tools/probe.py): kNN with k=20 and temperature 0.07 (DINO), a linear probe with one head
# per learning rate, the rate chosen on 10 % of the training split (DINOv2-style sweep, never on the test split).
default_scope = 'harmony'
custom_imports = dict(imports=['harmony'], allow_failed_imports=False)
data_preprocessor = dict(type='PretrainingDataPreprocessor')
probe = dict(
    knn=dict(k=20, temperature=0.07),
    linear=dict(lrs=(1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0), epochs=100, batch_size=256, holdout=0.1))
