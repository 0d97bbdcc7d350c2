"""Registered public data files, their loaders and schemas."""

from hinterland.data.registry import REGISTRY, data_dir, data_path, verify_all
from hinterland.data.rurality import RUCA_TO_RURALITY, RURALITY_CLASSES, is_nonmetro
from hinterland.data.zip_areas import ZIP_AREA_COLUMNS, zip_areas

__all__ = [
    "REGISTRY",
    "RUCA_TO_RURALITY",
    "RURALITY_CLASSES",
    "ZIP_AREA_COLUMNS",
    "data_dir",
    "data_path",
    "is_nonmetro",
    "verify_all",
    "zip_areas",
]
