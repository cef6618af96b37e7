"""The sample framework shipped with shian (fixtures/sample_framework.yaml), clearly marked 示例."""

from pathlib import Path

import yaml

from shian.framework.treedata import clean_tree

SAMPLE_PATH = Path(__file__).parent / "fixtures" / "sample_framework.yaml"


def sample_tree() -> dict:
    with SAMPLE_PATH.open(encoding="utf-8") as fh:
        return clean_tree(yaml.safe_load(fh))


def load_sample_framework(owner_region=None, *, actor=None):
    """Create the sample framework, its unit names resolved against `owner_region`'s units."""
    from shian.framework.services import create_framework_from_tree

    return create_framework_from_tree(
        sample_tree(),
        owner_region=owner_region,
        actor=actor,
        event="sample_framework_loaded",
        note="载入示例评价细则",
    )
