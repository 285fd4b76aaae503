"""The meetings namespace: meeting pages, and the action and plan pages of the apps split from
meetings (actions, plans), whose URL names stayed in this namespace."""

from django.urls import path

from masip.actions import urls as actions_urls
from masip.meetings import views
from masip.plans import urls as plans_urls

app_name = "meetings"

urlpatterns = [
    path("partnerships/<slug:slug>/meetings/", views.meeting_list, name="list"),
    path("partnerships/<slug:slug>/meetings/schedule/", views.meeting_schedule, name="schedule"),
    path("meetings/<int:pk>/", views.meeting_detail, name="detail"),
    path("meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:pk>/agenda/add/", views.item_add, name="item_add"),
    path("meetings/<int:pk>/items/<int:item_pk>/", views.meeting_item, name="item"),
    path("meetings/<int:pk>/items/<int:item_pk>/share/", views.item_share, name="item_share"),
    path("meetings/<int:pk>/items/<int:item_pk>/record/", views.item_record, name="item_record"),
    path("meetings/<int:pk>/items/<int:item_pk>/actions/", views.item_action, name="item_action"),
    path("meetings/<int:pk>/items/<int:item_pk>/remove/", views.item_remove, name="item_remove"),
    path("meetings/<int:pk>/items/<int:item_pk>/triage/", views.item_triage, name="item_triage"),
    path("meetings/<int:pk>/close/", views.meeting_close, name="close"),
    path("meetings/<int:pk>/minutes/", views.minutes, name="minutes"),
    path("meetings/<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    *actions_urls.urlpatterns,
    *plans_urls.urlpatterns,
]
