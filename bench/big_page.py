"""A large, deterministic page with the kinds of content real pages mix: navigation, a data table with row
actions, a form (date inputs included), long text, a tree menu made clickable by script, a shadow-DOM widget and
an iframe. Used to time the observation against Playwright's aria snapshot and to measure recall at size."""

from __future__ import annotations

import html
import random

_WORDS = ("trail summit lantern harbor copper meadow signal ledger orbit canyon falcon velvet quartz timber "
          "glacier beacon cedar marble nimbus prairie").split()


def _phrase(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words)).capitalize()


def big_page(elements: int = 2500, seed: int = 7) -> str:
    """HTML with about `elements` elements (the count `document.querySelectorAll('*')` gives once scripts ran)."""
    rng = random.Random(seed)
    head = ["<!doctype html><html><head><meta charset=utf-8><title>Catalog</title>",
            "<style>.node{cursor:pointer;padding:2px}.node>span{color:#444}.tabs span{cursor:pointer;margin:4px}"
            "</style></head><body>"]
    nav = ["<header><nav aria-label=Main>"] + [f'<a href="/section/{i}">{_phrase(rng, 2)}</a> ' for i in range(20)]
    nav += ["</nav><form role=search><input type=search aria-label=Search><button>Go</button></form></header>"]
    tabs = ['<div class=tabs role=presentation>'] + [f"<span>{_phrase(rng, 1)} tab {i}</span>" for i in range(8)]
    tabs += ["</div>"]
    form = ["<main><h1>Inventory</h1><form aria-label=Filters>",
            "<label>From <input type=date name=from></label> <label>To <input type=date name=to></label>",
            "<label>Status <select name=status><option>Any</option><option>In stock</option>"
            "<option>Backorder</option></select></label> <label><input type=checkbox name=mine> Mine only</label>",
            "<textarea aria-label=Notes></textarea><button type=submit>Apply</button></form>"]
    widget = ["<stock-widget></stock-widget>",
              '<iframe title="Help" width=500 height=120 srcdoc="<h2>Help</h2><button>Contact support</button>'
              '<a href=&quot;/faq&quot;>FAQ</a>"></iframe>']
    scripts = ["""<script>
customElements.define('stock-widget', class extends HTMLElement {
  connectedCallback() {
    this.attachShadow({mode: 'open'}).innerHTML =
      '<h2>Stock alerts</h2><button>Subscribe</button><label>Threshold <input type=number value=5></label>';
  }
});
document.querySelectorAll('.tree .node').forEach((node) => node.addEventListener('click', () => {
  node.classList.toggle('open');
}));
document.querySelectorAll('.tabs span').forEach((tab) => tab.addEventListener('click', () => {}));
</script></body></html>"""]
    fixed = "".join(head + nav + tabs + form + widget)
    # Rows, tree items and paragraphs until the element budget is spent (each row is 11 elements, each tree node
    # 3, each paragraph about 4): a quarter of it each for the tree and the text, the rest for the table.
    budget = max(0, elements - 120)
    rows = ["<table aria-label=Products><thead><tr><th>SKU</th><th>Name</th><th>Price</th><th>Stock</th>"
            "<th>Actions</th></tr></thead><tbody>"]
    tree = ["<aside><h2>Categories</h2><ul class=tree>"]
    text = ["<section aria-label=Reviews><h2>Reviews</h2>"]
    used = 0
    index = 0
    while used < budget:
        index += 1
        if index % 4 == 0:
            tree.append(f"<li><div class=node><b>{_phrase(rng, 2)}</b> <span>({rng.randint(1, 99)})</span></div></li>")
            used += 4
        elif index % 4 == 1:
            text.append(f"<p>{html.escape(_phrase(rng, 18))} <em>{_phrase(rng, 2)}</em> {_phrase(rng, 10)}.</p>")
            used += 2
        else:
            sku = f"SKU-{index:05d}"
            rows.append(f'<tr><td>{sku}</td><td><a href="/p/{index}">{_phrase(rng, 3)}</a></td>'
                        f"<td>${rng.randint(1, 500)}.{rng.randint(0, 99):02d}</td><td>{rng.randint(0, 40)}</td>"
                        f'<td><button type=button>Edit</button> <button type=button>Delete</button> '
                        f'<a href="/p/{index}/history">History</a></td></tr>')
            used += 10
    rows.append("</tbody></table>")
    tree.append("</ul></aside>")
    text.append("</section></main>")
    return fixed + "".join(rows + tree + text + scripts)
