"""Admin for discovery: computed neighbours and the runs that wrote them, to inspect, not edit."""

from django.contrib import admin

from apps.discovery.models import BookNeighbour, NeighbourRun


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by `compute_neighbours`; editing one by hand would be undone by the next run."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BookNeighbour)
class BookNeighbourAdmin(ReadOnlyAdmin):
    list_display = ("book", "neighbour", "score")
    list_select_related = ("book", "neighbour")
    search_fields = ("book__title", "neighbour__title")
    ordering = ("book", "-score")


@admin.register(NeighbourRun)
class NeighbourRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "full", "finished_at", "books")
    list_filter = ("full",)
    search_fields = ("started_at",)
    date_hierarchy = "started_at"
