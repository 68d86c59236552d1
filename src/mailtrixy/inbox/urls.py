from django.urls import path

from mailtrixy.inbox import views

app_name = "inbox"

urlpatterns = [
    path("", views.conversations, name="conversations"),
    path("conversations/<int:pk>/", views.conversation, name="conversation"),
    path("cards/<slug:provider_key>/<int:contact_id>/", views.card, name="card"),
    path("contacts/", views.contacts, name="contacts"),
    path("contacts/new/", views.contact_edit, name="contact_new"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("deals/", views.deals, name="deals"),
    path("deals/new/", views.deal_edit, name="deal_new"),
    path("deals/<int:pk>/edit/", views.deal_edit, name="deal_edit"),
    path("deals/<int:pk>/delete/", views.deal_delete, name="deal_delete"),
    path("<slug:kind>s/<int:pk>/restore/", views.restore, name="restore"),
]
