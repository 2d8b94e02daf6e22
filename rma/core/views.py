"""The staff sign-in shared by every role: each lands on its own pages afterwards."""

from django.contrib.auth.views import LoginView
from django.urls import reverse

from rma.core import roles


class StaffLoginView(LoginView):
    """Sign-in for agents, shop and warehouse staff; `next` wins, else the role's home page."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        user = self.request.user
        held = roles.user_roles(user)
        if user.is_staff or roles.AGENT in held:
            return reverse("admin:index")
        if roles.WAREHOUSE_STAFF in held:
            return reverse("warehouse:board")
        if roles.STORE_STAFF in held:
            return reverse("store:counter")
        return "/"


class SiteLoginView(LoginView):
    """Sign-in on the shop's or the warehouse's own pages: `next` wins, else `home_url` (a URL name)."""

    redirect_authenticated_user = True
    home_url = ""

    def get_default_redirect_url(self) -> str:
        return reverse(self.home_url)
