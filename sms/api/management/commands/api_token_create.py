"""Create an API token for a sponsor user, for operators: the token is the last line printed."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sms.accounts.models import User
from sms.api.services import MAX_LIFETIME_DAYS, api_token_create
from sms.core.emails import canonical_email
from sms.core.exceptions import DomainError


class Command(BaseCommand):
    help = "Create an API token for a sponsor user; prints the token (shown once) as the last line."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--scope", required=True, choices=["read", "read-write"])
        parser.add_argument("--name", default="Created by an operator")
        parser.add_argument("--days", type=int, default=90, help=f"Days until it expires (1 to {MAX_LIFETIME_DAYS})")

    def handle(self, *args, email, scope, name, days, **options):
        user = User.objects.filter(email=canonical_email(email)).first()
        if user is None:
            raise CommandError(f"No user has the email address {email}")
        try:
            token, secret = api_token_create(
                actor=None, user=user, name=name, scope=scope, expires_on=timezone.localdate() + timedelta(days=days)
            )
        except DomainError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Token {token.name!r} for {user.email}, {scope}, expires {token.expires_on:%-d %B %Y}:")
        self.stdout.write(secret)
