import pytest

from shian.evidence.tests.factories import CHOUJIAN, docx_bytes, upload
from shian.framework.models import MaterialRequirement


@pytest.fixture
def ev(cast):
    """The cast plus a requirement under another indicator (食品抽检) for matching and checks."""
    cast.req_kaohe = cast.items[0].materials.get()
    cast.req_shitang = cast.items[1].materials.get()
    cast.req_choujian = MaterialRequirement.objects.create(
        item=cast.items[2],
        seq=1,
        name="食品抽检计划及抽检结果通报",
        description="年度抽检计划、抽检结果公开",
        provider=cast.market,
    )
    return cast


@pytest.fixture
def choujian_docx():
    return upload("抽检计划.docx", docx_bytes(*CHOUJIAN))


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test writes its files to its own folder, so orphan-file checks see only their own."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"
