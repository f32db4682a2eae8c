"""Static seed material for the shop (catalog, names, review vocabulary); `seed.py` turns it into rows."""
