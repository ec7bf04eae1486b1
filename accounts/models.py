from functools import cached_property

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import kept
from core.models import ConfigurationItem


def language_choices():
    return settings.LANGUAGES


def normalize_email(email: str) -> str:
    """The one spelling of an address we store and look up: trimmed and lower-case."""
    return (email or "").strip().lower()


class Organization(models.Model):
    """A customer company; its master users see every ticket of its members (SPEC §1)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    email_domain = models.CharField(
        _("e-mail domain"),
        max_length=253,
        blank=True,
        help_text=_("Optional: the domain of its people's addresses, such as example.com."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.UniqueConstraint(
                fields=["email_domain"],
                condition=~models.Q(email_domain=""),
                name="organization_email_domain_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(email_domain=Lower("email_domain")),
                name="organization_email_domain_lowercase",
            ),
        ]

    def __str__(self):
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email=normalize_email(username))

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.setdefault("role", User.Role.ADMINISTRATOR)
        fields.setdefault("email_confirmed_at", timezone.now())
        if fields["role"] != User.Role.ADMINISTRATOR:
            raise ValueError("A superuser must have the administrator role.")
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser):
    """A person who logs in with their e-mail address.

    The role says which side of the desk they work on; customers belong to at most one
    organization as a light or a master user; agents belong to departments through
    `DepartmentMembership`.
    """

    class Role(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        AGENT = "agent", _("Agent")
        ADMINISTRATOR = "administrator", _("Administrator")

    # Who works in the agent panel.
    STAFF_ROLES = [Role.AGENT, Role.ADMINISTRATOR]

    email = models.EmailField(_("e-mail"), max_length=254, unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("phone / WhatsApp"), max_length=32, blank=True)
    # Blank until the person chooses (the page they signed up or wrote on, or their browser at
    # their first log-in): mail to them goes in the site's language meanwhile (mail_language).
    language = models.CharField(
        _("language"), max_length=10, choices=language_choices, default="", blank=True
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.CUSTOMER)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
    )
    is_master = models.BooleanField(
        _("master user"),
        default=False,
        help_text=_("A master user sees and answers every ticket of their organization."),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive people cannot log in.")
    )
    email_confirmed_at = models.DateTimeField(
        _("e-mail confirmed"),
        null=True,
        blank=True,
        help_text=_("Set when the person follows a link sent to the address."),
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # What an agent may do beyond answering (S3: "somente para atendentes com permissão").
    can_edit_tickets = models.BooleanField(_("may edit tickets"), default=True)
    can_transfer_tickets = models.BooleanField(_("may transfer tickets"), default=True)
    email_notifications = models.BooleanField(
        _("e-mail me about my tickets"),
        default=True,
        help_text=_("Agents: tickets assigned to you and answers to your escalations."),
    )
    is_technician = models.BooleanField(
        _("technician"),
        default=False,
        help_text=_("Agents: takes service orders and has a place on the technician agenda."),
    )
    can_delete_tickets = models.BooleanField(
        _("may delete tickets"), default=False, help_text=_("Move tickets to the trash.")
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            # Stored lower-case, so the plain unique index is case-insensitive.
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="user_email_lowercase"
            ),
            models.CheckConstraint(
                condition=models.Q(is_master=False) | models.Q(organization__isnull=False),
                name="user_master_has_organization",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} <{self.email}>"

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.first_name

    @property
    def mail_language(self) -> str:
        """The language mail to this person is written in: theirs, or the site's."""
        return self.language or settings.LANGUAGE_CODE

    @property
    def first_name(self) -> str:
        return self.full_name.split(" ", 1)[0] if self.full_name else ""

    @property
    def is_customer(self) -> bool:
        return self.role == self.Role.CUSTOMER

    @property
    def is_agent(self) -> bool:
        """Works in the agent panel: agents and administrators."""
        return self.role in self.STAFF_ROLES

    @property
    def is_administrator(self) -> bool:
        return self.role == self.Role.ADMINISTRATOR

    @property
    def is_light(self) -> bool:
        return self.is_customer and not self.is_master

    @property
    def is_email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @cached_property
    def _memberships(self) -> tuple[tuple[int, bool], ...]:
        # One query a request, however many permission questions are asked, read fresh: a gate
        # decides with it.
        if not self.is_agent:
            return ()
        return tuple(self.department_memberships.values_list("department_id", "is_manager"))

    @property
    def department_ids(self) -> frozenset[int]:
        return frozenset(department for department, _ in self._memberships)

    @property
    def managed_department_ids(self) -> frozenset[int]:
        return frozenset(department for department, manager in self._memberships if manager)

    @property
    def is_manager(self) -> bool:
        """Leads at least one department."""
        return bool(self.managed_department_ids)

    # The Django admin is for administrators only; there are no per-model grants.
    @property
    def is_staff(self) -> bool:
        return self.is_active and self.is_administrator

    @property
    def is_superuser(self) -> bool:
        return self.is_staff

    def has_perm(self, perm, obj=None) -> bool:
        return self.is_staff

    def has_perms(self, perm_list, obj=None) -> bool:
        return self.is_staff

    def has_module_perms(self, app_label) -> bool:
        return self.is_staff


class Department(ConfigurationItem):
    """A team that receives tickets (S0 "Setor"); mail to its address opens tickets there."""

    email = models.EmailField(_("e-mail address"), blank=True)

    class Meta(ConfigurationItem.Meta):
        db_table = "tickets_department"  # moved from the tickets app, data kept in place
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(fields=["name"], name="department_name_unique"),
            models.UniqueConstraint(
                fields=["email"], condition=~models.Q(email=""), name="department_email_unique"
            ),
        ]


class DepartmentMembership(models.Model):
    """An agent's place in a department; a manager leads it (SPEC §1)."""

    user = models.ForeignKey(
        User,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="department_memberships",
        limit_choices_to={"role__in": User.STAFF_ROLES},
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    is_manager = models.BooleanField(_("manager"), default=False)

    class Meta:
        verbose_name = _("department membership")
        verbose_name_plural = _("department memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "department"], name="department_membership_unique"
            ),
        ]

    def __str__(self):
        return f"{self.user} @ {self.department}"


class SecurityPolicy(models.Model):
    """What the administrators require of every sign-in; one row, edited in the admin."""

    require_staff_two_factor = models.BooleanField(
        _("require two-factor sign-in for staff"),
        default=False,
        help_text=_(
            "Agents, managers and administrators must sign in with a code from an "
            "authenticator app; the agent panel and the administration refuse them until "
            "they set it up. Customers choose for themselves."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("security policy")
        verbose_name_plural = _("security policy")

    def __str__(self):
        return str(_("Security policy"))


# Asked on every page of the panel: read from the kept tables, not a query each time.
kept.keep(SecurityPolicy)


class SecurityEvent(models.Model):
    """One line of the security log an administrator reads (kept SECURITY_LOG_DAYS)."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Signed in")
        LOGIN_FAILED = "login_failed", _("Sign-in failed")
        LOGOUT = "logout", _("Signed out")
        LOCKOUT = "lockout", _("Sign-in refused: too many failures")
        TWO_FACTOR_FAILED = "two_factor_failed", _("Wrong two-factor code")
        TWO_FACTOR_ENABLED = "two_factor_enabled", _("Two-factor sign-in turned on")
        TWO_FACTOR_DISABLED = "two_factor_disabled", _("Two-factor sign-in turned off")
        RECOVERY_CODES_REGENERATED = "recovery_codes_regenerated", _("Recovery codes renewed")
        ROLE_CHANGED = "role_changed", _("Role changed")
        DEPARTMENT_CHANGED = "department_changed", _("Departments changed")
        PASSWORD_RESET_REQUESTED = "password_reset_requested", _("Password reset requested")
        PASSWORD_RESET_DONE = "password_reset_done", _("Password reset")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        API_USE = "api_use", _("API used")
        EXPORT = "export", _("Data exported")

    kind = models.CharField(_("event"), max_length=40, choices=Kind)
    user = models.ForeignKey(
        User,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="security_events",
    )
    actor = models.ForeignKey(
        User,
        verbose_name=_("done by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The address typed, kept when it names nobody (a failed sign-in) or the person goes.
    email = models.CharField(_("e-mail"), max_length=254, blank=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("security event")
        verbose_name_plural = _("security log")
        indexes = [models.Index(fields=["user", "-created_at"], name="securityevent_user_recent")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.email}"
