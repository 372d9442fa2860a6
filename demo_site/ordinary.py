"""Ordinary listings: the bulk of any marketplace (phones, bikes, sofas, books...)."""

from __future__ import annotations

from demo_site.catalog import ItemTemplate as T


def _o(cats: tuple[str, ...], item: str, titles: tuple[str, ...], facts: tuple[str, ...],
       price: tuple[float, float]) -> T:
    return T("ordinary", cats, item, titles, facts, price)


ORDINARY: tuple[T, ...] = (
    _o(("pets-birds",), "puppy crate", (
        "Dog crate {S|M|L|XL}, foldable", "Cat scratching tree {80|100|120|150}cm",
        "Dog kennel, insulated",
        "Labrador puppies, vet checked, microchipped", "Aquarium-safe cat water fountain",
    ), ("Fits a medium dog comfortably.", "Microchipped and first vaccination done.",
        "Cleaned and disinfected."), (20, 1500)),
    _o(("pets-birds",), "dog lead", (
        "Retractable dog lead 5m", "Horse saddle blanket", "Chicken coop for {n} hens",
        "Pet carrier, airline approved",
    ), ("Barely used, dog prefers the short lead.", "Easy to clean tray.", "Sturdy build."),
        (10, 400)),
    _o(("antiques-collectables",), "antique", (
        "Victorian brass candlesticks pair", "1950s Coca-Cola sign, enamel",
        "Royal Doulton figurine '{Autumn Breezes|Top o' the Hill|Fair Lady}'",
        "Old cast iron sewing machine {Singer|Jones}", "Vintage postcards lot, {n}0 cards",
        "Mid-century teak sideboard", "Collection of {n}0 pre-decimal coins",
    ), ("Genuine piece, from a deceased estate.", "Some patina, consistent with age.",
        "Would suit a collector or a vintage shop."), (20, 1200)),
    _o(("jewellery-accessories",), "jewellery", (
        "Sterling silver hoop earrings", "{Pandora|Thomas Sabo|Swarovski} bracelet with charms",
        "9ct gold chain {cm}cm", "Freshwater pearl necklace", "Men's {Seiko|Casio|Citizen} watch",
        "Leather wallet, {Fossil|Tommy Hilfiger}",
    ), ("Comes in the original box.", "Hallmarked, can show in person.", "Barely worn."),
        (20, 900)),
    _o(("home-decor",), "homewares", (
        "Large framed print {60|70|100} x {50|60|70}cm", "Ceramic table lamp, sage green",
        "Set of {n} scented candles", "Round wall mirror, brass frame", "Woven jute rug 2x3m",
        "Indoor plant pots x{n}",
    ), ("Matches a Scandi or boho look.", "From a display home.", "Small chip at the back."),
        (10, 350)),
    _o(("health-beauty",), "beauty", (
        "{Dyson|GHD|Remington} hair straightener", "Electric toothbrush {Oral-B|Philips}",
        "Perfume {Chanel No.5|Dior Sauvage|YSL Libre} 100ml", "Massage gun, 6 heads",
        "Skincare bundle, unopened",
    ), ("Authentic, bought in store.", "Used a few times only.", "Unwanted gift."),
        (15, 450)),
    _o(("traditional-medicine",), "herbal", (
        "Korean red ginseng extract, 240g", "Dried goji berries 1kg organic",
        "Acupuncture needles, 500 pack, sterile", "Chinese herbal tea sampler",
        "Cupping set, 24 cups, with pump", "Moxa sticks, box of {n}0",
    ), ("Sealed, expiry next year.", "Certified organic, from a registered supplier.",
        "Practitioner clearing stock."), (10, 180)),
    _o(("clothing-fur",), "clothing", (
        "{Levi's|Wrangler|Nudie} jeans W{30|32|34}", "Women's wool coat, camel, size {8|10|12}",
        "{Nike|Adidas|New Balance} hoodie size {S|M|L}", "Ski jacket, waterproof",
        "Sheepskin boots, {UGG|Emu}, size {6|7|8|9}", "Bundle of kids clothes size {2|3|4}",
    ), ("Worn a few times, no stains.", "Genuine, bought from the brand store.",
        "Sizing runs a bit small."), (10, 300)),
    _o(("toys-games",), "toy", (
        "LEGO {Technic|City|Star Wars} set, complete", "Nintendo Switch games bundle x{n}",
        "Wooden train set with tracks", "Board games lot: {Catan|Ticket to Ride|Pandemic}",
        "Kids balance bike", "Barbie Dreamhouse",
    ), ("All pieces present, instructions included.", "From a smoke-free home.",
        "Kids have grown out of it."), (10, 400)),
    _o(("electronics",), "electronics", (
        "{Samsung|LG|Sony|TCL} {43|50|55|65}\" 4K smart TV", "{Bose|Sony|JBL} Bluetooth speaker",
        "Gaming PC, RTX {3060|3070|4060}, 16GB RAM", "PlayStation 5 with two controllers",
        "{Canon|Nikon|Sony} mirrorless camera body", "{Dell|LG} 27\" monitor 144Hz",
        "Noise cancelling headphones {Sony WH-1000XM4|Bose QC45}",
    ), ("Works perfectly, original box and remote.", "Factory reset, ready to go.",
        "Receipt available, warranty until next year."), (40, 2200)),
    _o(("vacuum-cleaning",), "vacuum", (
        "{Dyson V8|Dyson V10|Dyson V11} cordless vacuum", "{Miele|Electrolux} bagged vacuum",
        "Karcher pressure washer K{2|3|4}", "Robot vacuum {Roborock|iRobot Roomba|Ecovacs}",
        "Carpet cleaner {Bissell|Vax}",
    ), ("Strong suction, new filter fitted.", "Battery replaced last month.",
        "All accessories included."), (40, 700)),
    _o(("garden-outdoor",), "garden", (
        "{Ozito|Ryobi|Makita} cordless hedge trimmer", "Outdoor setting, {n} chairs and table",
        "Raised garden bed {90|120|180}cm", "Weber kettle BBQ 57cm", "Hose reel with 30m hose",
        "Lawn mower, {Victa|Honda} 4-stroke",
    ), ("Starts first pull.", "Stored under cover.", "Bought a bigger one."), (20, 900)),
    _o(("books-magazines",), "books", (
        "Harry Potter box set, hardcover", "National Geographic magazines 1990-{2000|2005}",
        "Cookbooks lot: {Ottolenghi|Jamie Oliver|Nigella} x{n}", "University textbooks, nursing",
        "Lonely Planet guides, Southeast Asia", "Vintage comics, {n}0 issues",
    ), ("Good condition, no writing inside.", "Some shelf wear on covers.",
        "Happy to split the set."), (5, 250)),
    _o(("sports-fitness",), "sports gear", (
        "Adjustable dumbbells 2x24kg", "Yoga mat and blocks set",
        "Golf clubs full set, {Callaway|Ping|Titleist}",
        "Surfboard 7'2\" mini mal", "Treadmill, folding", "Tennis racquet {Wilson|Babolat|Head}",
        "Kayak with paddle, sit-on-top",
    ), ("Used a handful of times.", "Good condition, minor cosmetic marks.",
        "Pickup only, heavy."), (20, 1500)),
    _o(("crafts-carvings",), "craft", (
        "Hand carved wooden {elephant|owl|bowl|spoon set}", "Soapstone carving, {cm}cm",
        "Jarrah wood chopping board, handmade", "Knitting yarn lot, merino",
        "Pottery wheel, electric", "Balinese mask, carved wood",
    ), ("Made from sustainably sourced timber.", "Handmade, each one slightly different.",
        "Finished with food-safe oil."), (10, 600)),
    _o(("aquarium-marine",), "aquarium", (
        "Aquarium {n}0L with stand and filter", "Tropical fish: neon tetras x{n}0",
        "Marine reef tank LED light", "Canister filter {Eheim|Fluval}",
        "Live aquarium plants bundle",
        "Guppies, mixed colours x{n}0",
    ), ("Tank is cycled and leak free.", "Bred at home, healthy and active.",
        "Selling as I'm moving."), (10, 900)),
    _o(("furniture",), "furniture", (
        "3 seater sofa, {grey|navy|beige} fabric", "Queen bed frame with slats",
        "Dining table with {n} chairs", "{Ikea Kallax|Ikea Billy} bookshelf",
        "Office chair, ergonomic",
        "Solid oak coffee table", "Chest of drawers, white",
    ), ("No rips or stains, smoke-free home.", "Disassembled, ready for pickup.",
        "Need gone by the weekend."), (20, 1600)),
    _o(("musical-instruments",), "instrument", (
        "{Yamaha|Fender|Ibanez} electric guitar", "Digital piano {Roland|Casio|Yamaha} 88 keys",
        "Acoustic drum kit, {Pearl|Tama}", "Violin 4/4 with case and bow",
        "Ukulele, concert size", "Guitar amp {Boss Katana|Marshall} 50W",
    ), ("Plays beautifully, new strings.", "Includes case and stand.",
        "Adult owned, not gigged."), (50, 2500)),
    _o(("phones-tablets",), "phone", (
        "iPhone {12|13|14|15} {64|128|256}GB", "Samsung Galaxy S{21|22|23} unlocked",
        "iPad {Air|Mini|Pro} {64|256}GB Wi-Fi", "Google Pixel {7|8}", "Apple Watch Series {7|8|9}",
    ), ("Battery health {8|9}{0|5}%, always in a case.", "Unlocked to any network.",
        "Screen protector on since day one."), (80, 1800)),
    _o(("bikes-scooters",), "bike", (
        "{Giant|Trek|Specialized} mountain bike, {M|L} frame", "Kids bike 16\"",
        "Electric scooter {Segway|Xiaomi}", "Road bike, carbon, 105 groupset",
        "Vespa 150 scooter, rego till next year", "Honda Wave 110, low km",
    ), ("Serviced recently, new tyres.", "Rides perfectly.", "Some scratches from normal use."),
        (50, 4000)),
    _o(("food-drink",), "food", (
        "Homemade chilli jam, {n} jars", "Local honey 1kg", "Coffee beans, single origin 1kg",
        "Sourdough starter, healthy", "Wine cellar clear-out, {n} bottles shiraz",
    ), ("Made in a registered kitchen.", "Fresh this week.", "Pickup only."), (5, 200)),
)
