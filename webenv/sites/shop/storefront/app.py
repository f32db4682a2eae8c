"""The storefront app (WebArena's "shopping": the One Stop Market Magento storefront), on Magento's URLs.

Documented account: emma.lopez@gmail.com / Password.123 (every seeded customer shares that password).

URL map (GET unless noted; pages marked * need a signed-in customer):
  /                                      home: categories, featured products, search box
  /{category-path}.html                  category listing (?price=10-50, ?product_list_order=price|name|position,
                                         ?product_list_dir=asc|desc, ?page=N)
  /{product-key}.html                    product page (reviews, Add to Cart, Add to Wish List, Write a review)
  /catalogsearch/result/[index/]?q=...   search results (same sort/filter/paging parameters)
  /checkout/cart/ *                      cart (POST add/, updatePost/, delete/id/{item}/)
  /checkout/ *                           checkout (POST placeOrder/) -> /checkout/onepage/success/
  /customer/account/login/               sign in (POST loginPost/: login[username], login[password]); logout/
  /customer/account/ *                   dashboard; edit/ (POST editPost/)
  /customer/address/ *                   address book; new/, edit/id/{id}/ (POST formPost/[id/{id}/], delete/id/{id}/)
  /sales/order/history/ *                "My Orders" (#my-orders-table, newest first, 10 a page)
  /sales/order/view/order_id/{id}/ *     one order (.order-details-items.ordered); POST reorder/order_id/{id}/
  /wishlist/ *                           wish list (.products-grid.wishlist); POST index/add/, remove, to cart
  /newsletter/manage/ *                  "General Subscription" checkbox (POST save/)
  /review/customer/ *                    "My Product Reviews"; POST /review/product/post/id/{product}/
  /contact/ , /contact/index/            "Contact Us" form (POST /contact/index/post/)
  /{cms-url-key}                         CMS pages (about-us, customer-service, ...)
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from webenv.sites.common import SiteContext, session_app
from webenv.sites.shop import STOREFRONT
from webenv.sites.shop.storefront import account_views as account
from webenv.sites.shop.storefront import cart_views as cart
from webenv.sites.shop.storefront import catalog_views as catalog
from webenv.sites.shop.storefront import order_views as orders
from webenv.sites.shop.storefront import page_views as pages
from webenv.sites.shop.storefront.web import SITE_DIR, render

POST = ["POST"]


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 404:
        return render(request, "404.html", status_code=404)
    return Response(str(getattr(exc, "detail", "Error")), status_code=status)


ROUTES = [
    Route("/", catalog.home),
    Route("/catalogsearch/result/", catalog.search),
    Route("/catalogsearch/result/index/", catalog.search),
    Route("/review/product/post/id/{product_id:int}/", catalog.review_post, methods=POST),
    Route("/checkout/cart/", cart.cart),
    Route("/checkout/cart/add/", cart.cart_add, methods=POST),
    Route("/checkout/cart/updatePost/", cart.cart_update, methods=POST),
    Route("/checkout/cart/delete/id/{item_id:int}/", cart.cart_delete, methods=POST),
    Route("/checkout/", cart.checkout),
    Route("/checkout/placeOrder/", cart.place_order, methods=POST),
    Route("/checkout/onepage/success/", cart.success),
    Route("/wishlist/", cart.wishlist),
    Route("/wishlist/index/add/", cart.wishlist_add, methods=POST),
    Route("/wishlist/index/remove/item/{item_id:int}/", cart.wishlist_remove, methods=POST),
    Route("/wishlist/index/cart/item/{item_id:int}/", cart.wishlist_to_cart, methods=POST),
    Route("/customer/account/login/", account.login_form),
    Route("/customer/account/loginPost/", account.login_post, methods=POST),
    Route("/customer/account/logout/", account.logout),
    Route("/customer/account/", account.dashboard),
    Route("/customer/account/edit/", account.edit_account),
    Route("/customer/account/editPost/", account.edit_account_post, methods=POST),
    Route("/customer/address/", account.address_book),
    Route("/customer/address/new/", account.address_form),
    Route("/customer/address/edit/id/{address_id:int}/", account.address_form),
    Route("/customer/address/formPost/", account.address_post, methods=POST),
    Route("/customer/address/formPost/id/{address_id:int}/", account.address_post, methods=POST),
    Route("/customer/address/delete/id/{address_id:int}/", account.address_delete, methods=POST),
    Route("/newsletter/manage/", account.newsletter),
    Route("/newsletter/manage/save/", account.newsletter_post, methods=POST),
    Route("/review/customer/", account.my_reviews),
    Route("/sales/order/history/", orders.history),
    Route("/sales/order/view/order_id/{order_id:int}/", orders.view),
    Route("/sales/order/reorder/order_id/{order_id:int}/", orders.reorder, methods=POST),
    Route("/contact/", pages.contact),
    Route("/contact/index/", pages.contact),
    Route("/contact/index/post/", pages.contact_post, methods=POST),
    Mount("/static", app=StaticFiles(directory=SITE_DIR / "static"), name="static"),
    Route("/{key:path}.html", catalog.catalog_page),
    *(Route(path, pages.add_slash) for path in ("/contact", "/wishlist", "/checkout")),
    Route("/{url_key}", pages.cms_page),
]


def create_app(ctx: SiteContext) -> Starlette:
    return session_app(ctx, STOREFRONT.cookie_name, ROUTES, {404: _http_error})
