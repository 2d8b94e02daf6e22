"""PrestaShop's webservice (``/api/<resource>``) as PrestaShop publishes it: HTTP Basic with the webservice key as the
user name and no password, JSON answers (``output_format=JSON``), XML bodies for POST and PUT.

- A list answers ``{"orders": [{...}]}`` (``display=full``), or ``[]`` when nothing matches; one object answers
  ``{"order": {...}}``. Every value is a string; a multilingual field is ``[{"id": "1", "value": "..."}]``.
- Filters: ``filter[field]=[v]`` (literal), ``[a|b]`` (any of), ``[a,b]`` (interval), ``%[v]%`` (contains);
  ``date=1`` makes ``date_add``/``date_upd`` filterable and sortable; ``sort=[f1_ASC,f2_DESC]``;
  ``limit=offset,count``.
- A refusal answers ``{"errors": [{"code": 32, "message": "..."}]}`` with the HTTP status.

Sources: devdocs.prestashop-project.org/8/webservice/ (tutorials/advanced-use/additional-list-parameters,
cheat-sheet, tutorials/advanced-use/specific-price, resources/*), and the PrestaShop/PrestaShop repository:
classes/webservice/WebserviceRequest.php (authenticate, manageFilters, setError) and
classes/webservice/WebserviceOutputJSON.php.
"""

import json
from collections.abc import Mapping
from typing import Any
from xml.etree import ElementTree

from rma.connectors.platforms.base import PlatformError
from rma.connectors.platforms.http import PlatformHttp

# The singular node of each resource we read (WebserviceRequest::getResources, each class's objectNodeName).
SINGULAR = {
    "addresses": "address",
    "cart_rules": "cart_rule",
    "categories": "category",
    "combinations": "combination",
    "countries": "country",
    "currencies": "currency",
    "customers": "customer",
    "languages": "language",
    "messages": "message",
    "order_details": "order_detail",
    "order_histories": "order_history",
    "order_slip": "order_slip",
    "orders": "order",
    "product_option_values": "product_option_value",
    "product_options": "product_option",
    "products": "product",
    "stock_availables": "stock_available",
}
# The list node, where it is not the resource's name (OrderSlip's objectsNodeName).
PLURAL = {"order_slip": "order_slips"}


def error_text(response_text: str) -> str:
    """PrestaShop's ``{"errors": [{"code", "message"}]}`` (JSON or XML) as one line; the raw text otherwise."""
    try:
        errors = json.loads(response_text).get("errors") or []
        return "; ".join(f"{e.get('message', '')} (code {e.get('code', '?')})" for e in errors) or response_text
    except (ValueError, AttributeError):
        pass
    try:
        root = ElementTree.fromstring(response_text)
    except ElementTree.ParseError:
        return response_text[:500]
    found = [
        f"{(e.findtext('message') or '').strip()} (code {(e.findtext('code') or '?').strip()})"
        for e in root.iter("error")
    ]
    return "; ".join(found) or response_text[:500]


def multilang(value: Any, language_id: str = "") -> str:
    """A multilingual field's text: the language asked for, else the first one (a plain string as it is)."""
    if isinstance(value, list):
        texts = {str(item.get("id")): str(item.get("value") or "") for item in value if isinstance(item, dict)}
        return texts.get(language_id) or next((text for text in texts.values() if text), "")
    return "" if value is None else str(value)


def xml_body(
    node: str,
    fields: Mapping[str, Any],
    associations: Mapping[str, list[Mapping[str, Any]]] | None = None,
    languages: list[str] | None = None,
) -> bytes:
    """``<prestashop><node>...</node></prestashop>``; a dict value is a multilingual field, written for each of
    `languages` (``{"*": text}``) or for each language id it names."""
    root = ElementTree.Element("prestashop", {"xmlns:xlink": "http://www.w3.org/1999/xlink"})
    entity = ElementTree.SubElement(root, node)
    for name, value in fields.items():
        element = ElementTree.SubElement(entity, name)
        if isinstance(value, Mapping):
            texts = dict.fromkeys(languages or ["1"], value["*"]) if "*" in value else value
            for lang, text in texts.items():
                ElementTree.SubElement(element, "language", {"id": str(lang)}).text = str(text)
        elif value is not None:
            element.text = str(value)
    if associations:
        holder = ElementTree.SubElement(entity, "associations")
        for name, rows in associations.items():
            group = ElementTree.SubElement(holder, name)
            for row in rows:
                item = ElementTree.SubElement(group, name[:-1] if name.endswith("s") else name)
                for key, val in row.items():
                    ElementTree.SubElement(item, key).text = str(val)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


class Webservice:
    """One shop's webservice, with the objects read by id kept for the life of this client (one sync, one call)."""

    def __init__(self, *, base_url: str, key: str, http: PlatformHttp) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = http
        self.http.session.auth = (key, "")
        self._cache: dict[tuple[str, str], dict[str, Any]] = {}

    def _call(self, method: str, path: str, params: Mapping[str, str] | None = None, body: bytes | None = None) -> Any:
        query = {"output_format": "JSON", **(params or {})}
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/xml"
        try:
            response = self.http.request(
                method, f"{self.base_url}/api/{path}", params=query, data=body, headers=headers
            )
        except PlatformError as exc:
            raise _readable(exc) from exc
        if not response.content.strip():
            return {}
        try:
            return response.json()
        except ValueError as exc:
            raise PlatformError(f"{method} /api/{path}: not JSON: {response.text[:200]}") from exc

    def get(self, resource: str, object_id: str | int) -> dict[str, Any]:
        """One object by id (cached); PlatformError 404 when it does not exist."""
        key = (resource, str(object_id))
        if key not in self._cache:
            answer = self._call("GET", f"{resource}/{object_id}")
            self._cache[key] = dict(answer.get(SINGULAR[resource]) or {}) if isinstance(answer, dict) else {}
        return self._cache[key]

    def find(self, resource: str, object_id: object) -> dict[str, Any]:
        """One object by id, or {} when there is none (0, or deleted since: a product no longer sold)."""
        text = str(object_id or "0")
        if not text.isdigit() or not int(text):
            return {}
        try:
            return self.get(resource, text)
        except PlatformError as exc:
            if exc.status == 404:
                self._cache[(resource, str(object_id))] = {}
                return {}
            raise

    def list(
        self,
        resource: str,
        *,
        filters: Mapping[str, str] | None = None,
        sort: str = "",
        limit: str = "",
        display: str = "full",
        extra: Mapping[str, str] | None = None,
    ) -> list[dict[str, Any]]:
        """The objects matching `filters` (``{"id_order": "[12]"}``); ``[]`` when none."""
        params: dict[str, str] = {"display": display, **(extra or {})}
        for field, value in (filters or {}).items():
            params[f"filter[{field}]"] = value
        if sort:
            params["sort"] = sort
        if limit:
            params["limit"] = limit
        if any(field in ("date_add", "date_upd") for field in (filters or {})) or "date_" in sort:
            params["date"] = "1"
        answer = self._call("GET", resource, params)
        if not isinstance(answer, dict):  # PrestaShop answers [] for an empty list
            return []
        rows = answer.get(PLURAL.get(resource, resource)) or []
        return [dict(row) for row in rows if isinstance(row, dict)]

    def create(self, resource: str, body: bytes) -> dict[str, Any]:
        answer = self._call("POST", resource, body=body)
        created = answer.get(SINGULAR[resource]) if isinstance(answer, dict) else None
        if not isinstance(created, dict) or not created.get("id"):
            raise PlatformError(f"POST /api/{resource}: no id in the answer", permanent=True)
        return dict(created)

    def update(self, resource: str, object_id: str | int, body: bytes) -> dict[str, Any]:
        answer = self._call("PUT", f"{resource}/{object_id}", body=body)
        self._cache.pop((resource, str(object_id)), None)
        return dict(answer.get(SINGULAR[resource]) or {}) if isinstance(answer, dict) else {}


def _readable(exc: PlatformError) -> PlatformError:
    """The same error, its message reduced to PrestaShop's own error messages."""
    head, _sep, text = exc.message.partition(f"{exc.status} ") if exc.status else ("", "", "")
    if not text:
        return exc
    return PlatformError(
        f"{head}{exc.status} {error_text(text)}",
        status=exc.status,
        permanent=exc.permanent,
        retry_after=exc.retry_after,
    )


__all__ = ["Webservice", "error_text", "multilang", "xml_body"]
