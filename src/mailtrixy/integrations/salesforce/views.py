"""Salesforce pages: thin views over connect.py, setup.py and the sync jobs."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods, require_POST

from mailtrixy.accounts.models import Member
from mailtrixy.accounts.permissions import admin_required, member_required
from mailtrixy.accounts.scoping import current_member
from mailtrixy.integrations.salesforce import app_check, conflicts, connect, setup
from mailtrixy.integrations.salesforce import connection as connections
from mailtrixy.integrations.salesforce.errors import ADMIN_PAGE
from mailtrixy.integrations.salesforce.forms import ConnectedAppForm
from mailtrixy.integrations.salesforce.models import SyncConflict
from mailtrixy.integrations.salesforce.oauth import SCOPES, callback_url
from mailtrixy.integrations.salesforce.stage_forms import BudgetForm, StageMappingForm
from mailtrixy.integrations.salesforce.sync import report
from mailtrixy.integrations.salesforce.sync.issues import retry_now
from mailtrixy.integrations.salesforce.sync.jobs import enqueue_sync
from mailtrixy.integrations.salesforce.sync.runs import SyncAlreadyQueued

MEMBER_SETTINGS = "integrations:member_settings"


@admin_required
def admin_setup(request: HttpRequest) -> HttpResponse:
    """Admin → Settings → Integrations → Salesforce: the Connected App's key and secret."""
    member = current_member(request)
    saved = setup.saved_app(member.workspace)
    form = ConnectedAppForm(request.POST or None, saved=saved, initial=setup.initial_values(saved))
    if request.method == "POST" and form.is_valid():
        setup.save_app(member, form)
        messages.success(request, "Saved the Salesforce Connected App settings.")
        return redirect("salesforce:admin_setup")
    context = {
        "form": form,
        "saved": saved,
        "callback_url": callback_url(),
        "scopes": SCOPES,
        "budget_form": BudgetForm(initial={"api_budget_percent": saved.api_budget_percent})
        if saved
        else None,
        "mappings": setup.mapping_rows(member.workspace),
    }
    return render(request, "salesforce/admin_setup.html", context)


@require_POST
@admin_required
def check_connection(request: HttpRequest) -> HttpResponse:
    """Test connection: one token request that proves the saved key and secret."""
    check = app_check.check_app(current_member(request).workspace)
    (messages.success if check.works else messages.error)(request, check.sentence)
    return redirect("salesforce:admin_setup")


@require_POST
@member_required
def start_connect(request: HttpRequest) -> HttpResponse:
    member = current_member(request)
    try:
        return redirect(connect.start(request.session, member))
    except connect.ConnectError as error:
        messages.error(request, reason_for(member, error))
        return redirect(MEMBER_SETTINGS)


@member_required
def callback(request: HttpRequest) -> HttpResponse:
    """Where Salesforce sends the browser back: /oauth/salesforce/callback."""
    member = current_member(request)
    try:
        connected = connect.finish(request.session, request.GET, member)
    except connect.ConnectError as error:
        context = {"reason": reason_for(member, error)}
        return render(request, "salesforce/connect_failed.html", context, status=400)
    started = "The first sync has started." if connected.first_sync else "A sync has started."
    messages.success(
        request, f"Connected to Salesforce as {connected.connection.external_username}. {started}"
    )
    return redirect(MEMBER_SETTINGS)


def reason_for(member: Member, error: connect.ConnectError) -> str:
    """The error in this reader's words: an admin is sent to the page that fixes it."""
    if error.fix is None or not member.is_admin:
        return str(error)
    return format_html(
        '{} {} <a href="{}">{}</a>.',
        error.fix.happened,
        error.fix.admin_todo,
        reverse("salesforce:admin_setup"),
        ADMIN_PAGE,
    )


@require_http_methods(["GET", "POST"])
@member_required
def disconnect(request: HttpRequest) -> HttpResponse:
    """GET: say what disconnecting does and ask; POST: disconnect."""
    member = current_member(request)
    if not connect.may_disconnect(member):
        raise PermissionDenied("Only workspace admins can disconnect Salesforce.")
    connection = connections.get_connection(member.workspace)
    if connection is None:
        messages.info(request, "Salesforce is not connected.")
        return redirect(MEMBER_SETTINGS)
    if request.method == "GET":
        return render(request, "salesforce/disconnect_confirm.html", {"connection": connection})
    revoked = connect.disconnect(member)
    if revoked:
        messages.success(request, "Disconnected Salesforce and revoked MailTrixy's access.")
    else:
        messages.warning(
            request,
            "Disconnected Salesforce in MailTrixy. Salesforce did not confirm the revocation: "
            "a Salesforce admin can remove MailTrixy under Setup → Connected Apps OAuth Usage.",
        )
    return redirect(MEMBER_SETTINGS)


@require_POST
@member_required
def sync_now(request: HttpRequest) -> HttpResponse:
    """Sync Now: queue a run and say so; during a run one more is queued, never two."""
    member = current_member(request)
    try:
        run = enqueue_sync(member.workspace_id, reason="manual", member=member)
    except SyncAlreadyQueued as queued:
        messages.info(request, f"Sync #{queued.run.pk} is already queued.")
    else:
        messages.success(request, f"Queued sync #{run.pk}.")
    return redirect(MEMBER_SETTINGS)


@member_required
def sync_status(request: HttpRequest) -> HttpResponse:
    """What Settings → Integrations polls while a run is active: the status and the runs table."""
    workspace_id = current_member(request).workspace_id
    context = {
        "sync": report.sync_state(workspace_id),
        "connection": connections.get_connection(workspace_id),
    }
    return render(request, "salesforce/sync_live.html", context)


@admin_required
def sync_report(request: HttpRequest) -> HttpResponse:
    """Admins: recent runs, records that could not sync, conflicts and how they were resolved."""
    workspace_id = current_member(request).workspace_id
    return render(request, "salesforce/sync_report.html", report.full_report(workspace_id))


@require_POST
@member_required
def retry(request: HttpRequest) -> HttpResponse:
    """Retry failing records now (one, or all) and queue a sync to do it."""
    member = current_member(request)
    if connections.get_connection(member.workspace) is None:
        messages.error(request, "Salesforce is not connected: connect it first, then retry.")
        return redirect(MEMBER_SETTINGS)
    issue_id = request.POST.get("issue")
    count = retry_now(member.workspace_id, int(issue_id) if issue_id else None)
    with contextlib.suppress(SyncAlreadyQueued):  # the queued one will retry them
        enqueue_sync(member.workspace_id, reason="manual", member=member)
    messages.success(request, f"{count} record{'s' if count != 1 else ''} will be tried again now.")
    return redirect(MEMBER_SETTINGS)


@require_POST
@member_required
def keep_mine(request: HttpRequest, conflict_id: int) -> HttpResponse:
    """Keep mine: MailTrixy's losing value wins after all, sent by the sync this queues."""
    member = current_member(request)
    try:
        kept = conflicts.keep_mine(member.workspace_id, conflict_id)
    except SyncConflict.DoesNotExist:
        raise Http404("No such conflict.") from None
    except conflicts.KeepMineRefused as refused:
        messages.error(request, str(refused))
        return redirect(conflicts.conflict_record_url(member.workspace_id, conflict_id))
    when = conflicts.queue_push(member)
    messages.success(
        request, f"Kept MailTrixy's {kept.label.lower()} for {kept.record_name}. {when}"
    )
    return redirect(kept.record_url)


@admin_required
def stage_mapping(request: HttpRequest) -> HttpResponse:
    """Admins map each pipeline stage to a Salesforce stage (read from the org)."""
    member = current_member(request)
    try:
        stages, metadata = setup.stages_and_metadata(member.workspace)
    except setup.NotConnected as error:
        messages.error(request, str(error))
        return redirect("salesforce:admin_setup")
    form = StageMappingForm(request.POST or None, stages=stages, metadata=metadata)
    if request.method == "POST" and form.is_valid():
        form.save(member.workspace_id)
        messages.success(request, "Saved the stage mapping.")
        return redirect("salesforce:admin_setup")
    return render(request, "salesforce/stage_mapping.html", {"form": form})


@require_POST
@admin_required
def budget(request: HttpRequest) -> HttpResponse:
    member = current_member(request)
    form = BudgetForm(request.POST)
    if form.is_valid() and setup.save_budget(
        member.workspace, form.cleaned_data["api_budget_percent"]
    ):
        messages.success(request, "Saved the API budget.")
    else:
        messages.error(
            request, "Enter a share between 5 and 95 percent (save the Connected App first)."
        )
    return redirect("salesforce:admin_setup")
