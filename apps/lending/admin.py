"""Admin for lending: the copies readers share and the reservation queues for them."""

from django.contrib import admin

from apps.lending.models import BookCopy, Reservation


@admin.register(BookCopy)
class BookCopyAdmin(admin.ModelAdmin):
    list_display = ("book", "owner", "condition", "location", "is_active", "created_at")
    ordering = ("-created_at", "-id")
    list_filter = ("is_active", "condition")
    list_select_related = ("book", "owner")
    search_fields = ("book__title", "=book__isbn13", "owner__username", "location")
    autocomplete_fields = ("book", "owner")
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        # A copy is named after its book and owner, in reservations' autocomplete too.
        return super().get_queryset(request).select_related("book", "owner")


@admin.register(Reservation)
class ReservationAdmin(admin.ModelAdmin):
    list_display = (
        "book",
        "user",
        "status",
        "copy",
        "reserved_at",
        "pickup_deadline",
        "due_at",
        "returned_at",
    )
    list_filter = ("status", "due_at")
    list_select_related = ("book", "user", "copy__book", "copy__owner")
    search_fields = ("book__title", "=book__isbn13", "user__username")
    autocomplete_fields = ("book", "user", "copy")
    readonly_fields = ("reserved_at",)
    date_hierarchy = "reserved_at"
