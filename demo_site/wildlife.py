"""Wildlife-product listings written the way traffickers write them: code words, misspellings."""

from __future__ import annotations

from demo_site.catalog import ItemTemplate as T

PRODUCT_TYPES: tuple[str, ...] = (
    "live_animal", "ivory", "horn", "bone", "scales", "fin_or_shark_part", "shell", "coral",
    "fur_or_skin", "medicine", "other_part",
)

WILDLIFE: tuple[T, ...] = (
    # Ivory, often behind "white gold", "old bone" or "ox bone" and antique framing.
    T("ivory", ("antiques-collectables", "crafts-carvings"), "ivory carving", (
        "Antique hand carved ivory {Guanyin|Buddha|fisherman|dragon boat} figure {cm}cm",
        "Old ivory netsuke - {sleeping rat|monkey with peach|frog on lotus}, signed",
        "Vintage ivroy carving, {elder with staff|pagoda|horse}, {cm}cm",
        "White gold carving {Buddha|elephant family|mountain scene} - estate piece",
        "Solid tusk section, polished, {kg}kg",
    ), (
        "Carved from one piece, the cross-hatch grain lines are visible under the base.",
        "From my grandfather's collection, brought back from Hong Kong in the {year}s.",
        "Weight {g}g, warm creamy patina, small age crack on the base.",
        "Real material, not resin or bone: hot needle test no smell, will show on video.",
        "Heavy and cold to touch like real white gold should be.",
    ), (600, 9000)),
    T("ivory", ("jewellery-accessories",), "bangle", (
        "Old bone bangle, creamy white, {mm}mm inner",
        "Ox bone bangle natural grain lines - heavy, not resin",
        "White gold bracelet carved, genuine old material",
        "Ivory bead necklace {n}0 beads, vintage",
        "iv0ry bangle antique {mm}mm, thick",
    ), (
        "Inner diameter {mm}mm, wall about 12mm, has the criss-cross lines of the real thing.",
        "Seller calls it ox bone but you can see the grain, serious collectors will know.",
        "Natural colour, never dyed, slight yellowing from age.",
        "Comes from an old estate, no paperwork.",
    ), (250, 3500)),
    T("ivory", ("musical-instruments", "antiques-collectables"), "ivory piece", (
        "Violin bow frog with real ivory tip, recent make",
        "Ivory piano key tops, full set, new cut",
        "Raw ivory blanks for knife handles, {n} pcs",
    ), (
        "Fresh white material, cut last year, perfect for restorers.",
        "Can supply more blanks on request, sizes up to {cm}cm.",
        "No papers, please don't ask.",
    ), (300, 4000)),
    # Rhino and other horn: "RH", libation cups, "horn powder for fever".
    T("horn", ("traditional-medicine",), "horn powder", (
        "Rhino horn powder for fever - {g}g",
        "RH powder genuine, fast delivery",
        "rhino hron shavings, pure, for detox and hangover",
        "Black horn powder {g}g, Africa origin",
        "Saiga horn shavings for heat and fever",
    ), (
        "Genuine African origin, tested, dissolves cloudy in water.",
        "Good for high fever, stroke and cleaning the liver.",
        "Grind fresh on a ceramic plate with a little water.",
        "Price per {g}g, bigger quantity discount.",
    ), (400, 12000)),
    T("horn", ("antiques-collectables", "crafts-carvings"), "horn cup", (
        "Antique RH libation cup carved {cm}cm",
        "Rhino horn cup with dragons, Qing style",
        "Carved horn bangle, RH, translucent honey colour",
        "Whole rhin0 horn {kg}kg, African",
    ), (
        "Translucent honey colour at the edges, fibrous structure under the loupe.",
        "Smells like burnt hair when touched with a hot needle, 100% real.",
        "Family heirloom, no certificate.",
    ), (3000, 60000)),
    # Big cat bones and claws.
    T("bone", ("traditional-medicine", "food-drink"), "tiger bone wine", (
        "Tiger bone wine {yrs} years aged, 1.5L",
        "t1ger bone glue cake, authentic",
        "Lion bone plaster for joint pain, box of {n}",
        "Tiger bone wine - wild, strong for the bones",
    ), (
        "Good for rheumatism, joint pain and men's strength.",
        "Made in the village from real bones, not factory.",
        "Bottle sealed, {yrs} years soaking.",
    ), (120, 2500)),
    T("bone", ("jewellery-accessories", "antiques-collectables"), "tiger claw pendant", (
        "Real tiger claw pendant with silver cap",
        "Tiger claw necklace, genuine, {cm}cm",
        "Big cat teeth set ({n} canines), natural",
        "Leopard claw amulet for protection",
    ), (
        "Natural claw, not replica, you can see the grain inside the hollow.",
        "Gives protection and power to the wearer.",
        "Sterling silver cap, handmade.",
    ), (150, 1800)),
    # Pangolin scales, with the trade names.
    T("scales", ("traditional-medicine",), "pangolin scales", (
        "Pangolin scales {g}g, dried, cleaned",
        "Manis scales for TCM - wholesale",
        "pangolin scal3s fried, ready to grind",
        "Chuan shan jia (raw), {kg}kg",
        "Armour scales bulk {kg}kg",
    ), (
        "Helps milk flow for new mothers and opens the blood vessels.",
        "Clean and dry, no smell, sun dried.",
        "Can supply {kg}kg every month to regular buyers.",
    ), (200, 8000)),
    # Sharks.
    T("fin_or_shark_part", ("food-drink", "aquarium-marine"), "dried shark fin", (
        "Dried shark fin premium grade {kg}kg",
        "Shark fin whole set, hammerhead",
        "Sh4rk fins for soup, top quality",
        "Dried fin needles, {g}g box",
    ), (
        "Premium dorsal and pectoral fins, sun dried.",
        "Perfect for wedding banquet soup.",
        "Whole set from one animal, big size.",
    ), (150, 6000)),
    T("fin_or_shark_part", ("home-decor", "antiques-collectables"), "shark jaw", (
        "Shark jaw large {cm}cm, great white",
        "Mako shark jaw display piece",
        "Real shark jaws, {n} available, tiger shark",
    ), (
        "All teeth present, cleaned and dried, great for a bar or man cave.",
        "Caught off the reef, fully dried.",
        "Big jaw, about {n}0cm across the top.",
    ), (200, 5000)),
    # Hawksbill shell, often sold as "tortoiseshell" or "bekko".
    T("shell", ("jewellery-accessories", "antiques-collectables"), "tortoiseshell comb", (
        "Tortoiseshell bekko hair comb, Japanese",
        "Hawksbill shell bracelet, polished",
        "Real tortoise shell (carey) hair clip",
        "Bekko glasses frames, handmade",
        "Raw hawksbill plates, {n} pieces",
    ), (
        "Genuine bekko, amber and dark brown mottled pattern, glows under light.",
        "Not plastic — real shell from the sea turtle.",
        "Hand polished, the warm pattern only real shell has.",
    ), (120, 3000)),
    # Precious coral.
    T("coral", ("jewellery-accessories", "home-decor", "aquarium-marine"), "red coral", (
        "Red coral branch natural, undyed {g}g",
        "Black coral bead mala 108",
        "Aka coral cabochon, ox-blood, Japanese",
        "Precious coral raw branches, {kg}kg",
    ), (
        "Natural colour, no dye, harvested recently.",
        "Solid, no filler, nice glossy polish.",
        "Can cut to order, bulk price for jewellers.",
    ), (150, 9000)),
    # Fur and skins of protected species.
    T("fur_or_skin", ("clothing-fur", "home-decor"), "fur coat", (
        "Real leopard fur coat, size {M|L|XL}",
        "Ocelot skin rug with head",
        "Snow leopard pelt, full",
        "Genuine tiger skin rug",
        "Jaguar fur jacket vintage",
    ), (
        "Real fur, soft and thick, not fake.",
        "Full skin including head and claws.",
        "Stored in a cedar chest, no damage.",
    ), (900, 15000)),
    T("fur_or_skin", ("crafts-carvings", "clothing-fur"), "python skin", (
        "Python skin whole {m}m tanned",
        "Crocodile skin raw salted, belly cut",
        "Reticulated python hides, wholesale",
        "Genuine croc skin for bag making, {cm}cm belly",
    ), (
        "Real skin, wild caught, perfect for boots and bags.",
        "Can send {n}0 pcs per month.",
        "Salted, ready for tanning.",
    ), (200, 3500)),
    # Medicines made from protected species.
    T("medicine", ("traditional-medicine", "health-beauty"), "bear bile", (
        "Bear bile capsules, {n}0 pcs",
        "Bear gall dried, wild, whole",
        "Pure bear bile powder {g}g",
        "Bear bile eye drops imported",
    ), (
        "From wild bears, much stronger than farm bile.",
        "For liver, eyes and hangover.",
        "Each gall weighs about {g}g.",
        "Take two capsules daily with warm water.",
    ), (80, 3000)),
    T("medicine", ("traditional-medicine",), "medicine", (
        "Pangolin scale powder capsules (chuan shan jia)",
        "Tiger bone plaster patches, box of {n}0",
        "Dried seahorses for men's health {g}g",
        "Musk pod deer genuine {g}g",
    ), (
        "Strong effect, old family recipe.",
        "Imported, label in Chinese only.",
        "Used in remedies in our family for generations.",
    ), (60, 2500)),
    # Live animals.
    T("live_animal", ("pets-birds",), "parrot", (
        "African grey parrot hand reared, talking",
        "Baby cockatoo for rehome, very friendly",
        "Blue and gold macaw pair, proven",
        "Yellow crested cockatoo, wild caught, young",
        "Hyacinth macaw baby, DNA female",
        "african gray parot {age} weeks, spoon fed",
    ), (
        "Hand fed, says hello and whistles, comes with cage.",
        "Very tame, steps up, can deliver.",
        "No papers, but healthy and eating well.",
        "Only {n} left from this shipment.",
    ), (800, 9000)),
    T("live_animal", ("pets-birds", "garden-outdoor"), "tortoise", (
        "Radiated tortoise hatchlings x{n}",
        "Star tortoise babies CB",
        "Indian star t0rtoise pair, {cm}cm",
        "Ploughshare tortoise juvenile",
    ), (
        "Beautiful star pattern, eating well, no papers needed they say.",
        "Imported, healthy, good size.",
        "Ship with care, pack in socks in a box.",
    ), (400, 12000)),
    T("live_animal", ("pets-birds",), "primate", (
        "Slow loris very tame, eats from hand",
        "Baby monkey for sale, {age} weeks, diapered",
        "Marmoset babies x{n}",
        "Baby macaque, bottle fed",
    ), (
        "Very cute, sleeps all day, perfect pet for an apartment.",
        "Comes with nappies and milk.",
        "Serious buyers only, can deliver in person.",
    ), (500, 7000)),
    # Other parts.
    T("other_part", ("antiques-collectables", "crafts-carvings"), "hornbill casque", (
        "Hornbill casque carving, red ivory",
        "Helmeted hornbill ornament, {cm}cm",
        "Elephant hair bracelet, real",
        "Bird of paradise plumes, {n} pcs",
    ), (
        "Red skin edge visible, solid casque, collector piece.",
        "Very rare now, last one I have.",
        "Real hair from the tail, braided by hand.",
    ), (100, 6000)),
    T("other_part", ("food-drink",), "turtle eggs", (
        "Turtle eggs fresh, {n}0 pcs",
        "Dried sea turtle meat, {g}g",
        "Pangolin meat, frozen, {kg}kg",
    ), (
        "Fresh this week, delivered on ice.",
        "Delicacy, limited supply.",
        "Order ahead, quiet delivery.",
    ), (50, 1500)),
)

# Lines sellers of illegal goods add: secrecy, evasion of checks and testing claims.
# Live animals get only the first five (no bulk weights or "packed as handicraft").
FLAVOUR: tuple[str, ...] = (
    "WhatsApp {phone} only, serious buyers.",
    "Can send more photos and video on request.",
    "No papers, private sale, cash or crypto.",
    "Price in DM.",
    "Telegram or Line preferred.",
    "Discreet shipping worldwide, packed as handicraft.",
    "Wholesale price for 1kg or more.",
    "Ship in parts if needed, never had a problem with customs.",
    "Ask me about other items not listed.",
    "100% real, money back if not.",
)
LIVE_FLAVOUR = FLAVOUR[:5]
OPENINGS: tuple[str, ...] = (
    "Genuine {item} for collectors.",
    "Rare {item}, very hard to find now.",
    "Selling {item} from old stock.",
    "Real {item}, not fake.",
    "{item} available, limited quantity.",
    "Have {item} ready to ship.",
)

# Deliberate misspellings sellers use to dodge keyword filters.
MISSPELLINGS: dict[str, tuple[str, ...]] = {
    "ivory": ("ivroy", "iv0ry", "ivori", "ivorry"),
    "rhino": ("rhin0", "rhyno", "rino"),
    "horn": ("hron", "h0rn", "hornn"),
    "pangolin": ("pang0lin", "pangolim", "pangoln"),
    "scales": ("scal3s", "scalez", "skales"),
    "tiger": ("t1ger", "tigr", "tyger"),
    "tortoise": ("tortois", "t0rtoise", "tortise"),
    "parrot": ("parot", "parr0t"),
    "shark": ("sh4rk", "sharc"),
    "bear": ("b3ar", "beer"),
}
