from django.urls import path

from masip.reporting import views

app_name = "reporting"

_lap = "partnerships/<slug:slug>/"
_return = _lap + "returns/<str:quarter>/"

urlpatterns = [
    path(_lap + "training/", views.training_list, name="training_list"),
    path(_lap + "training/new/", views.training_add, name="training_add"),
    path("training/<int:pk>/correct/", views.training_correct, name="training_correct"),
    path(_lap + "consultancy/", views.consultancy_list, name="consultancy_list"),
    path(_lap + "consultancy/new/", views.consultancy_add, name="consultancy_add"),
    path("consultancy/<int:pk>/correct/", views.consultancy_correct, name="consultancy_correct"),
    path(_lap + "staffing/", views.staffing, name="staffing"),
    path(_lap + "staffing/posts/new/", views.post_add, name="post_add"),
    path("staffing/posts/<int:pk>/", views.post_edit, name="post_edit"),
    path("staffing/posts/<int:pk>/holders/new/", views.holding_add, name="holding_add"),
    path("staffing/holders/<int:pk>/", views.holding_edit, name="holding_edit"),
    path(_lap + "returns/", views.returns, name="returns"),
    path(_lap + "returns/collection/", views.collection, name="collection"),
    path(_return, views.return_detail, name="return_detail"),
    path(_return + "file/", views.return_file, name="return_file"),
    path(_return + "figures/<str:figure>/", views.return_records, name="return_records"),
    path(_return + "export.<str:fmt>", views.return_export, name="return_export"),
    path("programme/returns/", views.programme_returns, name="programme_returns"),
    path("programme/returns/<str:quarter>/", views.programme_return, name="programme_return"),
    path("programme/returns/<str:quarter>/export.<str:fmt>", views.programme_export, name="programme_export"),
]

urlpatterns += [
    path(_lap + "dashboard/", views.dashboard, name="dashboard"),
    path("programme/dashboard/", views.programme_dashboard, name="programme_dashboard"),
]
