"""Two fixes to the structure tree WeasyPrint writes for PDF/UA.

WeasyPrint (70) builds the tree page by page, so an element that runs over a
page break, a section or a long table, becomes one structure element per
page: a screen reader announces two tables where the reader sees one. And
its table header cells carry no ``/Scope``, which PDF/UA asks of every one.

``install()`` wraps WeasyPrint's tree builder once per process: the parts of
one HTML element on later pages are moved into the structure element of its
first part, and every header cell gets the scope its ``scope`` attribute
gives (``row``, else ``col``). The wrapped function is private to WeasyPrint,
so the tests read the tree of a rendered report to check both.
"""

import pydyf
from weasyprint.pdf import tags

# Elements made only of other structure elements, which can take parts from
# other pages. Links and figures hold marked content of one page: never merged.
CONTAINERS = frozenset({
    "Sect", "Div", "Art", "Part", "BlockQuote", "P", "H1", "H2", "H3", "Caption",
    "L", "LI", "LBody", "Table", "THead", "TBody", "TFoot", "TR", "TH", "TD",
})

_original = tags._build_box_tree


def _build_box_tree(box, parent, pdf, page_number, nums, annotations, page_tags):
    state = pdf.__dict__.setdefault("_one_element_each", {"first": {}, "header_parts": []})
    elements = _original(box, parent, pdf, page_number, nums, annotations, page_tags)
    if box.element is None or box.element_tag in ("html", "body") or box.element.tag != box.element_tag:
        # The page, the root and anonymous boxes: their children's elements pass through.
        yield from elements
        return
    for element in elements:
        tag = element["S"][1:]
        if tag == "TH":
            scope = "/Row" if box.element.attrib.get("scope") == "row" else "/Column"
            element["A"]["Scope"] = scope
        # Anonymous boxes carry their parent's element: the outermost box of
        # an element on its first page (yielded last) takes the later parts.
        key = (box.element, tag)
        first_page, first = state["first"].get(key, (page_number, None))
        if tag not in CONTAINERS:
            first = None
        elif first_page == page_number:
            state["first"][key] = (page_number, element)
            first = None
        if first is None:
            yield element
        else:
            _move_children(pdf, element, into=first)
            if tag == "TH":
                # A header repeated on a later page: its cells point to this part's id.
                state["header_parts"].append((element, first))
        if tag == "Table":
            _relink_headers(pdf, state)


def _move_children(pdf: pydyf.PDF, element: pydyf.Dictionary, *, into: pydyf.Dictionary) -> None:
    for kid in element["K"]:
        pdf.objects[_number(kid)]["P"] = into.reference
        into["K"].append(kid)


def _relink_headers(pdf: pydyf.PDF, state: dict) -> None:
    """Point the cells of a table's later part at the header cells kept in the
    tree: WeasyPrint names a table's headers only once the table is built."""
    renamed = {part["ID"].string: first["ID"] for part, first in state["header_parts"]
               if "ID" in part and "ID" in first}
    state["header_parts"].clear()
    if not renamed:
        return
    for element in pdf.objects:
        if isinstance(element, pydyf.Dictionary) and element.get("S") == "/TD":
            headers = element["A"].get("Headers")
            if headers:
                element["A"]["Headers"] = pydyf.Array(renamed.get(h.string, h) for h in headers)


def _number(reference: bytes) -> int:
    return int(reference.split()[0])


def install() -> None:
    if tags._build_box_tree is not _build_box_tree:
        tags._build_box_tree = _build_box_tree
