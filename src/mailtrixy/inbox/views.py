"""Inbox pages. Thin: they scope, validate through forms and render."""

from __future__ import annotations

from copy import copy

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mailtrixy.accounts.permissions import member_required
from mailtrixy.accounts.scoping import current_member, current_workspace, get_scoped_or_404, scoped
from mailtrixy.inbox.forms import ContactForm, DealForm
from mailtrixy.inbox.models import Contact, Conversation, Deal, Direction, Message
from mailtrixy.inbox.providers import card_html, link_columns, link_rows, record_sections
from mailtrixy.integrations import registry
from mailtrixy.integrations.provider import RecordKind, RecordRef


@member_required
def conversations(request: HttpRequest) -> HttpResponse:
    rows = scoped(request, Conversation).select_related("contact", "assignee__user")
    return render(request, "inbox/conversations.html", {"conversations": rows})


@member_required
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    convo = get_scoped_or_404(request, Conversation, pk=pk)
    if request.method == "POST":
        body = request.POST.get("body", "").strip()
        if body:
            now = timezone.now()
            Message.objects.create(
                conversation=convo,
                direction=Direction.OUTBOUND,
                author=current_member(request),
                body=body,
                sent_at=now,
            )
            convo.updated_at = now
            convo.save(update_fields=["updated_at"])
        else:
            messages.error(request, "Write a reply before sending it.")
        return redirect("inbox:conversation", pk=convo.pk)
    context = {
        "conversation": convo,
        "contact": convo.contact,
        "messages_list": convo.messages.select_related("author__user"),
        "card_providers": registry.card_providers(),
    }
    return render(request, "inbox/conversation.html", context)


@member_required
def card(request: HttpRequest, provider_key: str, contact_id: int) -> HttpResponse:
    """One integration's card for a contact, loaded by htmx after the conversation page."""
    provider = registry.get_provider(provider_key)
    if provider is None or provider.card_order is None:
        raise Http404("No such integration card.")
    contact = get_scoped_or_404(request, Contact, pk=contact_id)
    return HttpResponse(card_html(request, provider, contact))


@member_required
def contacts(request: HttpRequest) -> HttpResponse:
    archived = request.GET.get("archived") == "1"
    rows = scoped(request, Contact).filter(archived_at__isnull=not archived)
    query = request.GET.get("q", "").strip()
    if query:
        rows = rows.filter(
            Q(email__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
        )
    shown = list(rows[:500])
    columns = link_columns(current_workspace(request).pk, "contact", [c.pk for c in shown])
    context = {
        "contacts": [(c, link_rows(columns, c.pk)) for c in shown],
        "link_columns": columns,
        "q": query,
        "archived": archived,
    }
    return render(request, "inbox/contacts.html", context)


def _integrations(request: HttpRequest, kind: RecordKind, pk: int) -> dict[str, object]:
    """What the integrations say on a record's own page: its links and their sections."""
    workspace_id = current_workspace(request).pk
    return {
        "links": link_rows(link_columns(workspace_id, kind, [pk]), pk),
        "sections": record_sections(request, RecordRef(kind, pk, workspace_id)),
    }


@member_required
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_scoped_or_404(request, Contact, pk=pk)
    context = {
        "contact": contact,
        "deals": contact.deals.select_related("stage"),
        "conversations": contact.conversations.all(),
        **_integrations(request, "contact", contact.pk),
    }
    return render(request, "inbox/contact_detail.html", context)


@member_required
def contact_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    contact = get_scoped_or_404(request, Contact, pk=pk) if pk else None
    form = ContactForm(request.POST or None, instance=contact, workspace=current_workspace(request))
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"Saved {saved.name}.")
        return redirect("inbox:contact", pk=saved.pk)
    return render(request, "inbox/contact_form.html", {"form": form, "contact": contact})


@member_required
def deals(request: HttpRequest) -> HttpResponse:
    archived = request.GET.get("archived") == "1"
    rows = scoped(request, Deal).filter(archived_at__isnull=not archived)
    shown = list(rows.select_related("stage", "contact", "owner__user"))
    columns = link_columns(current_workspace(request).pk, "deal", [d.pk for d in shown])
    context = {
        "deals": [(d, link_rows(columns, d.pk)) for d in shown],
        "link_columns": columns,
        "archived": archived,
    }
    return render(request, "inbox/deals.html", context)


@require_POST
@member_required
def restore(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Bring back an archived contact or deal (integrations decide what that means for them)."""
    record: Contact | Deal
    if kind == "contact":
        record = get_scoped_or_404(request, Contact, pk=pk)
    elif kind == "deal":
        record = get_scoped_or_404(request, Deal, pk=pk)
    else:
        raise Http404("Nothing of that kind can be restored.")
    record.archived_at, record.archived_reason = None, ""
    record.save(update_fields=["archived_at", "archived_reason", "updated_at"])
    messages.success(request, f"Restored {record}.")
    if isinstance(record, Contact):
        return redirect("inbox:contact", pk=record.pk)
    return redirect("inbox:deals")


@member_required
def deal_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    deal = get_scoped_or_404(request, Deal, pk=pk) if pk else None
    saved = copy(deal)  # the page's summary: a refused form changes its instance's values
    form = DealForm(request.POST or None, instance=deal, workspace=current_workspace(request))
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"Saved deal “{saved.name}”.")
        return redirect("inbox:deals")
    context = {
        "form": form,
        "deal": saved,
        **(_integrations(request, "deal", saved.pk) if saved else {}),
    }
    return render(request, "inbox/deal_form.html", context)


@member_required
def deal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    deal = get_scoped_or_404(request, Deal, pk=pk)
    if request.method == "POST":
        name = deal.name
        deal.delete()
        messages.success(request, f"Deleted deal “{name}”.")
        return redirect("inbox:deals")
    return render(request, "inbox/deal_confirm_delete.html", {"deal": deal})
