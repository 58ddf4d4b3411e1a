"""viz: an event-timeline and relationship visualiser for sourced datasets."""

__version__ = "0.1.0"

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ASSETS_DIR = REPO_ROOT / "assets"


def default_data_dir() -> Path:
    """``$VIZ_DATA`` if set, else the India–Israel dataset shipped in ``data/``."""
    return Path(os.environ.get("VIZ_DATA") or REPO_ROOT / "data" / "india-israel")
