"""The store admin ("shopping_admin", WebArena's Magento admin) over the shared shop database.

Account: admin / admin1234 (signs in at /admin/auth/login/ with `login[username]` / `login[password]`; session
cookie `admin_session`). Every page requires signing in. Paths mirror Magento's admin as WebArena-Lite's
shopping_admin configs reference them: /sales/order/, /catalog/product/edit/id/{id}/, /customer/index/,
/review/product/, /reports/report_sales/bestsellers/, /cms/page/edit/page_id/{id}/ and so on (see app.py).
"""
