"""The outbox for editors: what the site sent, what waits and what failed, and a retry."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from poles.admin_mixins import HardenedAdminMixin
from poles.outbox import services
from poles.outbox.models import EmailStatus, OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(HardenedAdminMixin, admin.ModelAdmin):
    list_display = ["subject", "to", "status", "attempts", "created_at", "sent_at", "last_error"]
    list_filter = ["status"]
    search_fields = ["to", "subject"]
    fields = ["to", "subject", "status", "attempts", "created_at", "send_after", "sent_at",
              "last_error", "body"]  # fmt: skip
    readonly_fields = fields
    actions = ["retry"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # written by the site only

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # purged on schedule (purge_contributor_data)

    def changelist_view(self, request: HttpRequest, extra_context=None):
        failed = OutgoingEmail.objects.filter(status=EmailStatus.FAILED).count()
        if failed and request.method == "GET":
            messages.warning(
                request,
                f"{failed} courriel(s) n'ont pas pu partir : voir « échec définitif », puis "
                "« Réessayer » une fois le problème réglé.",
            )
        return super().changelist_view(request, extra_context)

    @admin.action(description="Réessayer maintenant", permissions=["change"])
    def retry(self, request: HttpRequest, queryset: QuerySet[OutgoingEmail]) -> None:
        count = queryset.exclude(status=EmailStatus.SENT).update(
            status=EmailStatus.PENDING, send_after=timezone.now(), leased_until=None
        )
        services.deliver_soon()
        self.message_user(request, f"{count} courriel(s) remis en envoi.", messages.SUCCESS)
