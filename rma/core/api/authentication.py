"""Token authentication that reads the caller's roles with their token: one statement per request, not two.

An integration's token is the API's most frequent caller, and every one of its requests checks a role
(rma.core.api.permissions): DRF's TokenAuthentication reads the token and its user, then the permission reads the
user's groups. Here the groups come in the same statement, made once per database and prepared once per PostgreSQL
connection (rma.core.user_rows): on the path that accepts a return for later, building and compiling that query
with the ORM cost more than the request's insert.
"""

from django.contrib.auth.models import User
from django.db import router
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from rma.core import user_rows

TOKEN_FIELDS = ("key", "user_id", "created")


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[User, Token]:
        alias = router.db_for_read(Token)
        statement = user_rows.by_token(alias)
        rows = statement.rows(alias, key)
        if not rows:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        (created,), user = statement.user(alias, rows)
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token = Token.from_db(alias, TOKEN_FIELDS, (key, user.pk, created))
        token.user = user
        return user, token
