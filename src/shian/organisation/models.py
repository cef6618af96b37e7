"""The organisation everything hangs on: the region tree, units, users and their scope."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property

from shian.core.models import BusinessModel
from shian.core.policy import Scope, ScopedQuerySet, acts_for
from shian.organisation.choices import READ_ONLY_ROLES, REGION_ROLES, RegionLevel, Role, UnitKind


class RegionQuerySet(ScopedQuerySet):
    # The region tree is reference data: everybody may read it, only administrators change it.
    scope = Scope(public=True)

    def subtree(self, region):
        return self.filter(path__startswith=region.path)


class Region(BusinessModel):
    """A node of the administrative division tree (行政区划), with its population.

    `path` holds the codes from the root down ("/510000/510700/510722/") so that a whole subtree
    is one indexed prefix query.
    """

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=60)
    level = models.PositiveSmallIntegerField("层级", choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField("路径", max_length=200, editable=False, db_index=True)
    population = models.PositiveIntegerField(
        "常住人口", null=True, blank=True, help_text="用于计算每千人指标"
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["path"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisation:region_detail", args=[self.pk])

    def clean(self):
        if self.parent_id and self.parent.level >= self.level:
            raise ValidationError({"level": "层级必须低于上级区划的层级"})
        if self.parent_id and self.pk and self.parent.path.startswith(self.path or "\0"):
            raise ValidationError({"parent": "上级区划不能是本区划或其下级"})

    def save(self, *args, **kwargs):
        old_path = self.path
        self.path = (self.parent.path if self.parent_id else "/") + f"{self.code}/"
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # Moving a node moves its subtree.
            for child in Region.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                child.path = self.path + child.path[len(old_path) :]
                Region.objects.filter(pk=child.pk).update(path=child.path)

    def ancestors(self):
        codes = [c for c in self.path.strip("/").split("/") if c != self.code]
        return Region.objects.filter(code__in=codes).order_by("level")

    @property
    def full_name(self):
        return "".join(r.name for r in self.ancestors()) + self.name


class UnitQuerySet(ScopedQuerySet):
    # Offices manage the units of their subtree; a unit's own people read their unit.
    scope = Scope(region="region", unit="pk", unit_writes=False)


class Unit(BusinessModel):
    """An organisation that takes part: the campaign office, a member unit, a township."""

    name = models.CharField("单位名称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    kind = models.CharField("类型", max_length=10, choices=UnitKind.choices, default=UnitKind.MEMBER)
    region = models.ForeignKey(
        Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="units"
    )
    contact_person = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = models.CharField("联系电话", max_length=40, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["kind", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="unit_unique_name_in_region",
                violation_error_message="同一区划下已有同名单位",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisation:unit_detail", args=[self.pk])


def _unit_accounts(user):
    """The accounts an office may change: unit heads and liaisons (organisation.accounts has the rule)."""
    return Q(role__in=(Role.UNIT_HEAD, Role.LIAISON), is_superuser=False, is_staff=False)


class UserQuerySet(ScopedQuerySet):
    # Offices and leaders see the people of their subtree, everybody sees themselves; an office changes
    # the unit accounts of its subtree, administrators every account.
    scope = Scope(region="unit__region", office_writes=_unit_accounts, owner="pk", owner_writes=False)


class ShianUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who logs in. Belongs to a unit and has one role; the role decides the scope."""

    audit_log = True

    name = models.CharField("姓名", max_length=40, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name="所属单位", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    role = models.CharField("角色", max_length=12, choices=Role.choices, default=Role.LIAISON)
    phone = models.CharField("手机号", max_length=20, blank=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    must_change_password = models.BooleanField(
        "下次登录须修改密码", default=False, help_text="由他人设置或重置的密码，本人登录后必须先修改"
    )
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True, editable=False)

    objects = ShianUserManager()

    class Meta:
        verbose_name = verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.name or self.get_full_name() or self.username

    @property
    def is_admin(self):
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def is_office(self):
        return self.role == Role.OFFICE or self.is_admin

    @property
    def is_read_only(self):
        return self.role in READ_ONLY_ROLES and not self.is_superuser

    @property
    def region_scope(self):
        """The region subtree this user oversees (office and leaders), or None."""
        if self.role in REGION_ROLES and self.unit_id:
            return self.unit.region
        return None

    @cached_property
    def business_scope_id(self):
        """The business a 企业账号 acts for, or None. The link (stewardship.BusinessAccount) sits above
        organisation and is reached by its reverse relation, never imported."""
        if self.role != Role.BUSINESS or not self.pk:
            return None
        account = getattr(self, "business_account", None)
        return account.business_id if account is not None and account.is_active else None

    def can_see_region(self, region) -> bool:
        """Does this user oversee `region` (admin, or office/leader of a subtree containing it)?"""
        if self.is_admin:
            return True
        scope = self.region_scope
        return scope is not None and region.path.startswith(scope.path)

    def manages_unit(self, unit) -> bool:
        """May this user act for `unit` (file reports, claim tasks)?"""
        return acts_for(self, unit)
