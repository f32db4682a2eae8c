"""The shop's catalog: a category tree and product lines in the style of WebArena's OneStopShop.

Category slugs are paths (`home-kitchen/furniture/living-room-furniture`) because WebArena's storefront URLs
are (`/home-kitchen/furniture/living-room-furniture.html`), and tasks that mirror WebArena's navigate by them.

A product line expands to one product per variant. Lines whose name has no `{color}` produce products with
*identical names* that differ only in colour: real catalogs have them, and they make the agent read the colour.
"""

from __future__ import annotations

from dataclasses import dataclass

CATEGORIES: tuple[tuple[str, str], ...] = (
    ("beauty-personal-care", "Beauty & Personal Care"),
    ("beauty-personal-care/makeup", "Makeup"),
    ("beauty-personal-care/skin-care", "Skin Care"),
    ("beauty-personal-care/oral-care", "Oral Care"),
    ("beauty-personal-care/hair-care", "Hair Care"),
    ("sports-outdoors", "Sports & Outdoors"),
    ("sports-outdoors/exercise-fitness", "Exercise & Fitness"),
    ("sports-outdoors/outdoor-recreation", "Outdoor Recreation"),
    ("clothing-shoes-jewelry", "Clothing, Shoes & Jewelry"),
    ("clothing-shoes-jewelry/men", "Men"),
    ("clothing-shoes-jewelry/men/shoes", "Shoes"),
    ("clothing-shoes-jewelry/men/clothing", "Clothing"),
    ("clothing-shoes-jewelry/women", "Women"),
    ("clothing-shoes-jewelry/women/shoes", "Shoes"),
    ("clothing-shoes-jewelry/women/clothing", "Clothing"),
    ("clothing-shoes-jewelry/sport-specific-clothing", "Sport Specific Clothing"),
    ("clothing-shoes-jewelry/sport-specific-clothing/competitive-swimwear", "Competitive Swimwear"),
    ("home-kitchen", "Home & Kitchen"),
    ("home-kitchen/furniture", "Furniture"),
    ("home-kitchen/furniture/living-room-furniture", "Living Room Furniture"),
    ("home-kitchen/furniture/home-office-furniture", "Home Office Furniture"),
    ("home-kitchen/kitchen-dining", "Kitchen & Dining"),
    ("home-kitchen/home-decor", "Home Décor"),
    ("home-kitchen/bedding", "Bedding"),
    ("office-products", "Office Products"),
    ("office-products/office-electronics", "Office Electronics"),
    ("office-products/office-school-supplies", "Office & School Supplies"),
    ("electronics", "Electronics"),
    ("electronics/headphones", "Headphones"),
    ("electronics/portable-audio-video", "Portable Audio & Video"),
    ("electronics/computers-accessories", "Computers & Accessories"),
    ("cell-phones-accessories", "Cell Phones & Accessories"),
    ("cell-phones-accessories/cases-holsters-sleeves", "Cases, Holsters & Sleeves"),
    ("cell-phones-accessories/screen-protectors", "Screen Protectors"),
    ("cell-phones-accessories/chargers-power-adapters", "Chargers & Power Adapters"),
    ("video-games", "Video Games"),
    ("video-games/nintendo-switch", "Nintendo Switch"),
    ("video-games/xbox-series-x-s", "Xbox Series X & S"),
    ("grocery-gourmet-food", "Grocery & Gourmet Food"),
    ("grocery-gourmet-food/beverages", "Beverages"),
    ("grocery-gourmet-food/snacks-sweets", "Snacks & Sweets"),
    ("grocery-gourmet-food/meat-substitutes", "Meat Substitutes"),
    ("grocery-gourmet-food/pantry-staples", "Pantry Staples"),
    ("health-household", "Health & Household"),
    ("health-household/vitamins-supplements", "Vitamins & Supplements"),
    ("health-household/household-supplies", "Household Supplies"),
    ("patio-lawn-garden", "Patio, Lawn & Garden"),
    ("patio-lawn-garden/gardening", "Gardening & Lawn Care"),
)


@dataclass(frozen=True)
class Line:
    """One product line. `price` is the base price in dollars; `colors` are its variants (none = one product).

    `kind` picks the review vocabulary (what buyers of such things talk about); `size` is the size range shown
    on the product page for apparel and shoes; `enabled=False` lines exist only for the admin.
    """

    category: str
    name: str
    price: str
    colors: tuple[str, ...] = ()
    kind: str = "general"
    size: str | None = None
    features: tuple[str, ...] = ()
    enabled: bool = True


L = Line
MU = "beauty-personal-care/makeup"
SK = "beauty-personal-care/skin-care"
OC = "beauty-personal-care/oral-care"
HC = "beauty-personal-care/hair-care"
FIT = "sports-outdoors/exercise-fitness"
OUT = "sports-outdoors/outdoor-recreation"
MSH = "clothing-shoes-jewelry/men/shoes"
MCL = "clothing-shoes-jewelry/men/clothing"
WSH = "clothing-shoes-jewelry/women/shoes"
WCL = "clothing-shoes-jewelry/women/clothing"
SWM = "clothing-shoes-jewelry/sport-specific-clothing/competitive-swimwear"
LRF = "home-kitchen/furniture/living-room-furniture"
HOF = "home-kitchen/furniture/home-office-furniture"
KIT = "home-kitchen/kitchen-dining"
DEC = "home-kitchen/home-decor"
BED = "home-kitchen/bedding"
OEL = "office-products/office-electronics"
OSS = "office-products/office-school-supplies"
HPH = "electronics/headphones"
PAV = "electronics/portable-audio-video"
CMP = "electronics/computers-accessories"
CAS = "cell-phones-accessories/cases-holsters-sleeves"
SCR = "cell-phones-accessories/screen-protectors"
CHG = "cell-phones-accessories/chargers-power-adapters"
NSW = "video-games/nintendo-switch"
XBX = "video-games/xbox-series-x-s"
BEV = "grocery-gourmet-food/beverages"
SNK = "grocery-gourmet-food/snacks-sweets"
MSB = "grocery-gourmet-food/meat-substitutes"
PAN = "grocery-gourmet-food/pantry-staples"
VIT = "health-household/vitamins-supplements"
HHS = "health-household/household-supplies"
GRD = "patio-lawn-garden/gardening"

LINES: tuple[Line, ...] = (
    # Beauty & Personal Care
    L(MU, "e.l.f. Flawless Finish Foundation, Lightweight & Medium Coverage, Semi-Matte Finish", "6.00",
      ("Porcelain", "Sand", "Beige", "Buff"), "beauty"),
    L(MU, "Maybelline Lash Sensational Washable Mascara, Lengthening and Volumizing", "8.99",
      ("Blackest Black", "Brownish Black"), "beauty"),
    L(MU, "NYX Professional Makeup Butter Gloss, Non-Sticky Lip Gloss", "4.99",
      ("Creme Brulee", "Madeleine", "Praline"), "beauty"),
    L(MU, "L'Oreal Paris Infallible Pro-Matte Liquid Lipstick, {color}", "9.49", ("Red Affair", "Nude Mood"),
      "beauty"),
    L(MU, "Sephora Collection Pro Brush Set, 9-Piece Makeup Brushes with Vegan Leather Pouch", "59.00", (),
      "beauty"),
    L(MU, "Real Techniques Everyday Essentials Makeup Brush and Sponge Set", "19.99", (), "beauty"),
    L(MU, "Makeup Remover Kit, Reusable Cleansing Pads and Cleansing Balm, 3-Piece Set", "14.95", (), "beauty"),
    L(SK, "CeraVe Moisturizing Cream, Body and Face Moisturizer for Dry Skin, 16 Ounce", "17.78", (), "beauty"),
    L(SK, "Neutrogena Hydro Boost Water Gel, Hyaluronic Acid Face Moisturizer, 1.7 fl. oz", "19.97", (), "beauty"),
    L(SK, "The Body Shop Shea Body Butter, Nourishing Moisturizer for Very Dry Skin, 6.75 oz", "22.00", (),
      "beauty"),
    L(SK, "Palmer's Cocoa Butter Formula Daily Skin Therapy Body Lotion, 13.5 Ounce", "6.49", (), "beauty"),
    L(SK, "Biore Charcoal Deep Cleansing Pore Strips, 18 Count", "9.49", (), "beauty"),
    L(SK, "Sun Bum Original SPF 50 Sunscreen Lotion, Broad Spectrum, 8 Ounce", "15.99", (), "beauty"),
    L(OC, "Oral-B Pro 1000 Rechargeable Electric Toothbrush", "49.94", ("White", "Black"), "electronics"),
    L(OC, "Dental Guard for Teeth Grinding, Custom Fit Night Mouth Guard for Bruxism, 4 Pack", "12.99", (),
      "mouthguard"),
    L(OC, "SmileGuard Professional Night Guard, Moldable Mouth Guard for Clenching and Grinding", "24.95", (),
      "mouthguard"),
    L(OC, "DenTek Comfort-Fit Dental Guard for Nighttime Teeth Grinding, 1 Count", "18.47", (), "mouthguard"),
    L(OC, "Premium Custom-Fit Anti-Grinding Night Mouth Guard, Lab-Made Hard Acrylic", "85.00", (), "mouthguard"),
    L(OC, "Slim Mouth Guard for Teeth Clenching, Travel Size with Case, 2 Pack", "3.46", (), "mouthguard"),
    L(OC, "Waterpik Aquarius Water Flosser, Professional for Teeth, Gums and Braces", "69.99", (), "electronics"),
    L(OC, "Crest 3D White Whitestrips, Glamorous White, 14 Treatments", "44.99", (), "beauty"),
    L(HC, "Olaplex No. 3 Hair Perfector, Repairing Treatment, 3.3 fl oz", "28.00", (), "beauty"),
    L(HC, "Revlon One-Step Volumizer Hair Dryer and Hot Air Brush", "41.99", ("Black", "Mint"), "electronics"),
    L(HC, "Moroccanoil Treatment Hair Oil, Original, 3.4 fl oz", "48.00", (), "beauty"),
    L(HC, "Wet Brush Original Detangler Hair Brush", "8.99", ("Black", "Pink", "Purple"), "beauty"),
    # Sports & Outdoors
    L(FIT, "Amazon Basics 1/2-Inch Extra Thick Exercise Yoga Mat with Carrying Strap", "24.99",
      ("Black", "Blue", "Purple", "Green"), "fitness"),
    L(FIT, "Bowflex SelectTech 552 Adjustable Dumbbells, Pair", "429.00", (), "fitness"),
    L(FIT, "Fit Simplify Resistance Loop Exercise Bands, Set of 5", "12.95", (), "fitness"),
    L(FIT, "Gaiam Essentials Balance Ball and Base Kit, 65cm", "29.98", ("Charcoal", "Blue"), "fitness"),
    L(FIT, "Yes4All High Density Foam Roller for Muscle Recovery, 18 Inch", "14.99", (), "fitness"),
    L(FIT, "Tangle-Free Rapid Speed Jump Rope with Ball Bearings and Adjustable Cable", "9.97", (), "fitness"),
    L(OUT, "Coleman Sundome Camping Tent, 4 Person", "89.99", ("Green", "Navy"), "outdoor"),
    L(OUT, "Hydro Flask Standard Mouth Water Bottle, 21 oz", "32.95", ("Black", "Pacific", "White", "Olivine"),
      "outdoor"),
    L(OUT, "TETON Sports Celsius XL 0 Degree Sleeping Bag", "79.99", (), "outdoor"),
    L(OUT, "Black Diamond Spot 400 Headlamp", "49.95", ("Octane", "Graphite"), "outdoor"),
    L(OUT, "Osprey Daylite Plus Daypack, 20 Liter", "65.00", ("Black", "Wild Blueberry"), "outdoor"),
    L(OUT, "LifeStraw Personal Water Filter for Hiking, Camping and Emergency Preparedness", "19.95", (),
      "outdoor"),
    # Clothing, Shoes & Jewelry
    L(MSH, "Skechers Men's Summits Slip-On Walking Shoe", "54.99", ("Black", "Navy", "Charcoal"), "shoes",
      "US 8 - 13"),
    L(MSH, "New Balance Men's 608 V5 Casual Comfort Cross Trainer", "64.95", ("White/Navy", "Black"), "shoes",
      "US 7 - 15"),
    L(MSH, "Clarks Men's Bushacre 2 Chukka Boot", "89.95", ("Beeswax", "Dark Brown"), "shoes", "US 7 - 13"),
    L(MSH, "ASICS Men's Gel-Venture 8 Running Shoes", "70.00", ("Black/White",), "shoes", "US 7 - 14"),
    L(MSH, "Crocs Men's Classic Clog", "49.99", ("Black", "Navy", "Khaki"), "shoes", "US 4 - 17"),
    L(MSH, "adidas Men's Adilette Shower Slide", "25.00", ("Black/White",), "shoes", "US 5 - 14"),
    L(MSH, "Amazon Essentials Men's Canvas Lace-Up Sneaker", "21.90", ("Navy", "Grey"), "shoes", "US 7 - 14"),
    L(MSH, "Dr. Scholl's Men's Sync Sneaker", "29.99", (), "shoes", "US 7 - 13"),
    L(MCL, "Hanes Men's EcoSmart Fleece Pullover Hoodie", "16.00", ("Black", "Navy", "Charcoal Heather"),
      "apparel", "S - 3XL"),
    L(MCL, "Levi's Men's 505 Regular Fit Jeans", "59.50", ("Dark Stonewash", "Rinse"), "apparel", "28W - 44W"),
    L(MCL, "Carhartt Men's Loose Fit Heavyweight Short-Sleeve Pocket T-Shirt", "19.99", ("Heather Gray",),
      "apparel", "S - 4XL"),
    L(MCL, "Columbia Men's Steens Mountain Full Zip 2.0 Fleece Jacket", "45.00", ("Black", "Collegiate Navy"),
      "apparel", "S - XXL"),
    L(MCL, "Fruit of the Loom Men's Crew Neck Undershirts, 6 Pack", "18.98", ("White",), "apparel", "S - 3XL"),
    L(WSH, "Skechers Women's Go Walk Joy Walking Shoe", "45.00", ("Navy", "Charcoal", "Pink"), "shoes",
      "US 5 - 11"),
    L(WSH, "Vionic Women's Tide II Toe Post Sandal", "69.95", ("Black", "Tan"), "shoes", "US 5 - 11"),
    L(WSH, "DREAM PAIRS Women's Low Wedge Ankle Booties", "39.99", ("Black", "Camel"), "shoes", "US 5 - 11"),
    L(WSH, "Converse Women's Chuck Taylor All Star Low Top Sneaker", "55.00", ("Optical White",), "shoes",
      "US 5 - 12"),
    L(WCL, "Amazon Essentials Women's Classic-Fit Short-Sleeve Crewneck T-Shirt, Pack of 2", "17.10",
      ("White/Black",), "apparel", "XS - XXL"),
    L(WCL, "PRETTYGARDEN Women's Summer Wrap V Neck Maxi Dress", "39.99", ("Floral Blue", "Solid Black"),
      "apparel", "S - XL"),
    L(WCL, "Champion Women's Powerblend Fleece Jogger", "30.00", ("Oxford Gray",), "apparel", "XS - XXL"),
    L(WCL, "Columbia Women's Benton Springs Full Zip Fleece Jacket", "40.00", ("Black", "Nocturnal"), "apparel",
      "XS - XXL"),
    L(SWM, "Speedo Men's Swimsuit Brief PowerFlex Eco Solar", "27.99", ("Speedo Black",), "swim", "28 - 40"),
    L(SWM, "TYR Men's Durafast Elite Solid Jammer Swimsuit", "42.99", ("Navy",), "swim", "22 - 40"),
    L(SWM, "Arena Women's Powerskin Carbon Air2 Open Back Racing Swimsuit", "399.00", ("Dark Grey/Blue",), "swim",
      "22 - 34"),
    L(SWM, "Speedo Women's Endurance+ Flyback One Piece Swimsuit", "59.00", ("Navy",), "swim", "22 - 40"),
    L(SWM, "Speedo Vanquisher 2.0 Mirrored Swim Goggle", "24.99", (), "swim"),
    L(SWM, "FINIS Silicone Racing Swim Cap", "8.99", ("Black", "White"), "swim"),
    # Home & Kitchen
    L(LRF, "Christopher Knight Home Evete Tufted Fabric Accent Chair", "162.99", ("Light Grey",), "furniture"),
    L(LRF, "Zinus Josh Loveseat Sofa, Easy Tool-Free Assembly", "259.00", ("Grey",), "furniture"),
    L(LRF, "Walker Edison Modern Farmhouse Coffee Table, 48 Inch", "189.99", ("Brown",), "furniture"),
    L(LRF, "VASAGLE Industrial TV Stand for TVs up to 65 Inches", "119.99", ("Rustic Brown",), "furniture"),
    L(LRF, "Flash Furniture Contemporary LeatherSoft Recliner Chair", "229.99", ("Black",), "furniture"),
    L(LRF, "Nathan James Oliver Side Table with Marble Top", "79.99", ("White/Gold",), "furniture"),
    L(LRF, "HOMCOM Modern Storage Ottoman Footstool with Removable Lid", "54.99", ("Cream",), "furniture"),
    L(HOF, "SHW Home Office 48-Inch Computer Desk", "89.99", ("White", "Black", "Espresso"), "furniture"),
    L(HOF, "Sauder Beginnings Writing Desk", "99.99", ("Soft White", "Cinnamon Cherry"), "furniture"),
    L(HOF, "Flash Furniture Mid-Back Black Mesh Swivel Ergonomic Task Office Chair", "69.99", (), "furniture"),
    L(HOF, "Amazon Basics Classic Puresoft PU-Padded Mid-Back Office Computer Desk Chair with Armrest", "89.99",
      ("Black",), "furniture"),
    L(HOF, "Furmax Ergonomic Mesh Office Chair with Lumbar Support", "44.99", ("Black",), "furniture"),
    L(HOF, "Hbada Ergonomic Office Chair with Flip-up Armrests", "159.99", ("Grey",), "furniture"),
    L(HOF, "FLEXISPOT Electric Standing Desk, 48 x 30 Inches", "259.99", ("White", "Black"), "furniture"),
    L(KIT, "Lodge Pre-Seasoned Cast Iron Skillet, 10.25 Inch", "19.90", (), "kitchen"),
    L(KIT, "Instant Pot Duo 7-in-1 Electric Pressure Cooker, 6 Quart", "89.99", (), "kitchen"),
    L(KIT, "KitchenAid Artisan Series 5 Quart Tilt-Head Stand Mixer", "449.99",
      ("Empire Red", "Onyx Black", "Aqua Sky"), "kitchen"),
    L(KIT, "OXO Good Grips 3-Piece Stainless Steel Mixing Bowl Set", "39.99", (), "kitchen"),
    L(KIT, "Keurig K-Mini Single Serve Coffee Maker", "79.99", ("Black", "Studio Gray", "Poppy Red"), "kitchen"),
    L(KIT, "Ninja Professional Countertop Blender, 1000 Watt", "99.99", (), "kitchen"),
    L(KIT, "Pyrex Simply Store Glass Food Storage Containers, 18-Piece Set", "29.99", (), "kitchen"),
    L(DEC, "SPAAS White Taper Candles, 4 Pack, 10 Inch Tall Scent-Free Candle Sticks", "9.99", (), "decor"),
    L(DEC, "Tall Pink Taper Candles, 4 Piece Gradient Dripless Candlesticks, 10.6 Inches", "13.99", (), "decor"),
    L(DEC, "Yankee Candle Large Jar Candle, Clean Cotton", "29.99", (), "decor"),
    L(DEC, "Fake Hanging Plants, 2 Pack Artificial Ivy Vines for Wall and Room Decor", "18.99",
      ("Green-vines", "Green-leaves"), "decor"),
    L(DEC, "Artificial Potted Eucalyptus Plant in Ceramic Pot, 16 Inch", "24.99", (), "decor"),
    L(DEC, "Umbra Hub Round Wall Mirror, 24 Inch", "109.00", ("Black", "Brass"), "decor"),
    L(DEC, "mDesign Decorative Woven Storage Basket, Set of 3", "32.99", ("Natural", "Gray"), "decor"),
    L(BED, "Bedsure Fleece Throw Blanket, Soft Lightweight Plush Blanket, 50x60 Inches", "19.99",
      ("Grey", "Navy", "Sage Green", "Pink"), "bedding"),
    L(BED, "Mellanni Queen Sheet Set, 4 Piece Brushed Microfiber", "35.97", ("White", "Gray", "Burgundy"),
      "bedding"),
    L(BED, "Beckham Hotel Collection Gel Pillow, Queen Size, 2 Pack", "42.99", (), "bedding"),
    L(BED, "Utopia Bedding Quilted Fitted Mattress Pad, Queen", "27.99", (), "bedding"),
    # Office Products
    L(OEL, "HP OfficeJet Pro 9015e Wireless All-in-One Printer", "229.89", (), "printer"),
    L(OEL, "Canon PIXMA TR4720 All-in-One Wireless Printer", "99.00", (), "printer"),
    L(OEL, "Brother HL-L2350DW Compact Monochrome Laser Printer", "159.99", (), "printer"),
    L(OEL, "HP 67XL Black High-yield Ink Cartridge", "35.89", (), "printer"),
    L(OEL, "Texas Instruments TI-84 Plus CE Graphing Calculator", "126.99", ("Black", "Bright White"),
      "electronics"),
    L(OEL, "Fellowes Powershred 79Ci 16-Sheet Cross-Cut Paper Shredder", "239.99", (), "electronics"),
    L(OSS, "Pilot G2 Premium Refillable Gel Pens, Fine Point, 12 Pack", "11.99", ("Black", "Blue", "Assorted"),
      "office"),
    L(OSS, "Post-it Super Sticky Notes, 3x3 in, 12 Pads", "14.49", (), "office"),
    L(OSS, "Five Star Spiral Notebook, 3 Subject, College Ruled", "7.49", ("Red", "Blue", "Black"), "office"),
    L(OSS, "Swingline Commercial Desk Stapler", "13.99", (), "office"),
    L(OSS, "Sharpie Permanent Markers, Fine Point, 24 Count", "15.79", (), "office"),
    L(OSS, "Amazon Basics Letter Size File Folders, 100 Pack", "12.49", (), "office"),
    # Electronics
    L(HPH, "Sony WH-1000XM4 Wireless Noise Canceling Overhead Headphones", "278.00", ("Black", "Silver"),
      "audio"),
    L(HPH, "Apple AirPods Pro (2nd Generation) Wireless Earbuds", "249.00", (), "audio"),
    L(HPH, "JBL Tune 510BT Wireless On-Ear Headphones", "29.95", ("Black", "Blue", "White"), "audio"),
    L(HPH, "Soundcore by Anker Life Q20 Hybrid Active Noise Cancelling Headphones", "59.99", (), "audio"),
    L(HPH, "Panasonic ErgoFit Wired Earbuds", "9.99", ("Black", "Mint"), "audio"),
    L(PAV, "JBL Flip 5 Waterproof Portable Bluetooth Speaker", "99.95", ("Black", "Blue", "Teal"), "audio"),
    L(PAV, "Anker Soundcore 2 Portable Bluetooth Speaker", "39.99", (), "audio"),
    L(PAV, "Bose SoundLink Micro Bluetooth Speaker", "119.00", ("Black", "Stone Blue"), "audio"),
    L(PAV, "Echo Dot (3rd Gen) Smart Speaker with Alexa", "39.99", ("Charcoal", "Sandstone"), "audio"),
    L(PAV, "Echo Dot 3rd Gen Replacement Power Adapter, 15W Charger Cord", "12.99", (), "charger"),
    L(CMP, "Logitech MX Master 3S Wireless Performance Mouse", "99.99", ("Graphite", "Pale Gray"),
      "electronics"),
    L(CMP, "SanDisk 128GB Ultra microSDXC UHS-I Memory Card with Adapter", "17.99", (), "electronics"),
    L(CMP, "Anker 7-in-1 USB C Hub Adapter", "34.99", (), "electronics"),
    L(CMP, "Logitech K380 Multi-Device Bluetooth Keyboard", "29.99", ("Dark Grey", "Rose"), "electronics"),
    L(CMP, "Samsung T7 Portable SSD 1TB", "109.99", ("Titan Gray", "Indigo Blue"), "electronics"),
    L(CMP, "Amazon Basics Laptop Sleeve, 15.6 Inch", "15.49", (), "electronics"),
    # Cell Phones & Accessories
    L(CAS, "EYZUTAK Case for iPhone 13 Pro Max, Slim Shockproof Cover with Ring Holder Kickstand", "9.99",
      ("Black", "Red", "Blue", "Purple", "Rose Gold"), "phonecase"),
    L(CAS, "EYZUTAK Case for Samsung Galaxy S21, Clear Glitter Bling Cover", "9.99", ("Silver", "Pink"),
      "phonecase"),
    L(CAS, "OtterBox Defender Series Case for iPhone 13", "54.95", ("Black",), "phonecase"),
    L(CAS, "Spigen Tough Armor Case for Samsung Galaxy S22 Ultra", "19.99", ("Black", "Gunmetal"), "phonecase"),
    L(CAS, "Smartish iPhone 12 Wallet Case, Wallet Slayer Vol. 1", "24.99", ("Black Tie Affair", "Tan"),
      "phonecase"),
    L(SCR, "3-Pack Samsung Galaxy S6 Screen Protector, Tempered Glass with 9H Hardness", "7.99", (), "screen"),
    L(SCR, "ESR Tempered Glass Screen Protector for iPhone 13, 3 Pack", "9.99", (), "screen"),
    L(SCR, "amFilm Tempered Glass Screen Protector for Nintendo Switch, 2 Pack", "8.99", (), "screen"),
    L(SCR, "Supershieldz Anti-Glare Matte Screen Protector for iPad 10.2 Inch", "12.99", (), "screen"),
    L(SCR, "ZAGG InvisibleShield Glass Elite Privacy Screen Protector for iPhone 14", "44.99", (), "screen"),
    L(CHG, "Anker USB C Charger, 20W PIQ 3.0 Fast Charger", "16.99", (), "charger"),
    L(CHG, "UGREEN Lightning to 3.5mm Headphone Jack Adapter", "14.99", (), "charger"),
    L(CHG, "Apple MagSafe Charger", "39.00", (), "charger"),
    L(CHG, "Belkin 3-in-1 Wireless Charging Stand", "99.99", ("Black", "White"), "charger"),
    L(CHG, "Amazon Basics USB-C to Lightning Cable, 6 Foot", "15.99", ("White", "Black"), "charger"),
    # Video Games
    L(NSW, "Game Card Holder Storage Case for Nintendo Switch Games, 48 Slots", "13.99", ("Black", "Red"),
      "games"),
    L(NSW, "Orzly Switch Game Case, Holds 24 Cartridges", "9.99", (), "games"),
    L(NSW, "Slim Game Card Case for Nintendo Switch, 12 Slots", "6.99", (), "games"),
    L(NSW, "Switch Carrying Case with 20 Game Card Slots, Hard Shell Travel Pouch", "19.99", ("Black", "Grey"),
      "games"),
    L(NSW, "Nintendo Switch Pro Controller", "69.99", (), "games"),
    L(NSW, "HORI Nintendo Switch Split Pad Pro", "49.99", (), "games"),
    L(NSW, "Mario Kart 8 Deluxe - Nintendo Switch", "59.99", (), "games"),
    L(NSW, "The Legend of Zelda: Breath of the Wild - Nintendo Switch", "59.99", (), "games"),
    L(XBX, "Xbox Core Wireless Controller - {color}", "59.99", ("Carbon Black", "Robot White", "Shock Blue"),
      "games"),
    L(XBX, "PowerA Enhanced Wired Controller for Xbox Series X|S", "34.99", (), "games"),
    L(XBX, "Dual Controller Charging Station for Xbox Series X|S", "24.99", (), "games"),
    L(XBX, "Turtle Beach Recon 70 Gaming Headset for Xbox Series X|S", "39.95", (), "games"),
    L(XBX, "Forza Horizon 5 Standard Edition - Xbox Series X|S", "39.99", (), "games"),
    # Grocery & Gourmet Food
    L(BEV, "Elmwood Inn Fine Teas, Orange Vanilla Caffeine-free Fruit Infusion, 16-Ounce Pouch", "19.99", (),
      "food"),
    L(BEV, "Twinings English Breakfast Black Tea, 100 Count", "8.49", (), "food"),
    L(BEV, "Lavazza Super Crema Whole Bean Coffee Blend, 2.2 Pound", "21.99", (), "food"),
    L(BEV, "Starbucks Pike Place Roast K-Cup Coffee Pods, 72 Count", "41.99", (), "food"),
    L(BEV, "Vita Coco Coconut Water, Pure, 16.9 Fl Oz, Pack of 12", "25.99", (), "food"),
    L(BEV, "LaCroix Sparkling Water, Pamplemousse, 12 Fl Oz Cans, Pack of 24", "11.99", (), "food"),
    L(SNK, "KIND Bars, Dark Chocolate Nuts and Sea Salt, 12 Count", "13.98", (), "food"),
    L(SNK, "Blue Diamond Almonds, Smokehouse, 16 Ounce", "8.98", (), "food"),
    L(SNK, "Ghirardelli Chocolate Squares Variety Pack, 23.8 oz", "19.99", (), "food"),
    L(SNK, "Pepperidge Farm Goldfish Cheddar Crackers, 30 oz", "9.59", (), "food"),
    L(SNK, "Stacy's Simply Naked Pita Chips, 7.33 oz, Pack of 6", "21.48", (), "food"),
    L(MSB, "Louisville Vegan Jerky, Variety Pack, 12 Count", "42.00", (), "food"),
    L(MSB, "Primal Strips Meatless Vegan Jerky, Hickory Smoked, 24 Pack", "36.99", (), "food"),
    L(MSB, "Butler Soy Curls, 8 oz Bags, Pack of 12", "59.99", (), "food"),
    L(MSB, "Upton's Naturals Original Seitan, 8 oz, Pack of 10", "52.50", (), "food"),
    L(MSB, "Sweet Earth Traditional Plant-Based Seitan, 8 oz, Pack of 6", "29.99", (), "food"),
    L(PAN, "Bob's Red Mill Old Fashioned Rolled Oats, 32 oz, Pack of 4", "18.36", (), "food"),
    L(PAN, "Kirkland Signature Extra Virgin Olive Oil, 2 Liter", "24.99", (), "food"),
    L(PAN, "Barilla Spaghetti Pasta, 16 oz, Pack of 12", "17.88", (), "food"),
    L(PAN, "Nature Nate's 100% Pure Raw and Unfiltered Honey, 32 oz", "15.99", (), "food"),
    L(PAN, "McCormick Ground Cinnamon, 7.1 oz", "5.49", (), "food"),
    # Health & Household
    L(VIT, "Nature Made Vitamin D3 2000 IU, 220 Softgels", "12.49", (), "health"),
    L(VIT, "Vital Proteins Collagen Peptides Powder, Unflavored, 20 oz", "43.00", (), "health"),
    L(VIT, "Optimum Nutrition Gold Standard 100% Whey Protein Powder, Double Rich Chocolate, 5 Pound", "79.99",
      (), "health"),
    L(VIT, "OLLY Sleep Gummy, Melatonin 3mg, 50 Count", "13.99", (), "health"),
    L(VIT, "Garden of Life Dr. Formulated Probiotics Once Daily, 30 Capsules", "29.99", (), "health"),
    L(HHS, "Tide PODS Laundry Detergent Pacs, Original Scent, 81 Count", "24.99", (), "household"),
    L(HHS, "Bounty Quick-Size Paper Towels, 12 Family Rolls", "31.99", (), "household"),
    L(HHS, "Clorox Disinfecting Wipes Value Pack, 225 Count", "14.99", (), "household"),
    L(HHS, "Seventh Generation Free and Clear Dish Soap, 25 oz, Pack of 6", "19.74", (), "household"),
    L(HHS, "Swiffer Sweeper Dry and Wet Sweeping Starter Kit", "16.97", (), "household"),
    # Patio, Lawn & Garden
    L(GRD, "Miracle-Gro Indoor Potting Mix, 6 Quart, 2 Pack", "12.98", (), "garden"),
    L(GRD, "Fiskars Bypass Pruning Shears, 5/8 Inch Cut Capacity", "14.99", (), "garden"),
    L(GRD, "Burpee Wildflower Seed Mix, 25,000 Seeds", "10.95", (), "garden"),
    L(GRD, "Keter Solana Outdoor Storage Bench, 70 Gallon", "139.99", ("Brown",), "garden"),
    L(GRD, "Sun Joe Electric Lawn Mower, 14 Inch, 12 Amp", "129.00", (), "garden"),
    L(GRD, "Vego Garden Raised Garden Bed Kit, Galvanized Steel, 8 x 4 ft", "69.99", ("Olive Green", "Pearl White"),
      "garden"),
    # Disabled in the admin: present in the database, hidden from the storefront.
    L(HPH, "Beats Solo3 Wireless On-Ear Headphones", "129.99", ("Matte Black",), "audio", enabled=False),
    L(KIT, "Hamilton Beach 2-Slice Toaster", "24.99", (), "kitchen", enabled=False),
    L(CAS, "EYZUTAK Case for iPhone 11, Leather Wallet Cover", "9.99", ("Brown",), "phonecase", enabled=False),
    L(SNK, "Planters Dry Roasted Peanuts, 16 oz", "4.79", (), "food", enabled=False),
)
