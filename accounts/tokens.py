from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """A link that proves the person reads the mailbox; spent once the address is confirmed,
    and void once the password changes (a link mailed before the change confirms nothing)."""

    key_salt = "accounts.tokens.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return (
            f"{user.id}{user.email}{user.password}{user.email_confirmed_at}{user.is_active}"
            f"{timestamp}"
        )


email_confirmation_token = EmailConfirmationTokenGenerator()
