"""The access policy, declared once.

A model with business data takes its manager from a `ScopedQuerySet` subclass that only *declares*
where its rows sit — `scope = Scope(region="campaign__region", unit="unit")` — and `restrict(user,
action)` turns that declaration into one filter. Pages, API, files and exports all start from it.

The roles read the declaration the same way everywhere:
- administrators: everything;
- 创建办 (office): read and change rows in its region subtree (`region` / `region_path`);
- leaders: read the same rows, change nothing;
- unit heads and liaisons: rows of their own unit (`unit`), changed only where `unit_writes`;
  `units_read_above` adds rows of their region and its ancestors (a county campaign is a township's
  campaign too), `units_read_below` rows of their region's subtree (supervision figures);
- experts: rows reached through their review groups (`expert`, changed only through `expert_writes`);
- the owner of a row (`owner`, a lookup to a user) reads it, and changes it where `owner_writes`;
- `public` rows are read by every signed-in user — experts only where `public_to_experts`, 企业账号
  never — while writes still follow the other declarations;
- a 企业账号 (business account) reads the rows whose `business` lookup reaches its own business, and
  changes them where `business_writes`; nothing else;
- `via="parent"` inherits the scope of the row's parent (a task's updates, a document's files).
A model that declares nothing is visible to administrators only (deny by default).

This module knows users only through the attributes `organisation.User` provides (`is_admin`,
`role`, `unit_id`, `unit`, `region_scope`), so `core` stays below every domain app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q

VIEW = "view"
CHANGE = "change"

# Role codes as organisation.choices.Role spells them; repeated here so core does not import a domain app.
OFFICE = "office"
LEADER = "leader"
EXPERT = "expert"
UNIT_ROLES = frozenset({"unit_head", "liaison"})
BUSINESS = "business"

OUT_OF_SCOPE_MESSAGE = "该记录不在您的管理范围内，修改未保存"

# A lookup to a user, or a function building the filter itself when a lookup cannot say it.
UserGrant = str | Callable[[object], Q] | None


@dataclass(frozen=True)
class Scope:
    """Where a row sits, as lookups from the row (see the module docstring for what each grants)."""

    region: str | None = None
    region_path: str | None = None
    office_writes: bool | Callable[[object], Q] = True
    unit: str | None = None
    unit_writes: bool | Callable[[object], Q] = True
    units_read_above: bool = False
    units_read_below: bool = False
    everyone_reads_above: bool = False
    unowned_readable: bool = False
    expert: UserGrant = None
    expert_writes: UserGrant = None
    owner: str | None = None
    owner_writes: bool = True
    public: bool = False
    public_to_experts: bool = True
    business: str | None = None
    business_writes: bool = True
    via: str | None = None

    def __post_init__(self):
        if self.via and any(
            (self.region, self.region_path, self.unit, self.expert, self.owner, self.business)
        ):
            raise ValueError("Scope(via=...) inherits the parent's scope and declares nothing else")


EVERYTHING = Q()


def _is_multivalued(model, lookup: str) -> bool:
    """Does `lookup` cross a one-to-many or many-to-many relation (so a join could repeat rows)?"""
    for name in lookup.split("__"):
        if name == "pk":
            return False
        try:
            field = model._meta.get_field(name)
        except Exception:  # a transform such as __in, __code: the path so far decides
            return False
        if field.one_to_many or field.many_to_many:
            return True
        if not field.is_relation:
            return False
        model = field.related_model
    return False


def _match(model, lookup: str, value) -> Q:
    """Rows whose `lookup` equals `value`, without the duplicates a multi-valued join would make."""
    if _is_multivalued(model, lookup):
        return Q(pk__in=model._base_manager.filter(**{lookup: value}).values("pk"))
    return Q(**{lookup: value})


def _grant(model, grant: UserGrant, user) -> Q | None:
    if grant is None:
        return None
    if callable(grant):
        return grant(user)
    return _match(model, grant, user)


def _codes_above(user) -> list[str]:
    """Region codes of the user's unit's region and all its ancestors."""
    return [c for c in user.unit.region.path.strip("/").split("/") if c]


def scope_filter(model, user, action: str = VIEW) -> Q | None:
    """The filter selecting the rows of `model` that `user` may `action`, or None for none at all."""
    if user is None or not user.is_authenticated:
        return None
    if user.is_admin:
        return EVERYTHING
    scope: Scope | None = getattr(model._default_manager.get_queryset(), "scope", None)
    if scope is None:
        return None
    if scope.via:
        parent = model._meta.get_field(scope.via).related_model
        allowed = parent._default_manager.all().restrict(user, action).values("pk")
        return Q(**{f"{scope.via}__in": allowed})
    if (
        scope.public
        and action == VIEW
        and user.role != BUSINESS
        and (scope.public_to_experts or user.role != EXPERT)
    ):
        return EVERYTHING

    terms: list[Q] = []
    if user.role == BUSINESS:
        # A 企业账号 has no unit and no region: its business's rows, and rows it owns (itself), only.
        business_id = getattr(user, "business_scope_id", None)
        if scope.business and business_id and (action == VIEW or scope.business_writes):
            terms.append(_match(model, scope.business, business_id))
        if scope.owner and (action == VIEW or scope.owner_writes):
            terms.append(_match(model, scope.owner, user.pk))
        return _any(terms)
    region_scope = user.region_scope
    if region_scope is not None and (action == VIEW or (user.role == OFFICE and scope.office_writes)):
        term = None
        if scope.region:
            term = Q(**{f"{scope.region}__path__startswith": region_scope.path})
        elif scope.region_path:
            term = Q(**{f"{scope.region_path}__startswith": region_scope.path})
        if term is not None and action == CHANGE and callable(scope.office_writes):
            term &= scope.office_writes(user)  # the office changes only some of the rows it reads
        if term is not None:
            terms.append(term)
    if user.role in UNIT_ROLES and user.unit_id:
        if action == CHANGE and callable(scope.unit_writes):
            terms.append(scope.unit_writes(user))
        elif scope.unit and (action == VIEW or scope.unit_writes):
            terms.append(_match(model, scope.unit, user.unit_id))
        if action == VIEW and scope.units_read_above and scope.region:
            terms.append(Q(**{f"{scope.region}__code__in": _codes_above(user)}))
        if action == VIEW and scope.units_read_below:
            path = user.unit.region.path
            if scope.region:
                terms.append(Q(**{f"{scope.region}__path__startswith": path}))
            elif scope.region_path:
                terms.append(Q(**{f"{scope.region_path}__startswith": path}))
    if action == VIEW and user.unit_id and scope.everyone_reads_above and scope.region:
        terms.append(Q(**{f"{scope.region}__code__in": _codes_above(user)}))
    if action == VIEW and scope.unowned_readable and scope.region:
        terms.append(Q(**{f"{scope.region}__isnull": True}))
    if user.role == EXPERT:
        grant = _grant(model, scope.expert if action == VIEW else scope.expert_writes, user)
        if grant is not None:
            terms.append(grant)
    if scope.owner and (action == VIEW or scope.owner_writes):
        terms.append(_match(model, scope.owner, user.pk))

    return _any(terms)


def _any(terms: list[Q]) -> Q | None:
    if not terms:
        return None
    combined = terms[0]
    for term in terms[1:]:
        combined |= term
    return combined


class ScopedQuerySet(models.QuerySet):
    """Base of every queryset of business data; subclasses declare `scope`, never write `restrict`."""

    scope: Scope | None = None

    def restrict(self, user, action: str = VIEW):
        q = scope_filter(self.model, user, action)
        if q is None:
            return self.none()
        return self if q is EVERYTHING else self.filter(q)


def can(user, action: str, obj) -> bool:
    """May `user` `action` this saved object? One indexed query."""
    return type(obj)._default_manager.filter(pk=obj.pk).restrict(user, action).exists()


def ensure_can(user, obj, action: str = CHANGE, message: str = OUT_OF_SCOPE_MESSAGE):
    """Raise PermissionDenied unless `user` may `action` `obj` as it is now.

    Called after a change has been applied inside the transaction (the NetBox pattern): a form or
    API call that moves an object out of the user's scope — to another county, to another unit's
    campaign — is rolled back instead of written.
    """
    if user is None or user.is_admin:
        return
    if not can(user, action, obj):
        raise PermissionDenied(message)


def region_of(target):
    """The region a campaign, unit or region stands for."""
    if hasattr(target, "path") and hasattr(target, "code"):
        return target
    return target.region


def manages(user, target) -> bool:
    """Does `user` manage `target` (a Campaign, Unit or Region)? The office of a region subtree that
    contains it, or an administrator. The one answer to "may this user run this campaign"."""
    if user.is_admin:
        return True
    if user.role != OFFICE or user.region_scope is None:
        return False
    region = region_of(target)
    return region is not None and region.path.startswith(user.region_scope.path)


def acts_for(user, unit) -> bool:
    """May `user` act for `unit` (file its reports, claim its tasks, upload its materials)?
    Its own unit heads and liaisons, and the office (or admin) that manages it."""
    if manages(user, unit):
        return True
    return user.role in UNIT_ROLES and user.unit_id == unit.pk


def view_path(user) -> str | None:
    """The region path prefix `user` may read figures under, "" for everything, or None for nothing."""
    if user.is_admin:
        return ""
    if user.region_scope is not None:
        return user.region_scope.path
    if user.role in UNIT_ROLES and user.unit_id:
        return user.unit.region.path
    return None


def change_path(user) -> str | None:
    """The region path prefix under which `user` manages data ("" for everything), or None."""
    if user.is_admin:
        return ""
    if user.role == OFFICE and user.region_scope is not None:
        return user.region_scope.path
    return None


def scoped_models():
    """Every installed model whose default manager declares a scope (for the generated tests)."""
    from django.apps import apps

    for model in apps.get_models():
        qs = model._default_manager.get_queryset()
        if isinstance(qs, ScopedQuerySet) and qs.scope is not None:
            yield model
