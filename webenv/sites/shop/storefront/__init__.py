"""The shop's storefront (WebArena's "shopping" site): catalog, search, cart, checkout and customer account."""
