"""Sponsor users: Level 2 users managed by Level 1 users, additional Level 1 users, deactivation,
and the quarterly access review (domain.md section 1, seed 002).
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from sms.accounts import services as accounts
from sms.accounts.models import Sponsor, User
from sms.accounts.policy import Action, require
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.core.emails import canonical_email
from sms.core.exceptions import DomainError
from sms.licensing.models import AccessReview, Licence, Rating, SponsorRequest
from sms.licensing.services.decisions import request_decision_record
from sms.notifications.services import email_enqueue_template


def _address_holder(*, sponsor: Sponsor, email: str) -> User | None:
    """The account that already has this address, if any. One of the sponsor's own users is named
    (the sponsor can see them anyway); an account outside the sponsor is never revealed to it."""
    holder = User.objects.filter(email=email).first()
    if holder is not None and holder.sponsor_id == sponsor.pk:
        raise DomainError(f"{email} is already a user of your organisation: see the access register")
    return holder


def _address_in_use_elsewhere(*, holder: User, sponsor: Sponsor, actor: User | None, level: str) -> None:
    """No account is made for an address that has one outside the sponsor: its owner is told by
    email, the Home Office trail records it, and the sponsor is told what it is told for a new
    address (docs/decisions.md, "No account enumeration")."""
    level_label = User.Level(level).label
    email_enqueue_template(
        to=holder.email,
        template="account_address_in_use",
        context={
            "service_name": settings.SERVICE_NAME,
            "sponsor_name": sponsor.name,
            "level": level_label,
            "user": holder,
        },
    )
    audit.record(
        actor=actor,
        verb=Verb.USER_NOT_ADDED_ADDRESS_IN_USE,
        target=holder,
        sponsor=None,
        payload={"sponsor": sponsor.name, "role": level_label},
    )


@transaction.atomic
def level_2_user_add(*, sponsor: Sponsor, actor: User, email: str, given_name: str, family_name: str) -> User | None:
    """A Level 1 user adds a Level 2 user directly; the new user gets an activation link.

    An address with an account outside the sponsor makes no account and returns None; the page
    says the same as for a new address (``_address_in_use_elsewhere``).
    """
    require(actor, Action.MANAGE_LEVEL_2_USERS, sponsor)
    email = canonical_email(email)
    holder = _address_holder(sponsor=sponsor, email=email)
    if holder is not None:
        _address_in_use_elsewhere(holder=holder, sponsor=sponsor, actor=actor, level=User.Level.LEVEL_2)
        return None
    return accounts.user_create(
        email=email,
        given_name=given_name,
        family_name=family_name,
        created_by=actor,
        sponsor=sponsor,
        level=User.Level.LEVEL_2,
    )


@transaction.atomic
def sponsor_user_edit(*, user: User, actor: User, given_name: str, family_name: str, email: str) -> User:
    """Correct a Level 2 user's name or email address."""
    require(actor, Action.MANAGE_LEVEL_2_USERS, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.level != User.Level.LEVEL_2:
        raise DomainError("Only Level 2 users' details can be changed here")
    email = canonical_email(email)
    if User.objects.filter(email=email).exclude(pk=user.pk).exists():
        raise DomainError("A user with this email address already exists")
    before = {"given_name": user.given_name, "family_name": user.family_name, "email": user.email}
    user.given_name, user.family_name, user.email = given_name.strip(), family_name.strip(), email
    user.save(update_fields=["given_name", "family_name", "email"])
    after = {"given_name": user.given_name, "family_name": user.family_name, "email": user.email}
    changed = {field: {"from": before[field], "to": after[field]} for field in before if before[field] != after[field]}
    audit.record(actor=actor, verb=Verb.USER_DETAILS_CHANGED, target=user, payload=changed)
    return user


@transaction.atomic
def sponsor_user_deactivate(*, user: User, actor: User) -> User:
    """Deactivate (remove) a sponsor user. The last active Level 1 user can never go (domain.md section 1).

    The account and its history stay; the person can no longer sign in.
    """
    require(actor, Action.DEACTIVATE_USER, user)
    # Lock every active Level 1 user of the sponsor so two deactivations cannot both pass the check.
    level_1_ids = list(
        User.objects.select_for_update()
        .filter(sponsor_id=user.sponsor_id, level=User.Level.LEVEL_1, is_active=True)
        .values_list("pk", flat=True)
    )
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise DomainError("This user is already deactivated")
    if user.pk == actor.pk:
        raise DomainError("You cannot deactivate your own account")
    if user.level == User.Level.LEVEL_1 and level_1_ids == [user.pk]:
        raise DomainError("You cannot deactivate the last Level 1 user")
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit.record(actor=actor, verb=Verb.USER_DEACTIVATED, target=user, payload={"role": user.role_label})
    return user


@transaction.atomic
def sponsor_user_reactivate(*, user: User, actor: User) -> User:
    """A Level 1 user reactivates a deactivated Level 2 user of their sponsor.

    A Level 1 user is reactivated by the Home Office helpdesk: adding a Level 1 user needs the
    Home Office's approval (domain.md section 1), and reactivating one would add one.
    """
    require(actor, Action.DEACTIVATE_USER, user)
    if user.level == User.Level.LEVEL_1:
        raise DomainError(
            "A Level 1 user can be reactivated only by the Home Office sponsorship helpdesk, "
            "or you can request an additional Level 1 user"
        )
    return accounts.user_reactivate(user=user, reactivated_by=actor)


@transaction.atomic
def sponsor_user_activation_resend(*, user: User, actor: User) -> str:
    """A Level 1 user sends a new activation link to a user of their sponsor who has not activated."""
    require(actor, Action.DEACTIVATE_USER, user)
    return accounts.activation_link_resend(user=user, sent_by=actor)


def auto_approves_level_1(licence: Licence) -> bool:
    """An additional Level 1 user is approved at once when the setting allows it and the licence is
    active with every current route A-rated; otherwise the Home Office decides."""
    if not settings.ADDITIONAL_LEVEL_1_AUTO_APPROVE or licence.status != Licence.Status.ACTIVE:
        return False
    ratings = set(licence.routes.filter(removed_on__isnull=True).values_list("rating", flat=True))
    return ratings == {Rating.A}


@transaction.atomic
def additional_level_1_request_submit(
    *, sponsor: Sponsor, actor: User, email: str, given_name: str, family_name: str
) -> SponsorRequest:
    """Ask for another Level 1 user. Approved at once where ``auto_approves_level_1`` says so."""
    require(actor, Action.REQUEST_ADDITIONAL_LEVEL_1, sponsor)
    email = canonical_email(email)
    # Only the sponsor's own users are named; an address in use elsewhere goes on as a new one would.
    _address_holder(sponsor=sponsor, email=email)
    pending = SponsorRequest.objects.filter(
        sponsor=sponsor, kind=SponsorRequest.Kind.ADDITIONAL_LEVEL_1, status=SponsorRequest.Status.SUBMITTED
    ).filter(Q(proposed_person__email=email))
    if pending.exists():
        raise DomainError("A request for this person is already waiting for a decision")
    request = SponsorRequest.objects.create(
        sponsor=sponsor,
        kind=SponsorRequest.Kind.ADDITIONAL_LEVEL_1,
        created_by=actor,
        proposed_person={"email": email, "given_name": given_name.strip(), "family_name": family_name.strip()},
    )
    audit.record(
        actor=actor, verb=Verb.REQUEST_SUBMITTED, target=request, payload={"kind": request.kind, "email": email}
    )
    if auto_approves_level_1(Licence.objects.get(sponsor=sponsor)):
        request = request_decision_record(
            request=request,
            to_status=SponsorRequest.Status.GRANTED,
            actor=None,
            reason="Approved automatically: the licence is active and every route is A-rated",
        )
        requested_level_1_create(request=request)
    return request


def requested_level_1_create(*, request: SponsorRequest) -> User | None:
    """Create the Level 1 user a granted request named; they get an activation link.

    When the address has an account by then, none is made (None): outside the sponsor, its owner is
    told as for a Level 2 user (``_address_in_use_elsewhere``); the sponsor's own user is named.
    """
    person = request.proposed_person
    holder = _address_holder(sponsor=request.sponsor, email=canonical_email(person["email"]))
    if holder is not None:
        _address_in_use_elsewhere(
            holder=holder, sponsor=request.sponsor, actor=request.created_by, level=User.Level.LEVEL_1
        )
        return None
    return accounts.user_create(
        email=person["email"],
        given_name=person["given_name"],
        family_name=person["family_name"],
        created_by=request.created_by,
        sponsor=request.sponsor,
        level=User.Level.LEVEL_1,
    )


@transaction.atomic
def access_review_complete(*, sponsor: Sponsor, actor: User, notes: str) -> AccessReview:
    """A Level 1 user confirms they have reviewed who has access (quarterly, seed 002)."""
    require(actor, Action.REVIEW_ACCESS, sponsor)
    count = User.objects.filter(sponsor=sponsor, is_active=True).count()
    review = AccessReview.objects.create(sponsor=sponsor, reviewed_by=actor, users_reviewed=count, notes=notes.strip())
    audit.record(
        actor=actor,
        verb=Verb.ACCESS_REVIEW_COMPLETED,
        target=sponsor,
        payload={"users_reviewed": count, "notes": notes},
    )
    return review
