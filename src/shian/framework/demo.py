"""Demo framework: the shipped sample 评价细则, owned by the demo county."""

from shian.framework.sample import load_sample_framework


def populate(ctx):
    ctx.framework = load_sample_framework(owner_region=ctx.county)
