"""The staff sign-in shared by every role: each lands on its own pages afterwards."""

from django.contrib.auth.views import LoginView
from django.urls import reverse

from rma.core import roles

# The home page of each site role, by URL name: registered by the app that serves those pages (role_home_register,
# in its AppConfig.ready), so that core names no other app's pages.
ROLE_HOMES: dict[str, str] = {}
# Which home wins for someone who holds several roles.
ROLE_HOME_PRECEDENCE = (roles.AGENT, roles.WAREHOUSE_STAFF, roles.STORE_STAFF)


def role_home_register(*, role: str, url_name: str) -> None:
    """Land the staff of `role` on `url_name` after signing in."""
    ROLE_HOMES[role] = url_name


class StaffLoginView(LoginView):
    """Sign-in for agents, shop and warehouse staff; `next` wins, else the role's home page."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        user = self.request.user
        held = roles.user_roles(user)
        for role in ROLE_HOME_PRECEDENCE:
            if role in held and role in ROLE_HOMES:
                return reverse(ROLE_HOMES[role])
        if user.is_staff or roles.AGENT in held:
            return reverse("admin:index")
        return "/"


class SiteLoginView(LoginView):
    """Sign-in on the shop's or the warehouse's own pages: `next` wins, else `home_url` (a URL name)."""

    redirect_authenticated_user = True
    home_url = ""

    def get_default_redirect_url(self) -> str:
        return reverse(self.home_url)
