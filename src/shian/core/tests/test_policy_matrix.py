"""The permission matrix, generated from the scope declarations.

For every scoped model and every member of the cast — each role, for its own unit, another unit of
the same county and the other county — the rows `restrict()` returns must equal what a plain Python
reading of the model's declaration (attribute by attribute, no SQL) says the user may see or change.
Then every API endpoint and detail page of those models is tried with every object: what may not be
seen is 404, what may not be changed is refused and stays as it was, and files and exports follow.
A meta-test fails when a model of ours has no declaration (or no generated case) and is not on the
reasoned exemption list.
"""

import io

import openpyxl
import pytest
from django.apps import apps
from django.urls import reverse

from shian.core import policy
from shian.core.api import ScopedViewSetMixin
from shian.core.tests.world import build_world

# Models of ours that carry no scope declaration, and why.
EXEMPT = {
    "core.TableGeneration": "write counters of the page cache (core/pagecache.py): no data, no page or API",
    "core.AuditLog": "the log itself: administrators read it whole; the per-object history page checks the "
    "object's own scope (core.views.AuditHistoryView)",
    "security.LoginFailure": "failed logins, not business data: administrators see them on the lock page",
    "security.PasswordHistory": "password hashes kept for the history rule: shown to nobody, no page or API",
    "notifications.Delivery": "the delivery log holds addresses and phone numbers: administrators only "
    "(deny by default; notifications.views.DeliveryListView)",
    "supervision.RollupSpec": "indicator pre-aggregation (a cache of ledger sums): no page or API; indicators "
    "read it only for regions the user may see",
    "supervision.LedgerRollup": "the same cache's values, per region and month",
    "supervision.RollupDirty": "marks of ledger months to recompute; no page or API",
    "surveys.DeviceMark": "keyed hashes of device tokens that refuse a second answer: shown to nobody, no "
    "page or API, joined to no answer",
}
# Scoped models the world cannot give a row of, and why.
NO_CASE = {}

USERS = [
    "admin",
    "office_user",
    "leader",
    "edu_liaison",
    "edu_head",
    "market_liaison",
    "town_liaison",
    "other_office_user",
    "other_liaison",
    "expert",
    "business_user",
]


@pytest.fixture
def world(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_world(cast)


def ours():
    return [
        m
        for m in apps.get_models()
        if m._meta.app_label in {c.label for c in apps.get_app_configs() if c.name.startswith("shian.")}
    ]


# ------------------------------------------------------------------ the declaration, read in Python


def _values(obj, lookup):
    """Every value `lookup` reaches from `obj`, following to-many relations (no query filters)."""
    current = [obj]
    for name in lookup.split("__"):
        following = []
        for o in current:
            if o is None:
                continue
            if name == "pk":
                following.append(o.pk)
                continue
            value = getattr(o, name)
            if hasattr(value, "all") and callable(value.all) and not isinstance(value, type(obj)):
                following.extend(value.all())
            else:
                following.append(value)
        current = following
    return current


def _pk(v):
    return getattr(v, "pk", v)


def _codes_above(region):
    return [c for c in region.path.strip("/").split("/") if c]


# Python readings of the declarations that are functions rather than lookups.
def _items_held_by(user, score):
    return any(
        user in g.members.all() and score.item in g.items.all() for g in score.assessment.review_groups.all()
    )


def _reviewed_by(user, material):
    if material.item is None:
        return False
    return any(
        user in g.members.all() and g.assessment.campaign_id == material.campaign_id
        for g in material.item.review_groups.all()
    )


def _unit_may_change_value(user, value):
    form_unit = value.metric.form.unit_id
    return (
        value.region_id == user.unit.region_id
        and form_unit in (None, user.unit_id)
        and value.unit_id in (None, user.unit_id)
    )


def _business_unit_writes(user, business):
    inside = business.region.path.startswith(user.unit.region.path)
    return inside and (user.unit.kind == "township" or business.supervising_unit_id == user.unit_id)


def _unit_accounts(user, account):
    return account.role in ("unit_head", "liaison") and not account.is_superuser and not account.is_staff


ORACLES = {
    "_items_held_by": _items_held_by,
    "_reviewed_by": _reviewed_by,
    "_unit_may_change_value": _unit_may_change_value,
    "_unit_accounts": _unit_accounts,
    "_business_unit_writes": _business_unit_writes,
}


def expected(user, action, obj) -> bool:
    model = type(obj)
    scope = getattr(model._default_manager.get_queryset(), "scope", None)
    if user.is_admin:
        return True
    if scope is None:
        return False
    if scope.via:
        return expected(user, action, getattr(obj, scope.via))
    view = action == policy.VIEW
    if user.role == policy.BUSINESS:  # a 企业账号 reads only what reaches its own business
        account = getattr(user, "business_account", None)
        mine = account.business_id if account is not None and account.is_active else None
        return bool(
            scope.business
            and mine
            and (view or scope.business_writes)
            and mine in [_pk(v) for v in _values(obj, scope.business)]
        ) or bool(
            scope.owner
            and (view or scope.owner_writes)
            and user.pk in [_pk(v) for v in _values(obj, scope.owner)]
        )
    if scope.public and view and (scope.public_to_experts or user.role != policy.EXPERT):
        return True
    regions = [r for r in _values(obj, scope.region)] if scope.region else []
    paths = [r.path for r in regions if r is not None]
    if scope.region_path:
        paths += _values(obj, scope.region_path)
    rs = user.region_scope
    if rs is not None and (view or (user.role == policy.OFFICE and scope.office_writes)):
        narrowed = not view and callable(scope.office_writes)
        if any(p.startswith(rs.path) for p in paths) and (
            not narrowed or ORACLES[scope.office_writes.__name__](user, obj)
        ):
            return True
    if user.role in policy.UNIT_ROLES and user.unit_id:
        if not view and callable(scope.unit_writes):
            if ORACLES[scope.unit_writes.__name__](user, obj):
                return True
        elif scope.unit and (view or scope.unit_writes):
            if user.unit_id in [_pk(v) for v in _values(obj, scope.unit)]:
                return True
        if (
            view
            and scope.units_read_above
            and any(r is not None and r.code in _codes_above(user.unit.region) for r in regions)
        ):
            return True
        if view and scope.units_read_below and any(p.startswith(user.unit.region.path) for p in paths):
            return True
    if (
        view
        and user.unit_id
        and scope.everyone_reads_above
        and any(r is not None and r.code in _codes_above(user.unit.region) for r in regions)
    ):
        return True
    if view and scope.unowned_readable and scope.region and any(r is None for r in regions):
        return True
    if user.role == policy.EXPERT:
        grant = scope.expert if view else scope.expert_writes
        if callable(grant) and ORACLES[grant.__name__](user, obj):
            return True
        if isinstance(grant, str) and user.pk in [_pk(v) for v in _values(obj, grant)]:
            return True
    if (
        scope.owner
        and (view or scope.owner_writes)
        and user.pk in [_pk(v) for v in _values(obj, scope.owner)]
    ):
        return True
    return False


# ------------------------------------------------------------------ the generated cases


def test_every_model_of_ours_declares_its_scope_or_is_exempt_with_a_reason():
    scoped = set(policy.scoped_models())
    missing = [m._meta.label for m in ours() if m not in scoped and m._meta.label not in EXEMPT]
    assert not missing, (
        f"models without a scope declaration (add one, or an exemption with a reason): {missing}"
    )
    stale = [label for label in EXEMPT if apps.get_model(label) in scoped]
    assert not stale, f"exempt models that now declare a scope: {stale}"


def test_every_scoped_model_gets_generated_cases(world):
    empty = [
        m._meta.label
        for m in policy.scoped_models()
        if m._meta.label.split(".")[0]
        in {c.label for c in apps.get_app_configs() if c.name.startswith("shian.")}
        and not m._default_manager.exists()
        and m._meta.label not in NO_CASE
    ]
    assert not empty, f"the world has no row of {empty}: add one to core/tests/world.py"


@pytest.mark.parametrize("who", USERS)
def test_restrict_equals_the_declaration_read_in_python(world, who):
    user = getattr(world, who)
    for model in policy.scoped_models():
        rows = list(model._default_manager.all())
        for action in (policy.VIEW, policy.CHANGE):
            got = sorted(model._default_manager.all().restrict(user, action).values_list("pk", flat=True))
            want = sorted(o.pk for o in rows if expected(user, action, o))
            assert got == want, f"{model._meta.label} {action} as {who}: restrict {got} ≠ declaration {want}"


def _api_endpoints():
    from shian.api import router

    for prefix, viewset, _basename in router.registry:
        qs = getattr(viewset, "queryset", None)
        if qs is None:
            qs = getattr(viewset, "base_queryset", None)
        if qs is not None and qs.model in set(policy.scoped_models()):
            yield prefix, viewset, qs.model


@pytest.mark.parametrize(
    "who",
    [
        "office_user",
        "leader",
        "edu_liaison",
        "market_liaison",
        "other_office_user",
        "other_liaison",
        "expert",
        "business_user",
    ],
)
def test_api_detail_change_and_delete_follow_the_declaration(world, api, who):
    user = getattr(world, who)
    client = api(user)
    checked = 0
    for prefix, viewset, model in _api_endpoints():
        methods = set(getattr(viewset, "http_method_names", ["get", "post", "put", "patch", "delete"]))
        for obj in model._default_manager.all():
            url = f"/api/{prefix}/{obj.pk}/"
            response = client.get(url)
            if not expected(user, policy.VIEW, obj):
                assert response.status_code == 404, (
                    f"GET {url} as {who}: {response.status_code}, expected 404"
                )
            else:
                assert response.status_code in (200, 404), f"GET {url} as {who}: {response.status_code}"
            if not expected(user, policy.CHANGE, obj):
                before = model._default_manager.filter(pk=obj.pk).values().get()
                if "patch" in methods:
                    r = client.patch(url, {"version": getattr(obj, "version", 1)}, format="json")
                    assert r.status_code in (403, 404, 405), f"PATCH {url} as {who}: {r.status_code}"
                if "delete" in methods:
                    r = client.delete(url)
                    assert r.status_code in (403, 404, 405), f"DELETE {url} as {who}: {r.status_code}"
                assert model._default_manager.filter(pk=obj.pk).values().get() == before, (
                    f"{url} changed by {who}"
                )
            checked += 1
    assert checked > 30


@pytest.mark.parametrize(
    "who", ["office_user", "edu_liaison", "market_liaison", "other_office_user", "expert", "business_user"]
)
def test_api_lists_show_only_visible_rows(world, api, who):
    user = getattr(world, who)
    client = api(user)
    for prefix, viewset, model in _api_endpoints():
        response = client.get(f"/api/{prefix}/", {"page_size": 1000})
        if user.role == policy.BUSINESS and not getattr(viewset, "open_to_business", False):
            # A 企业账号 reaches only the endpoints open to it (the scoped ones refuse it outright).
            if issubclass(viewset, ScopedViewSetMixin):
                assert response.status_code == 404, f"/api/{prefix}/ is open to a 企业账号"
                continue
        assert response.status_code == 200, prefix
        body = response.json()
        ids = {row["id"] for row in (body["results"] if isinstance(body, dict) else body) if "id" in row}
        visible = {o.pk for o in model._default_manager.all() if expected(user, policy.VIEW, o)}
        assert ids <= visible, f"/api/{prefix}/ as {who} shows {sorted(ids - visible)}"


@pytest.mark.parametrize(
    "who",
    [
        "office_user",
        "leader",
        "edu_liaison",
        "market_liaison",
        "other_office_user",
        "other_liaison",
        "expert",
        "business_user",
    ],
)
def test_detail_pages_are_404_outside_the_scope(world, login, who):
    user = getattr(world, who)
    client = login(user)
    for model in policy.scoped_models():
        if not hasattr(model, "get_absolute_url"):
            continue
        for obj in model._default_manager.all():
            try:
                url = obj.get_absolute_url()
            except Exception:  # noqa: BLE001 — a model whose url needs parents the world leaves empty
                continue
            status = client.get(url).status_code
            if not expected(user, policy.VIEW, obj):
                assert status == 404, f"{url} ({model._meta.label}) as {who}: {status}"
            else:
                assert status < 500, f"{url} as {who}: {status}"


@pytest.mark.parametrize(
    "who", ["office_user", "edu_liaison", "market_liaison", "other_office_user", "other_liaison", "expert"]
)
def test_files_follow_the_scope_of_their_record(world, login, who):
    from shian.evidence.models import MaterialFile
    from shian.reports.models import DocumentFile

    user = getattr(world, who)
    client = login(user)
    for f in MaterialFile.objects.all():
        status = client.get(reverse("evidence:file_download", args=[f.pk])).status_code
        assert (status == 200) == expected(user, policy.VIEW, f), f"material file {f.pk} as {who}: {status}"
    for f in DocumentFile.objects.all():
        status = client.get(reverse("reports:file_download", args=[f.pk, "docx"])).status_code
        assert (status == 200) == expected(user, policy.VIEW, f), f"document file {f.pk} as {who}: {status}"


EXPORTS = [
    ("workplan:task_list", "盐亭学校食堂责任清单", "制定学校食堂"),
    ("rectification:problem_list", "盐亭问题", "三台问题"),
    ("evidence:material_list", "盐亭佐证", "三台佐证"),
]


@pytest.mark.parametrize("who", ["office_user", "edu_liaison", "market_liaison"])
def test_exports_hold_only_rows_in_scope(world, login, who):
    client = login(getattr(world, who))
    for url_name, theirs, mine in EXPORTS:
        response = client.get(reverse(url_name), {"export": "xlsx"})
        assert response.status_code == 200, url_name
        data = b"".join(response.streaming_content) if response.streaming else response.content
        cells = {
            str(c.value) for row in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows() for c in row
        }
        assert not any(theirs in c for c in cells), (
            f"{url_name} export as {who} holds the other county's rows"
        )
        if who in ("office_user", "edu_liaison"):
            assert any(mine in c for c in cells), f"{url_name} export as {who} misses its own rows"
        else:
            assert not any(mine in c for c in cells), f"{url_name} export as {who} holds another unit's rows"
