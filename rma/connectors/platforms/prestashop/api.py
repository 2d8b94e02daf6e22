"""PrestaShop's webservice (``/api/<resource>``) as PrestaShop publishes it: HTTP Basic with the webservice key as the
user name and no password (``Authorization: Basic base64("KEY:")``; the ``ws_key`` query parameter only when the
connection's option ``key_in_query`` says so, for servers that drop the header, and never shown in an error), XML
bodies for POST and PUT.

- JSON is asked for twice, as the docs allow (``output_format=JSON`` and the ``Output-Format: JSON`` header); an
  answer in XML all the same (the default output, or a proxy that drops one) is read into the same shapes.
- A list answers ``{"orders": [{...}]}`` (``display=full`` or ``[f1,f2]``), or ``[]`` when nothing matches; one
  object answers ``{"order": {...}}`` (without its fields that are ``"0"`` or empty: the JSON output filters them).
  Values are strings, ids sometimes numbers; a multilingual field is ``[{"id": "1", "value": "..."}]``, or a plain
  string when the shop has one language. An association (``order_rows``) is a list; one row given as an object,
  or wrapped as ``{"order_row": ...}``, is read as a list of one.
- Filters: ``filter[field]=[v]`` (literal), ``[a|b]`` (any of), ``[a,b]`` (interval), ``%[v]%`` (contains);
  ``date=1`` makes ``date_add``/``date_upd`` filterable and sortable; ``sort=[f1_ASC,f2_DESC]``;
  ``limit=offset,count``.
- A refusal answers ``{"errors": [{"code": 32, "message": "..."}]}`` with the HTTP status.

Sources: devdocs.prestashop-project.org/8/webservice/ (getting-started: "Using JSON instead of XML", display,
filter, date=1; tutorials/testing-access: the Authorization header, the key in the URL; tutorials/advanced-use/
additional-list-parameters, multilang-fields (JSON and XML output, the single-language case), cheat-sheet,
resources/*), and the PrestaShop/PrestaShop repository: webservice/dispatcher.php (PHP_AUTH_USER, then
``$_GET['ws_key']``), classes/webservice/WebserviceRequest.php (getOutputObject: Io-Format and Output-Format
headers, output_format and io_format parameters; authenticate, manageFilters, setError),
classes/webservice/WebserviceOutputJSON.php (renderField, renderNodeFooter, overrideContent) and
WebserviceOutputXML.php.
"""

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit, urlunsplit
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
SINGULAR_NODES = frozenset(SINGULAR.values()) - frozenset(PLURAL.values())


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
    """A multilingual field's text: the language asked for, else the first one (a plain string as it is: a shop
    with one language answers one)."""
    if isinstance(value, dict):
        value = value.get("language", value)
        value = value if isinstance(value, list) else [value]
    if isinstance(value, list):
        texts = {str(item.get("id")): str(item.get("value") or "") for item in value if isinstance(item, dict)}
        return texts.get(language_id) or next((text for text in texts.values() if text), "")
    return "" if value is None else str(value)


def truthy(value: Any) -> bool:
    """A PrestaShop boolean: ``"1"`` (or 1, true) is true."""
    return str(value).strip().lower() in ("1", "true")


def rows_of(value: Any, singular: str = "") -> list[dict[str, Any]]:
    """A list of objects however it came: a list, one object on its own, or wrapped in its singular name
    (``{"order_row": {...}}`` or ``{"order_row": [...]}``); ``[]`` for nothing."""
    if isinstance(value, dict) and singular and singular in value and len(value) == 1:
        value = value[singular]
    if isinstance(value, dict):
        value = [value] if value else []
    if not isinstance(value, list):
        return []
    return [dict(row) for row in value if isinstance(row, dict)]


def association(entity: dict[str, Any], name: str, singular: str) -> list[dict[str, Any]]:
    """An association's rows (``associations.order_rows``), as a list whatever its shape."""
    holder = entity.get("associations")
    return rows_of(holder.get(name), singular) if isinstance(holder, dict) else []


def xml_answer(text: str) -> Any:
    """A webservice answer in XML, in the shapes of its JSON output: ``<prestashop><orders><order>…`` is
    ``{"orders": [{...}]}``, ``<prestashop><order>…`` is ``{"order": {...}}``, an empty list is ``[]``."""
    root = ElementTree.fromstring(text.encode("utf-8"))
    for element in root.iter():  # a default namespace, if a server adds one, is not part of the names
        element.tag = element.tag.rpartition("}")[2]
    if root.tag != "prestashop":
        raise ValueError(f"not a PrestaShop document: <{root.tag}>")
    answer: dict[str, Any] = {}
    for node in root:
        if node.tag == "errors":
            answer["errors"] = [_xml_entity(error) for error in node]
        elif node.tag in SINGULAR_NODES:
            answer[node.tag] = _xml_entity(node)
        else:
            items = [_xml_entity(item) for item in node]
            if items:
                answer[node.tag] = items
    return answer or []


def _xml_entity(node: ElementTree.Element) -> dict[str, Any]:
    entity: dict[str, Any] = {}
    if node.get("id") is not None:  # a list without display: <order id="5" xlink:href="..."/>
        entity["id"] = node.get("id")
    for child in node:
        languages = child.findall("language")
        if child.tag == "associations":
            entity["associations"] = {group.tag: [_xml_entity(item) for item in group] for group in child}
        elif languages:
            entity[child.tag] = [{"id": lang.get("id", ""), "value": lang.text or ""} for lang in languages]
        else:
            entity[child.tag] = child.text or ""
    return entity


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

    def __init__(self, *, base_url: str, key: str, http: PlatformHttp, key_in_query: bool = False) -> None:
        self.base_url, url_key = shop_base(base_url)
        self.key = key or url_key
        self.http = http
        self.key_in_query = key_in_query
        self._cache: dict[tuple[str, str], dict[str, Any]] = {}

    def _call(self, method: str, path: str, params: Mapping[str, str] | None = None, body: bytes | None = None) -> Any:
        query = {"output_format": "JSON", **(params or {})}
        if self.key_in_query:
            query["ws_key"] = self.key
        headers = {"Accept": "application/json, application/xml;q=0.9", "Output-Format": "JSON"}
        if body is not None:
            headers["Content-Type"] = "application/xml"
        try:
            response = self.http.request(
                method,
                f"{self.base_url}/api/{path}",
                # Spaces as %20, as the docs write dates (``[2019-11-14%2013:00:00,...]``), not as "+".
                params=urlencode(query, quote_via=quote),
                data=body,
                headers=headers,
                # Per request, not on the session: a session handed in may serve other shops too.
                auth=None if self.key_in_query else (self.key, ""),
            )
        except PlatformError as exc:
            if exc.status == 401:
                exc = PlatformError(
                    f"{_readable(exc).message} (is the webservice key right and enabled? If it is, the web server may "
                    "drop the Authorization header: 'CGIPassAuth On' in .htaccess, or the option key_in_query)",
                    status=401,
                    permanent=True,
                )
            raise self._hidden(_readable(exc)) from None
        text = response.text.lstrip("\ufeff").strip()
        if not text:
            return {}
        try:
            return xml_answer(text) if text.startswith("<") else json.loads(text)
        except (ValueError, ElementTree.ParseError) as exc:
            raise PlatformError(
                f"{method} /api/{path}: the shop answered neither the webservice's JSON nor its XML ({exc}); is "
                f"the webservice enabled and {self.base_url}/api/ reachable? {self._hide(text[:200])}"
            ) from None

    def _hide(self, text: str) -> str:
        return text.replace(self.key, "***") if self.key else text

    def _hidden(self, exc: PlatformError) -> PlatformError:
        """The same error without the key (a connection error names the URL, ``ws_key`` included)."""
        return PlatformError(
            self._hide(exc.message), status=exc.status, permanent=exc.permanent, retry_after=exc.retry_after
        )

    def get(self, resource: str, object_id: str | int) -> dict[str, Any]:
        """One object by id (cached); PlatformError 404 when it does not exist."""
        key = (resource, str(object_id))
        if key not in self._cache:
            answer = self._call("GET", f"{resource}/{object_id}")
            found: Any = {}
            if isinstance(answer, dict):
                found = answer.get(SINGULAR[resource])
                if found is None:  # {"orders": [{...}]}, as PrestaShop answers one object asked with display
                    found = next(iter(rows_of(answer.get(PLURAL.get(resource, resource)), SINGULAR[resource])), None)
                if found is None and "id" in answer:  # the object itself, unwrapped
                    found = answer
            self._cache[key] = dict(found) if isinstance(found, dict) else {}
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
        if isinstance(answer, list):  # PrestaShop answers [] for an empty list (a bare list of objects: read it)
            rows = rows_of(answer)
        elif isinstance(answer, dict):
            node = PLURAL.get(resource, resource)
            if node not in answer:  # another list node name (order_slip's "order_slips" as "order_slip"): the only one
                lists = [name for name in answer if name != "errors"]
                node = lists[0] if len(lists) == 1 else node
            rows = rows_of(answer.get(node), SINGULAR[resource])
        else:
            rows = []
        # The filters again on our side (not the dates: the paging relies on the shop's), so that a webservice
        # that skips one never hands us another order's rows, slips or stock.
        checks = [(field, value) for field, value in (filters or {}).items() if field not in ("date_add", "date_upd")]
        return [row for row in rows if all(_kept(row, field, value) for field, value in checks)]

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


def _kept(row: Mapping[str, Any], field: str, expression: str) -> bool:
    """Whether `row` passes ``filter[field]=expression`` for the literal (``[a]``), any-of (``[a|b]``) and interval
    (``[a,b]``) forms, case-insensitive as PrestaShop's; other forms, and rows without the field, pass."""
    if field not in row or not (expression.startswith("[") and expression.endswith("]")):
        return True
    value, inner = str(row[field]).strip().lower(), expression[1:-1].lower()
    if "|" in inner:
        return value in inner.split("|")
    if "," in inner:
        low, high = inner.split(",", 1)
        if all(text.replace(".", "", 1).isdigit() for text in (value, low, high)):
            return Decimal(low) <= Decimal(value) <= Decimal(high)
        return low <= value <= high
    return value == inner


def shop_base(url: str) -> tuple[str, str]:
    """The shop's address as the API's base (without a trailing ``/api``) and the key written in it, if any
    (``https://KEY@shop.example.com/``, as the docs show): the key is taken out of the URL, which errors name."""
    parts = urlsplit(url.strip())
    key = unquote(parts.username or "")
    netloc = parts.netloc.rpartition("@")[2]
    path = parts.path.rstrip("/")
    if path.endswith("/api"):
        path = path[: -len("/api")]
    return urlunsplit((parts.scheme, netloc, path, "", "")).rstrip("/"), key


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


__all__ = [
    "Webservice",
    "association",
    "error_text",
    "multilang",
    "rows_of",
    "shop_base",
    "truthy",
    "xml_answer",
    "xml_body",
]
