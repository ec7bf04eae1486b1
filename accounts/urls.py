from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .twofactor import views as two_factor

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/done/", views.signup_done, name="signup_done"),
    path("confirm/<uidb64>/<token>/", views.confirm_email, name="confirm_email"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("login/code/", two_factor.login_code, name="login_code"),
    path("profile/two-factor/", two_factor.two_factor, name="two_factor"),
    path("profile/two-factor/setup/", two_factor.two_factor_setup, name="two_factor_setup"),
    path("profile/two-factor/qr.svg", two_factor.two_factor_qr, name="two_factor_qr"),
    path("profile/two-factor/codes/", two_factor.two_factor_codes, name="two_factor_codes"),
    path("profile/two-factor/manage/", two_factor.two_factor_manage, name="two_factor_manage"),
    path("profile/", views.profile, name="profile"),
    path("language/", views.set_language, name="set_language"),
    path(
        "password/change/",
        views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("password/reset/", views.password_reset, name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
