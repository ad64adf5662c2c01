from django.urls import path

from sms.accounts.views import account, auth, homeoffice

app_name = "accounts"

urlpatterns = [
    path("sign-in/", auth.SignInView.as_view(), name="sign_in"),
    path("sign-out/", auth.SignOutView.as_view(), name="sign_out"),
    path("signed-out/", auth.SignedOutView.as_view(), name="signed_out"),
    path("session/extend/", auth.ExtendSessionView.as_view(), name="extend_session"),
    path("sign-in/security-code/", auth.MfaVerifyView.as_view(), name="mfa_verify"),
    path("account/security/set-up/", auth.MfaSetupView.as_view(), name="mfa_setup"),
    path("account/security/recovery-codes/", auth.RecoveryCodesView.as_view(), name="recovery_codes"),
    path("account/", account.AccountView.as_view(), name="account"),
    path("account/password/", account.ChangePasswordView.as_view(), name="change_password"),
    path("activate/<uidb64>/<token>/", account.ActivateAccountView.as_view(), name="activate"),
    path("activate/done/", account.ActivationDoneView.as_view(), name="activation_done"),
    path("password-reset/", account.PasswordResetRequestView.as_view(), name="password_reset"),
    path("password-reset/sent/", account.PasswordResetSentView.as_view(), name="password_reset_sent"),
    path(
        "password-reset/<uidb64>/<token>/",
        account.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", account.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("home-office/locked-accounts/", homeoffice.LockedAccountsView.as_view(), name="locked_accounts"),
    path(
        "home-office/locked-accounts/<ref:user_id>/unlock/",
        homeoffice.UnlockAccountView.as_view(),
        name="unlock_account",
    ),
    path(
        "home-office/accounts/<ref:user_id>/reactivate/",
        homeoffice.ReactivateAccountView.as_view(),
        name="reactivate_account",
    ),
    path(
        "home-office/accounts/<str:user_id>/deactivate/",
        homeoffice.DeactivateAccountView.as_view(),
        name="deactivate_account",
    ),
    path(
        "home-office/accounts/<str:user_id>/resend-activation/",
        homeoffice.ResendActivationView.as_view(),
        name="resend_activation_account",
    ),
]
