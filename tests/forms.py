"""Reading a page's form as a browser would submit it, for the walks that post every form."""

from html.parser import HTMLParser


class FormScraper(HTMLParser):
    """The fields of the first form on a page posting to ``action`` (or of the page's first
    form), as a browser would submit them."""

    def __init__(self, action=None):
        super().__init__()
        self.action, self.forms, self.current, self.textarea, self.select = (
            action,
            [],
            None,
            None,
            None,
        )

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.current = {"action": a.get("action") or "", "data": {}, "buttons": []}
            self.forms.append(self.current)
        if self.current is None:
            return
        data = self.current["data"]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    data[a["name"]] = a.get("value", "on")
            elif kind == "submit":
                self.current["buttons"].append((a["name"], a.get("value", "")))
            elif kind != "file":
                data[a["name"]] = a.get("value", "")
        elif tag == "button" and a.get("name"):
            self.current["buttons"].append((a["name"], a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self.textarea = a["name"]
            data[self.textarea] = ""
        elif tag == "select" and a.get("name"):
            self.select = a["name"]
        elif tag == "option" and self.select and ("selected" in a):
            data[self.select] = a.get("value", "")

    def handle_data(self, text):
        if self.textarea and self.current is not None:
            self.current["data"][self.textarea] += text

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form":
            self.current = None

    def form(self):
        for form in self.forms:
            if "version" in form["data"] and (self.action is None or form["action"] == self.action):
                return form
        raise AssertionError(f"No form with a version posting to {self.action!r}: {self.forms}")


def scrape(client, page_url, action=None) -> dict:
    """The fields of the page's form that carries a ``version`` (posting to ``action``)."""
    response = client.get(page_url)
    assert response.status_code == 200, page_url
    parser = FormScraper(action)
    parser.feed(response.content.decode())
    form = parser.form()
    data = dict(form["data"])
    data.pop("csrfmiddlewaretoken", None)
    return data


def all_forms(html: str) -> list[dict]:
    """Every form on a page: ``{"action", "data", "buttons"}`` each."""
    parser = FormScraper()
    parser.feed(html)
    return parser.forms
