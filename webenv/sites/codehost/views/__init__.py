"""Page handlers, one module per area of the site; each exposes `routes` for `app.create_app` to mount."""
