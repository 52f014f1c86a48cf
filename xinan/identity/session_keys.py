"""Session keys the identity middleware and views share."""

MFA_VERIFIED = "xinan_mfa_verified"  # the second factor was verified in this session
LAST_ACTIVITY = "xinan_last_activity"  # epoch seconds of the last request, for the idle timeout
LOGOUT_REASON = "xinan_logout_reason"  # why the previous session ended ("idle"), shown once on the login page
