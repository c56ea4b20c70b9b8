"""Submitting admin forms the way a browser would: read the rendered form, change a few fields, post."""

from html.parser import HTMLParser

from django.urls import reverse


class _AdminFormReader(HTMLParser):
    """What a browser would submit from an admin change form, file inputs aside."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data, self.in_form, self.select, self.textarea = {}, False, None, None

    def add(self, name, value):
        self.data.setdefault(name, []).append(value or "")

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = attrs.get("id", "").endswith("_form")
        elif not self.in_form:
            return
        elif tag == "option" and self.select and "selected" in attrs:
            self.add(self.select, attrs.get("value"))
        elif tag == "select":
            self.select = attrs.get("name")
        elif tag == "textarea":
            self.textarea = [attrs.get("name"), ""]
        elif tag == "input" and "name" in attrs:
            kind = attrs.get("type", "text")
            if kind not in {"file", "submit", "button", "checkbox", "radio"} or "checked" in attrs:
                self.add(attrs["name"], attrs.get("value"))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            name, value = self.textarea
            self.add(name, value.removeprefix("\r\n").removeprefix("\n"))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data


def admin_change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def change_through_admin(client, obj, **changes):
    """Open ``obj``'s admin page, change some fields as an editor would, and press Save."""
    page = client.get(admin_change_url(obj))
    assert page.status_code == 200
    form = _AdminFormReader()
    form.feed(page.content.decode())
    return client.post(admin_change_url(obj), {**form.data, **{name: [value] for name, value in changes.items()}})
