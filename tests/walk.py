"""The link walk: signed in as one person, open a set of start pages and every same-site page
their links reach, and gather what each page offers (links, images, forms, htmx requests). The
independent visitor's walk (tests/regulation44/test_visitor_links) and the staff roles' walk
(tests/test_role_links_walk) share it: a page that offers a link its reader gets 403 for fails."""

from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve

HTMX = {"hx-get": "GET", "hx-post": "POST", "hx-put": "PUT", "hx-patch": "PATCH", "hx-delete": "DELETE"}  # fmt: skip
#: The most pages one walk opens: a runaway (a link that makes a new address each time) fails.
LIMIT = 600
LINKS = ("link", "image")


class Addresses(HTMLParser):
    """(method, address, what) for each link, image, form and htmx request of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href") is not None:
            self.found.append(("GET", attrs["href"], "link"))
        if tag == "img" and attrs.get("src") is not None:
            self.found.append(("GET", attrs["src"], "image"))
        if tag == "form":
            method = (attrs.get("method") or "GET").upper()
            self.found.append((method, attrs.get("action") or "", "form"))
        if tag in ("button", "input") and attrs.get("formaction") is not None:
            method = (attrs.get("formmethod") or "POST").upper()
            self.found.append((method, attrs["formaction"], "button"))
        for attribute, method in HTMX.items():
            if attrs.get(attribute) is not None:
                self.found.append((method, attrs[attribute], attribute))


def same_site(page: str, address: str) -> str | None:
    """The path (and query) of ``address`` on this site; None for another site, a fragment of the
    same page, a mail or phone link, or a static file."""
    if address.startswith(("mailto:", "tel:", "javascript:", "data:", "#")):
        return None
    full = urlsplit(urljoin("http://testserver" + page, address))
    if full.netloc != "testserver" or full.path.startswith(settings.STATIC_URL):
        return None
    return full.path + (f"?{full.query}" if full.query else "")


def view_name(url: str) -> str | None:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return None


def shape(url: str) -> tuple:
    """What makes two addresses the same kind of page for the walk: the URL name, which child or
    site it is about, and the names (not values) of its query. A list page's hundred rows open one
    record page each, not a hundred."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return (url,)
    about = tuple(sorted((k, v) for k, v in match.kwargs.items() if k in ("child_id", "site_id")))
    query = tuple(sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair}))
    return (match.view_name, about, query)


def walk(
    client,
    start: Iterable[str],
    *,
    offered: Callable[[str, str, str, str], str | None] | None = None,
    follow: Callable[[str, str], bool] = lambda method, what: method == "GET" and what in LINKS,
    by_shape: bool = False,
    starts_must_open: bool = False,
    limit: int = LIMIT,
) -> tuple[set[str], list[str]]:
    """(the addresses opened, what is wrong) for the signed-in user of ``client``. Each start page
    is opened; a start page that answers 403 is wrong only with ``starts_must_open`` (otherwise
    nobody offered it). Each address a page
    offers that ``follow`` accepts is opened in turn and is wrong if it answers 403; ``offered``
    (page, method, address, what) may name anything else wrong with an address offered. With
    ``by_shape``, an address of a shape (``shape``) already queued is not opened again."""
    queue = list(dict.fromkeys(start))
    came_from = dict.fromkeys(queue, "the start" if starts_must_open else None)
    shapes = {shape(url) for url in queue} if by_shape else set()
    opened, wrong, refused, offers = set(), [], set(), []
    while queue:
        url = queue.pop(0)
        assert len(opened) < limit, f"more than {limit} pages: {sorted(opened)[:20]}…"
        opened.add(url)
        response = client.get(url, follow=True)
        if response.status_code == 403:
            refused.add(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = Addresses()
        parser.feed(response.content.decode())
        for method, address, what in parser.found:
            target = same_site(url, address)
            if target is None:
                continue
            problem = offered(url, method, target, what) if offered else None
            if problem:
                wrong.append(problem)
                continue
            if not follow(method, what):
                continue
            offers.append((url, target))
            if target in came_from or (by_shape and shape(target) in shapes):
                continue
            shapes.add(shape(target))
            came_from[target] = url
            queue.append(target)
    # A start page refused is wrong only if something offers it (or it must open).
    wrong += [
        f"{came_from[url]} offers {url}, which answers 403" for url in refused if came_from[url]
    ]
    wrong += [
        f"{page} offers {url} ({view_name(url)}), which answers 403"
        for page, url in offers
        if url in refused
    ]
    return opened, wrong
