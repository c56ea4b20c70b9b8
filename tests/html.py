"""Reading reader pages in tests: the main content, JSON-LD blocks, and the page's elements."""

import json
import re
from html.parser import HTMLParser

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def page_text(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def main_content(response):
    """The page's main landmark, where readers see things in order (the head repeats some as JSON-LD)."""
    page = page_text(response)
    return page[page.index("<main") : page.index("</main>")]


def json_ld(response):
    """Every JSON-LD block on the page, parsed."""
    return [json.loads(block) for block in JSON_LD.findall(page_text(response))]


class Element:
    def __init__(self, tag, attrs, line):
        self.tag, self.attrs, self.line = tag, dict(attrs), line
        self.text = ""

    def __repr__(self):
        return f"<{self.tag} {self.attrs} line {self.line}>"


class PageParser(HTMLParser):
    """Collects every element with its attributes and text, and the open-element stack at each one."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.open = []
        self.ancestors = {}

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.getpos()[0])
        self.elements.append(element)
        self.ancestors[id(element)] = [parent.tag for parent in self.open]
        if tag not in self.VOID:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        while self.open:
            element = self.open.pop()
            if element.tag == tag:
                break

    def handle_data(self, data):
        for element in self.open:
            element.text += data

    def find(self, tag):
        return [element for element in self.elements if element.tag == tag]


def parse(response):
    parser = PageParser()
    parser.feed(page_text(response))
    parser.close()
    return parser
