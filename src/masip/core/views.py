"""The error pages (400, 403, 404, 500). The home page, search and the health check are
served by `masip.workspace`, which sits on the top floor: core imports no other app."""

from __future__ import annotations

from django.shortcuts import render


def not_found(request, exception=None):
    return render(request, "core/404.html", status=404)


def forbidden(request, exception=None):
    message = str(exception) if exception else ""
    return render(request, "core/403.html", {"message": message}, status=403)


def server_error(request):
    return render(request, "core/500.html", status=500)


def bad_request(request, exception=None):
    return render(request, "core/400.html", status=400)
