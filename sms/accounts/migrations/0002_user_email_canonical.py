"""Store every user's email address in its canonical form (docs/decisions.md, "Accounts and sign-in").

The folding is copied here, not imported, so this migration keeps doing what it did when the
helper changes. Two accounts whose addresses share a canonical form stop the migration with
their user IDs: one of them must be changed by hand first.
"""

import unicodedata

from django.db import migrations

_DOTLESS_AND_DOTTED_I = str.maketrans({"\u0131": "i", "\u0130": "i"})


def _canonical(value: str) -> str:
    folded = unicodedata.normalize("NFKC", value or "").strip().translate(_DOTLESS_AND_DOTTED_I)
    return unicodedata.normalize("NFKC", folded.lower())


def store_canonical_emails(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    owners: dict[str, str] = {}
    changes = []
    for user in User.objects.order_by("pk").only("pk", "email", "user_id"):
        canonical = _canonical(user.email)
        if canonical in owners:
            raise RuntimeError(
                f"Users {owners[canonical]} and {user.user_id} have the same email address once folded"
                f" ({canonical}): change one of them before migrating"
            )
        owners[canonical] = user.user_id
        if canonical != user.email:
            changes.append((user.pk, canonical))
    # Every address is checked before any changes: a canonical form is its own canonical form, so
    # it can only meet another account's address when the two fold the same, refused above.
    for pk, canonical in changes:
        User.objects.filter(pk=pk).update(email=canonical)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(store_canonical_emails, migrations.RunPython.noop),
    ]
