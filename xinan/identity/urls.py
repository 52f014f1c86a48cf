from django.urls import path

from . import views, views_accounts, views_admin

app_name = "identity"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("mfa/enroll/", views.mfa_enroll_view, name="mfa_enroll"),
    path("mfa/verify/", views.mfa_verify_view, name="mfa_verify"),
    path("mfa/recovery-codes/", views.mfa_recovery_codes_view, name="mfa_recovery_codes"),
    path("locked/", views_admin.locked_accounts_view, name="locked_accounts"),
    path("parameters/", views_admin.parameters_view, name="parameters"),
    path("accounts/", views_accounts.account_list, name="accounts"),
    path("accounts/new/", views_accounts.account_create, name="account_create"),
    path("accounts/<int:pk>/action/", views_accounts.account_action, name="account_action"),
]
