"""Browsing: the home page, category pages, product pages and catalog search.

Categories and products share Magento's URL shape, `/{url-key}.html`, so one route serves both: a category's
key is its path in the tree (`home-kitchen/furniture.html`), a product's is flat.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from webenv.sites.common import redirect
from webenv.sites.shop import queries
from webenv.sites.shop.storefront import listing, store
from webenv.sites.shop.storefront.web import customer_id, db, flash, form_data, not_found, render


async def home(request: Request) -> Response:
    with db(request) as conn:
        featured = queries.featured_products(conn)
        categories = [{**category, "children": queries.child_categories(conn, category["id"])}
                      for category in queries.top_categories(conn)]
    return render(request, "home.html", featured=featured, categories=categories)


async def catalog_page(request: Request) -> Response:
    key = request.path_params["key"]
    with db(request) as conn:
        category = queries.category_by_slug(conn, key)
        if category is not None:
            if (redirect := listing.canonical_redirect(request, listing.CATEGORY_KEYS, listing.CATEGORY_SORTS)):
                return redirect
            page = listing.build_listing(conn, request, keys=listing.CATEGORY_KEYS, sorts=listing.CATEGORY_SORTS,
                                         category_id=category["id"])
            return render(request, "category.html", category=category, listing=page,
                          trail=queries.breadcrumbs(conn, category),
                          children=queries.child_categories(conn, category["id"]))
        product = queries.product_by_slug(conn, key)
        if product is None:
            raise not_found()
        category = conn.execute("SELECT * FROM categories WHERE id = ?", (product["category_id"],)).fetchone()
        count, average = queries.rating_summary(conn, product["id"])
        return render(request, "product.html", product=product, category=dict(category),
                      trail=[*queries.breadcrumbs(conn, dict(category)), dict(category)],
                      reviews=queries.approved_reviews(conn, product["id"]), review_count=count,
                      rating_avg=average)


async def search(request: Request) -> Response:
    if (redirect := listing.canonical_redirect(request, listing.SEARCH_KEYS, listing.SEARCH_SORTS)):
        return redirect
    query = request.query_params.get("q", "").strip()
    if not query:
        return render(request, "search.html", query="", listing=None)
    with db(request) as conn:
        page = listing.build_listing(conn, request, keys=listing.SEARCH_KEYS, sorts=listing.SEARCH_SORTS,
                                     query=query)
        if page.page.number == 1 and not page.filter.price_from and not page.filter.price_to:
            conn.execute("INSERT INTO search_terms (term, hits) VALUES (?, 1)"
                         " ON CONFLICT(term) DO UPDATE SET hits = hits + 1", (query.lower(),))
    return render(request, "search.html", query=query, listing=page)


async def review_post(request: Request) -> Response:
    form = await form_data(request)
    with db(request) as conn:
        product = queries.product_by_id(conn, request.path_params["product_id"])
        if product is None:
            raise not_found()
        try:
            rating = int(form.get("rating", "0") or 0)
        except ValueError:
            rating = 0
        try:
            store.add_review(conn, product["id"], customer_id(request), form.get("nickname", ""),
                             form.get("title", ""), form.get("detail", ""), rating)
        except store.StoreError as exc:
            flash(request, str(exc), "error")
            return redirect(f"/{product['slug']}.html#review-form")
    flash(request, "You submitted your review for moderation.")
    return redirect(f"/{product['slug']}.html")
