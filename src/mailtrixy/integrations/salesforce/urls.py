from django.urls import URLPattern, URLResolver, path

from mailtrixy.integrations.salesforce import views
from mailtrixy.integrations.salesforce.oauth import CALLBACK_PATH

app_name = "salesforce"

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/settings/integrations/salesforce/", views.admin_setup, name="admin_setup"),
    path("integrations/salesforce/connect/", views.start_connect, name="connect"),
    path("integrations/salesforce/disconnect/", views.disconnect, name="disconnect"),
    path("integrations/salesforce/sync/", views.sync_now, name="sync_now"),
    path("integrations/salesforce/sync/status/", views.sync_status, name="sync_status"),
    path("admin/settings/integrations/salesforce/sync/", views.sync_report, name="sync_report"),
    path("integrations/salesforce/retry/", views.retry, name="retry"),
    path(
        "integrations/salesforce/conflicts/<int:conflict_id>/keep-mine/",
        views.keep_mine,
        name="keep_mine",
    ),
    path(
        "admin/settings/integrations/salesforce/stages/", views.stage_mapping, name="stage_mapping"
    ),
    path("admin/settings/integrations/salesforce/budget/", views.budget, name="budget"),
    path(
        "admin/settings/integrations/salesforce/test/",
        views.check_connection,
        name="test_connection",
    ),
    path(CALLBACK_PATH.lstrip("/"), views.callback, name="callback"),
]
