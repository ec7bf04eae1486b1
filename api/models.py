"""Personal API tokens: a person's key to the REST API, stored as a hash only."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """One named token. The secret is shown once; only its SHA-256 is kept (`digest`), and
    its first characters (`prefix`) so a person can tell their tokens apart."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("starts with"), max_length=16, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    can_write = models.BooleanField(_("read and write"), default=False)
    expires_at = models.DateTimeField(_("expires"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    last_used_ip = models.GenericIPAddressField(_("last address"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class WebhookEndpoint(models.Model):
    """A receiver an administrator registered: the events it hears, the secret that signs them.

    Kept whole in each process (core.kept): every ticket change asks which endpoints want it,
    without a query. `events` holds event names separated by spaces."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    events = models.CharField(_("events"), max_length=500)
    secret = models.CharField(
        _("secret"),
        max_length=100,
        help_text=_("Signs each delivery (HMAC-SHA256). Left blank, one is made for you."),
    )
    include_notes = models.BooleanField(
        _("include internal notes"),
        default=False,
        help_text=_("Internal notes are sent as ticket.entry_created events too."),
    )
    allow_private = models.BooleanField(
        _("allow private addresses"),
        default=False,
        help_text=_(
            "Deliver to loopback and private network addresses. Leave off unless the receiver "
            "runs inside your own network: it lets whoever edits this URL reach internal services."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    paused_at = models.DateTimeField(
        _("paused"),
        null=True,
        blank=True,
        help_text=_("Set when deliveries kept failing; clear it to deliver again."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    # Taken by one sender at a time, so deliveries reach the receiver in the order written.
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    @property
    def event_names(self) -> list[str]:
        return self.events.split()

    def wants(self, event: str) -> bool:
        return self.is_active and self.paused_at is None and event in self.event_names


class WebhookDelivery(models.Model):
    """One event for one endpoint, written in the transaction of the change that caused it and
    sent by a worker (as the outbox sends mail): retried with backoff for a day, then failed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    uuid = models.UUIDField(unique=True, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("webhook"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event = models.CharField(_("event"), max_length=40)
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    failing_since = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["endpoint", "id"],
                name="webhook_pending",
                condition=models.Q(status="pending"),
            ),
        ]

    def __str__(self):
        return f"{self.event} → {self.endpoint}"


class WebhookAttempt(models.Model):
    """One try at sending a delivery: what the receiver answered, and how fast."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        verbose_name=_("delivery"),
        on_delete=models.CASCADE,
        related_name="tries",
    )
    started_at = models.DateTimeField(_("time"), default=timezone.now)
    status_code = models.PositiveIntegerField(_("HTTP status"), null=True, blank=True)
    milliseconds = models.PositiveIntegerField(_("response time (ms)"), default=0)
    response_excerpt = models.TextField(_("response"), blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["started_at", "id"]

    def __str__(self):
        return f"{self.status_code or self.error}"
