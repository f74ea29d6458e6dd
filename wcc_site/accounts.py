"""A person's account page (their reminder emails), and changing one's
password, with the old password throttled as a login is."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from assessments.models import EmailPreference


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Checks the old password through the authentication backends, so that
    django-axes counts each wrong one against the username and address, as for
    a login: a stolen session cannot be used to guess the password."""

    def __init__(self, user, *args, request: HttpRequest, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        if authenticate(self.request, username=self.user.get_username(), password=old_password) is None:
            raise ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class ThrottledPasswordChangeView(PasswordChangeView):
    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "request": self.request}


class ReminderPreferenceForm(forms.ModelForm):
    class Meta:
        model = EmailPreference
        fields = ["reminders"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("", "Save"))


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """The person's account: who they are, whether they get reminder emails,
    and a link to change their password."""
    preference = EmailPreference.objects.filter(user=request.user).first() or EmailPreference(user=request.user)
    form = ReminderPreferenceForm(request.POST if request.method == "POST" else None, instance=preference)
    if form.is_valid():
        # Not form.save(): a second click on Save would insert the person's row twice (an IntegrityError).
        EmailPreference.objects.update_or_create(user=request.user, defaults=form.cleaned_data)
        messages.success(request, "Reminder emails are on." if form.cleaned_data["reminders"] else
                         "Reminder emails are off. Emails about submitting, returning and accepting assessments "
                         "still go.")
        return redirect("account")
    return render(request, "registration/account.html", {"form": form},
                  status=400 if form.is_bound else 200)
