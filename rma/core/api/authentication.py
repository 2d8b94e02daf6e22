"""Token authentication that reads the caller's roles with their token: one statement per request, not two.

An integration's token is the API's most frequent caller, and every one of its requests checks a role
(rma.core.api.permissions): DRF's TokenAuthentication reads the token and its user, then the permission reads the
user's groups. Here the groups come in the same statement (one row per group, none for a user without one).
"""

from django.contrib.auth.models import User
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from rma.core import roles


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[User, Token]:
        rows = list(Token.objects.select_related("user").filter(key=key).annotate(role_name=F("user__groups__name")))
        if not rows:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        token = rows[0]
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        roles.user_roles_known(token.user, frozenset(row.role_name for row in rows if row.role_name))
        return token.user, token
