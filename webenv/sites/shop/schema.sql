-- The shop database, shared by the storefront and the store admin (as WebArena's Magento storefront and admin
-- share one database). This DDL is the contract between the two apps: tables and columns may be added, but
-- existing ones are never renamed or removed. Money is stored in integer cents; times are ISO-8601 text
-- ('2023-01-15 13:45:00') so SQLite's date functions work on them.

CREATE TABLE categories (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    slug        TEXT NOT NULL UNIQUE,          -- storefront URL: /{slug}.html
    parent_id   INTEGER REFERENCES categories(id)
);

CREATE TABLE products (
    id            INTEGER PRIMARY KEY,
    sku           TEXT NOT NULL UNIQUE,        -- e.g. 'B07XJ8C8F5' (Amazon-style) or 'MH01-XS-Black'
    name          TEXT NOT NULL,
    slug          TEXT NOT NULL UNIQUE,        -- storefront URL: /{slug}.html
    category_id   INTEGER NOT NULL REFERENCES categories(id),
    price_cents   INTEGER NOT NULL,
    stock         INTEGER NOT NULL,            -- quantity on hand
    description   TEXT NOT NULL,
    color         TEXT,
    size          TEXT,
    enabled       INTEGER NOT NULL DEFAULT 1,  -- 0 = disabled in admin, hidden from the storefront
    created_at    TEXT NOT NULL
);

CREATE TABLE customers (
    id           INTEGER PRIMARY KEY,
    email        TEXT NOT NULL UNIQUE,         -- storefront login
    password     TEXT NOT NULL,                -- plain text: public test data of a local toy shop
    first_name   TEXT NOT NULL,
    last_name    TEXT NOT NULL,
    phone        TEXT,
    newsletter   INTEGER NOT NULL DEFAULT 0,   -- subscribed to the newsletter
    created_at   TEXT NOT NULL
);

CREATE TABLE addresses (
    id                   INTEGER PRIMARY KEY,
    customer_id          INTEGER NOT NULL REFERENCES customers(id),
    street               TEXT NOT NULL,
    city                 TEXT NOT NULL,
    region               TEXT NOT NULL,        -- state, e.g. 'Pennsylvania'
    postcode             TEXT NOT NULL,
    country              TEXT NOT NULL DEFAULT 'United States',
    phone                TEXT,
    is_default_billing   INTEGER NOT NULL DEFAULT 0,
    is_default_shipping  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE orders (
    id                 INTEGER PRIMARY KEY,    -- storefront/admin URL: /sales/order/view/order_id/{id}/
    increment_id       TEXT NOT NULL UNIQUE,   -- the number people see: '000000170'
    customer_id        INTEGER NOT NULL REFERENCES customers(id),
    status             TEXT NOT NULL,          -- pending | processing | complete | canceled | on_hold
    created_at         TEXT NOT NULL,
    subtotal_cents     INTEGER NOT NULL,
    shipping_cents     INTEGER NOT NULL,
    grand_total_cents  INTEGER NOT NULL,
    shipping_address   TEXT NOT NULL,          -- one formatted line
    payment_method     TEXT NOT NULL
);

CREATE TABLE order_items (
    id           INTEGER PRIMARY KEY,
    order_id     INTEGER NOT NULL REFERENCES orders(id),
    product_id   INTEGER NOT NULL REFERENCES products(id),
    sku          TEXT NOT NULL,
    name         TEXT NOT NULL,
    price_cents  INTEGER NOT NULL,
    qty          INTEGER NOT NULL
);

CREATE TABLE reviews (
    id           INTEGER PRIMARY KEY,
    product_id   INTEGER NOT NULL REFERENCES products(id),
    customer_id  INTEGER REFERENCES customers(id),
    nickname     TEXT NOT NULL,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    rating       INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    status       TEXT NOT NULL DEFAULT 'approved',   -- approved | pending | rejected (storefront shows approved)
    created_at   TEXT NOT NULL
);

CREATE TABLE cart_items (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    product_id   INTEGER NOT NULL REFERENCES products(id),
    qty          INTEGER NOT NULL,
    added_at     TEXT NOT NULL
);

CREATE TABLE wishlist_items (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    product_id   INTEGER NOT NULL REFERENCES products(id),
    added_at     TEXT NOT NULL
);

CREATE TABLE search_terms (
    id     INTEGER PRIMARY KEY,
    term   TEXT NOT NULL UNIQUE,               -- storefront searches, reported in the admin
    hits   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE admin_users (
    id        INTEGER PRIMARY KEY,
    username  TEXT NOT NULL UNIQUE,
    password  TEXT NOT NULL,
    name      TEXT NOT NULL
);

CREATE TABLE cms_pages (
    id          INTEGER PRIMARY KEY,           -- admin URL: /cms/page/edit/page_id/{id}/
    title       TEXT NOT NULL,
    url_key     TEXT NOT NULL UNIQUE,
    content     TEXT NOT NULL,
    is_active   INTEGER NOT NULL DEFAULT 1
);

CREATE INDEX idx_orders_created ON orders(created_at);
CREATE INDEX idx_order_items_order ON order_items(order_id);
CREATE INDEX idx_reviews_product ON reviews(product_id);
