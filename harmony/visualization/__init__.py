"""Pictures of what a Harmony model learned: patch-feature PCA, CLS attention, MAE reconstructions, run curves."""
from .cls_attention import cls_attention
from .images import load_image_folder, save_panels, to_display
from .mae_reconstruction import mae_reconstruction
from .patch_pca import pca_rgb
from .training_curves import CURVE_GROUPS, plot_training_curves, read_scalars

__all__ = ['CURVE_GROUPS', 'cls_attention', 'load_image_folder', 'mae_reconstruction', 'pca_rgb',
           'plot_training_curves', 'read_scalars', 'save_panels', 'to_display']
