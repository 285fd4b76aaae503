from django.urls import path

from masip.meetings import views

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
    path("partnerships/<slug:slug>/actions/", views.action_list, name="actions"),
    path("actions/<int:pk>/", views.action_update, name="action_update"),
    path("cases/<int:pk>/actions/new/", views.case_action_add, name="case_action_add"),
    path("cases/<int:pk>/plan/", views.plan, name="plan"),
    path("cases/<int:pk>/plan/new/", views.plan_edit, name="plan_edit"),
]
