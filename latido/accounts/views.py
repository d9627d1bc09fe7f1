"""Sign-in, sign-out, password reset, preferences and the start page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from latido.accounts.forms import PreferencesForm, SignInForm
from latido.accounts.models import User
from latido.accounts.services import user_set_preferences
from latido.core.errors import DomainError


def home(request: HttpRequest) -> HttpResponse:
    """Send each person to their workspace: agents to the queues, customers to the portal."""
    user = request.user
    if not isinstance(user, User) or not user.is_active:
        return redirect("login")
    if user.is_customer:
        return redirect("portal:home")
    return redirect("tickets:queue")


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class SignOutView(auth_views.LogoutView):
    """POST only (Django's own rule); a GET shows nothing to be tricked into."""


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if request.method != "POST":
        form = PreferencesForm(initial={"language": user.language, "time_zone": user.time_zone})
        return render(request, "accounts/profile.html", {"form": form})
    form = PreferencesForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/profile.html", {"form": form}, status=400)
    try:
        user_set_preferences(user=user, language=form.cleaned_data["language"],
                             time_zone=form.cleaned_data["time_zone"])
    except DomainError as err:
        form.add_error(None, err.message)
        return render(request, "accounts/profile.html", {"form": form},
                      status=err.http_status)
    messages.success(request, _("Your preferences were saved."))
    response = HttpResponseRedirect(reverse("profile"))
    response.status_code = 303
    return response
