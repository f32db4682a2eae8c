"""Names, places and review nicknames for the shop's generated customers.

Plain lists rather than a faker library: the seed must be identical on every machine and dependency-free.
"""

from __future__ import annotations

FIRST_NAMES: tuple[str, ...] = (
    "Olivia", "Liam", "Ava", "Noah", "Sophia", "Mason", "Isabella", "Lucas", "Mia", "Ethan", "Charlotte",
    "James", "Amelia", "Benjamin", "Harper", "Elijah", "Evelyn", "Logan", "Abigail", "Alexander", "Ella",
    "Daniel", "Scarlett", "Henry", "Grace", "Jackson", "Chloe", "Sebastian", "Victoria", "Aiden", "Riley",
    "Matthew", "Aria", "Samuel", "Lily", "David", "Zoey", "Joseph", "Nora", "Carter", "Hannah", "Owen",
    "Layla", "Wyatt", "Lillian", "John", "Addison", "Jack", "Natalie", "Luke", "Brooklyn", "Jayden", "Leah",
    "Dylan", "Savannah", "Grayson", "Audrey", "Levi", "Claire", "Isaac", "Lucy", "Gabriel", "Anna", "Julian",
    "Samantha", "Anthony", "Caroline", "Jaxon", "Kennedy", "Lincoln", "Sarah", "Joshua", "Madison", "Andrew",
    "Naomi", "Christopher", "Ruby", "Nathan", "Alice", "Ryan", "Sadie", "Adrian", "Stella", "Thomas",
    "Katherine", "Aaron", "Maya", "Charles", "Valentina", "Caleb", "Priya", "Wei", "Jun", "Fatima", "Omar",
    "Diego", "Lucia", "Mateo", "Camila", "Hiroshi", "Yuki", "Rachel", "Marcus", "Tanya", "Derek", "Monica",
)

LAST_NAMES: tuple[str, ...] = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez",
    "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young",
    "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson",
    "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Patel", "Kim", "Chen", "Wang",
    "Singh", "Murphy", "Cook", "Rogers", "Morgan", "Cooper", "Peterson", "Reed", "Bailey", "Bell", "Gomez",
    "Kelly", "Howard", "Ward", "Cox", "Diaz", "Richardson", "Wood", "Watson", "Brooks", "Bennett", "Gray",
)

# (street name, city, region, postcode): real-looking US places for generated addresses.
PLACES: tuple[tuple[str, str, str, str], ...] = (
    ("Chestnut Street", "Philadelphia", "Pennsylvania", "19102"),
    ("Maple Avenue", "Pittsburgh", "Pennsylvania", "15213"),
    ("Oak Street", "Chicago", "Illinois", "60614"),
    ("Elm Street", "Austin", "Texas", "78701"),
    ("Cedar Lane", "Houston", "Texas", "77002"),
    ("Pine Street", "Seattle", "Washington", "98101"),
    ("Lake Shore Drive", "Evanston", "Illinois", "60201"),
    ("Market Street", "San Francisco", "California", "94103"),
    ("Sunset Boulevard", "Los Angeles", "California", "90028"),
    ("Broadway", "New York", "New York", "10012"),
    ("Atlantic Avenue", "Brooklyn", "New York", "11217"),
    ("Peachtree Street", "Atlanta", "Georgia", "30303"),
    ("Congress Avenue", "Austin", "Texas", "78704"),
    ("Colfax Avenue", "Denver", "Colorado", "80206"),
    ("Michigan Avenue", "Detroit", "Michigan", "48226"),
    ("Washington Street", "Boston", "Massachusetts", "02108"),
    ("Central Avenue", "Phoenix", "Arizona", "85004"),
    ("Main Street", "Columbus", "Ohio", "43215"),
    ("Magnolia Drive", "Charlotte", "North Carolina", "28202"),
    ("Ocean Drive", "Miami", "Florida", "33139"),
    ("University Avenue", "Madison", "Wisconsin", "53703"),
    ("Hennepin Avenue", "Minneapolis", "Minnesota", "55403"),
    ("Canal Street", "New Orleans", "Louisiana", "70112"),
    ("Fifth Avenue", "Pittsburgh", "Pennsylvania", "15222"),
    ("Burnside Street", "Portland", "Oregon", "97209"),
    ("Meridian Street", "Indianapolis", "Indiana", "46204"),
    ("Broad Street", "Richmond", "Virginia", "23219"),
    ("State Street", "Salt Lake City", "Utah", "84111"),
    ("Grand Avenue", "Des Moines", "Iowa", "50309"),
    ("Las Vegas Boulevard", "Las Vegas", "Nevada", "89109"),
)

# Reviewers who are not registered customers: the storefront shows whatever nickname a reviewer typed.
GUEST_NICKNAMES: tuple[str, ...] = (
    "Amazon Customer", "T. Gannon", "BusyB", "Kee Williams", "melvin m.", "J. Alvarez", "HappyCamper",
    "Mom of 3", "R. Patel", "techguy77", "Gina", "Dave P.", "Sunny", "K. Nakamura", "BargainHunter",
    "L. Moreau", "Frank", "Mrs. B", "Coach Ray", "night owl", "S. Okafor", "Jenn", "Tom H.", "Verified Buyer",
    "Bookworm", "Marisol", "P. Lindqvist", "Grandpa Joe", "Sam", "A. Rossi",
)
