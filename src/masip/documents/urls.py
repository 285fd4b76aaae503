from django.urls import path

from masip.documents import views

app_name = "documents"

urlpatterns = [
    path("cases/<int:pk>/documents/new/", views.case_document_add, name="case_add"),
    path("cases/<int:pk>/documents/<int:document_id>/file/", views.case_document_download, name="download"),
    path("cases/<int:pk>/documents/<int:document_id>/delete/", views.case_document_delete, name="delete"),
]
