"""What the shop pages and the warehouse pages share: sign-in, sign-out and language routes, the role guard that
loads the user's sites (shops or warehouses) and the one worked in, the site switch, and picking a site in the API.

Each app describes its pages once with a `StaffSite` and keeps everything else (its roles, selectors, messages).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Protocol, TypeVar

from django.contrib.auth.views import LogoutView, redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.views.i18n import set_language
from rest_framework.exceptions import ValidationError

from rma.core.exceptions import DomainError, UnknownReference
from rma.core.views import SiteLoginView


class _Coded(Protocol):
    """A site as the API names it: by its code (shops and warehouses alike)."""

    @property
    def code(self) -> str: ...


SiteT = TypeVar("SiteT", bound=_Coded)


@dataclass(frozen=True, kw_only=True)
class StaffSite:
    """The pages of one kind of site (shop or warehouse) and where their state lives on the request and session."""

    login_url: str  # URL name of the pages' sign-in
    home_url: str  # URL name of the pages' home
    is_member: Callable[[Any], bool]  # may the user use these pages
    sites_for_user: Callable[..., Iterable[Any]]  # keyword `user`: the sites the user works in
    session_key: str  # the session key holding the pk of the site worked in
    sites_attr: str  # request attribute set to the user's sites (a list)
    current_attr: str  # request attribute set to the site worked in (or None)
    switch_field: str  # POST field naming the site to switch to

    def view(self, view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        """Signed-in members only: others are sent to log in, or refused (403). Sets the sites on the request."""

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse(self.login_url))
            if not self.is_member(request.user):
                raise PermissionDenied
            sites = list(self.sites_for_user(user=request.user))
            setattr(request, self.sites_attr, sites)
            setattr(request, self.current_attr, self._current(request, sites))
            return view(request, *args, **kwargs)

        return wrapper

    def _current(self, request: HttpRequest, sites: list[Any]) -> Any:
        wanted = request.session.get(self.session_key)
        for site in sites:
            if site.pk == wanted:
                return site
        return sites[0] if sites else None

    def switch(self, request: HttpRequest) -> HttpResponse:
        """Remember the site named in the POST as the one worked in, if it is one of the user's; back home."""
        try:
            wanted = int(request.POST.get(self.switch_field, ""))
        except ValueError:
            wanted = None
        if any(site.pk == wanted for site in getattr(request, self.sites_attr)):
            request.session[self.session_key] = wanted
        return redirect(self.home_url)

    def account_urls(self, *, login_template: str) -> list[URLPattern]:
        """The login/, logout/ and language/ routes of these pages (named "login", "logout", "language")."""
        return [
            path("login/", SiteLoginView.as_view(template_name=login_template, home_url=self.home_url), name="login"),
            path("logout/", LogoutView.as_view(next_page=self.login_url), name="logout"),
            path("language/", set_language, name="language"),
        ]


def site_for_operation(
    *,
    sites: list[SiteT],
    code: str,
    field: str,
    not_yours: str,
    no_site: str,
    no_site_code: str,
    several: str,
) -> SiteT:
    """The site an API operation is for: the one whose code is given, or the caller's only site.

    The messages are the caller's (already translated): a code not among `sites` is not found (404, like a list
    narrowed to a site that is not yours), no site at all a DomainError `no_site_code`, several sites and no code a
    validation error on `field`.
    """
    if code:
        for site in sites:
            if site.code == code:
                return site
        raise UnknownReference(not_yours, extra={field: [not_yours]})
    if len(sites) == 1:
        return sites[0]
    if not sites:
        raise DomainError(no_site, code=no_site_code)
    raise ValidationError({field: [several]})
