"""Review vocabulary: sentences buyers write, by product kind and by how happy they are.

Bodies are assembled from these so that review questions ("who mentions the fingerprints?", "who was
disappointed with the quality?") have definite answers, which `queries.py` then finds with plain text search.
Each sentence carries a polarity: "+" praise, "-" a complaint, "0" a mild remark or small gripe. A review's
rating decides which it may use (`ALLOWED`), so a five-star "Best ever" never complains and a one-star
"Terrible" never gushes; a three-star review is mixed (one good point, one bad).
"""

from __future__ import annotations

Sentence = tuple[str, str]  # (polarity, text)

# Which polarities a review of each rating may use.
ALLOWED: dict[int, str] = {5: "+", 4: "+0", 3: "+0-", 2: "-0", 1: "-"}

OPENERS: dict[int, tuple[str, ...]] = {
    5: ("Best purchase I have made this year.", "Absolutely love it.", "Exceeded my expectations.",
        "Excellent quality for the price.", "Five stars, no complaints at all."),
    4: ("Very good overall.", "Solid product, happy with it.", "Good quality for the price.",
        "Works well and feels well made."),
    3: ("It's okay for the price.", "Does the job but nothing special.", "Mixed feelings about this one.",
        "Average quality, about what I expected."),
    2: ("Disappointed with the quality.", "Not as good as the pictures suggest.", "Wouldn't buy it again.",
        "Expected more for the money."),
    1: ("Very disappointed.", "Complete waste of money.", "Poor quality, returned it.",
        "Do not buy this."),
}

TITLES: dict[int, tuple[str, ...]] = {
    5: ("Love it!", "Best ever", "Highly recommend", "Perfect", "Exactly what I needed", "Great value"),
    4: ("Very good", "Happy with it", "Good buy", "Nearly perfect", "Works as described"),
    3: ("It's okay", "Average", "Decent for the price", "Meh"),
    2: ("Disappointed", "Not great", "Could be better", "Not worth it"),
    1: ("Terrible", "Returned it", "Waste of money", "Broke right away"),
}

SHIPPING: tuple[Sentence, ...] = (
    ("+", "Shipping was fast and it arrived well packaged."),
    ("+", "Arrived two days earlier than promised."),
    ("0", "Shipping took about a week, which was fine."),
    ("-", "Shipping took almost three weeks."),
    ("-", "The box arrived damaged after shipping."),
)

SIZING: tuple[Sentence, ...] = (
    ("+", "Fits true to size."),
    ("0", "The size runs small, so order one size up."),
    ("0", "Runs a bit large in the waist."),
    ("-", "The size was completely wrong even after checking the size chart."),
)

BY_KIND: dict[str, tuple[Sentence, ...]] = {
    "general": (
        ("+", "Works exactly as described."), ("-", "Stopped working after two weeks."),
        ("0", "The instructions could be clearer."),
    ),
    "beauty": (
        ("+", "The color matches my skin tone perfectly."), ("+", "A little goes a long way."),
        ("-", "It broke me out after two days."), ("-", "The scent is way too strong."),
        ("0", "The packaging is smaller than I expected."), ("+", "My skin feels so soft after using it."),
    ),
    "mouthguard": (
        ("+", "It finally stopped my jaw pain from grinding at night."),
        ("+", "Easy to mold and fits comfortably."), ("-", "Too bulky to sleep with."),
        ("-", "I bit through it in less than a month."), ("0", "Took a few nights to get used to it."),
        ("+", "My dentist said it helps with my bruxism."),
    ),
    "electronics": (
        ("+", "Battery life is excellent."), ("-", "Stopped charging after three months."),
        ("0", "The setup took a while."), ("+", "Very easy to set up."),
        ("-", "It feels cheap and flimsy."),
    ),
    "fitness": (
        ("+", "Great for my home workouts."), ("+", "Sturdy and does not slip."),
        ("-", "It started tearing after a few weeks."), ("0", "Thinner than I expected."),
        ("-", "Had a strong chemical smell out of the box."),
    ),
    "outdoor": (
        ("+", "Survived a week of camping in the rain."), ("+", "Lightweight and easy to pack."),
        ("-", "The zipper broke on the first trip."), ("0", "Heavier than I expected."),
        ("+", "Keeps water cold all day."),
    ),
    "shoes": (
        ("+", "Very comfortable for walking all day."), ("-", "The sole started peeling after a month."),
        ("+", "Great arch support."), ("-", "Gave me blisters on the first day."),
        ("0", "They need a short break-in period."),
    ),
    "apparel": (
        ("+", "The fabric is soft and warm."), ("-", "Shrank after the first wash."),
        ("0", "The color is slightly different from the photo."), ("+", "Held up well after many washes."),
        ("-", "The stitching came apart quickly."),
    ),
    "swim": (
        ("+", "Great for competitive swimming and holds its shape."), ("-", "The chlorine faded it quickly."),
        ("0", "Tight to get on, as racing suits are."), ("+", "No leaks, great visibility."),
    ),
    "furniture": (
        ("+", "Assembly took about an hour and the instructions were clear."),
        ("+", "Sturdy and looks great in my living room."), ("-", "Missing screws in the box."),
        ("0", "The color is darker than pictured."), ("-", "Wobbly even after tightening everything."),
        ("+", "Very comfortable for long work days."),
    ),
    "kitchen": (
        ("+", "Cooks evenly and cleans up easily."), ("-", "The coating started chipping."),
        ("0", "Louder than I expected."), ("+", "I use it every single day."),
        ("-", "The lid does not seal properly."),
    ),
    "decor": (
        ("+", "Looks real, my guests could not tell."), ("+", "Burns cleanly with no dripping."),
        ("-", "The color faded in the sun within a month."), ("0", "Smaller than it looked online."),
        ("-", "Arrived broken in two pieces."),
    ),
    "bedding": (
        ("+", "So soft and cozy."), ("-", "Pilled after the first wash."),
        ("0", "A bit warm for summer nights."), ("+", "Fits my mattress perfectly."),
    ),
    "printer": (
        ("-", "The wireless connection works only half of the time."),
        ("-", "It seems to constantly run out of ink."), ("+", "Prints fast and the quality is sharp."),
        ("0", "The scanner is slow."), ("+", "Setup with my laptop took five minutes."),
        ("-", "It keeps saying it is out of paper when it is not."),
    ),
    "office": (
        ("+", "Writes smoothly without smudging."), ("0", "Exactly what you would expect."),
        ("-", "Half of them dried out quickly."), ("+", "Great for school and the office."),
    ),
    "audio": (
        ("+", "Sound quality is amazing for the size."), ("-", "Bluetooth keeps disconnecting."),
        ("+", "Noise canceling is the best I have tried."), ("0", "The bass is a little weak."),
        ("-", "The left side stopped working after two months."), ("+", "Battery life is excellent."),
    ),
    "charger": (
        ("+", "Charges my phone quickly."), ("-", "It doesn't work with my device."),
        ("+", "Great replacement for the original."), ("0", "The cable is shorter than I expected."),
        ("-", "Gets very hot while charging."),
    ),
    "phonecase": (
        ("+", "The grip is great and it survived several drops."), ("-", "The ring holder broke off after a month."),
        ("0", "Fingerprints show up all over the back."), ("+", "The color is exactly like the picture."),
        ("-", "Cheap plastic, the quality is poor."), ("-", "The buttons are hard to press."),
    ),
    "screen": (
        ("+", "Easy bubble-free installation."), ("+", "Good fingerprint resistance, it stays clean."),
        ("-", "It cracked within a week."), ("+", "Touch sensitivity is perfect."),
        ("-", "Dust got trapped under it during installation."),
    ),
    "games": (
        ("+", "Holds all of my game cards and closes securely."), ("+", "My kids play it every day."),
        ("-", "The hinge broke after a few weeks."), ("0", "Bigger than I expected."),
        ("+", "Responsive buttons and good battery life."), ("-", "Drift started after two months."),
    ),
    "food": (
        ("+", "Tastes fresh and delicious."), ("-", "Arrived close to the expiration date."),
        ("0", "A bit too salty for my taste."), ("+", "My kids love it."), ("-", "Stale when it arrived."),
        ("+", "Great flavor and a good value."),
    ),
    "health": (
        ("+", "I noticed a difference within a week."), ("0", "The capsules are large and hard to swallow."),
        ("-", "Gave me an upset stomach."), ("+", "Mixes easily with no clumps."),
    ),
    "household": (
        ("+", "Cleans great and lasts a long time."), ("0", "The scent is mild."),
        ("-", "Much smaller pack than expected."), ("+", "Great value for a big household."),
    ),
    "garden": (
        ("+", "My plants are thriving."), ("-", "Rusted after one season."),
        ("0", "Assembly took longer than expected."), ("+", "Sturdy and well made."),
    ),
}

APPAREL_KINDS = frozenset({"shoes", "apparel", "swim"})
