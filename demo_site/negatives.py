"""Hard negatives: legal listings that share words or looks with wildlife products."""

from __future__ import annotations

from demo_site.catalog import ItemTemplate as T

HARD_NEGATIVES: tuple[T, ...] = (
    T("faux_fur", ("clothing-fur",), "faux fur coat", (
        "Faux fur leopard print coat, size {8|10|12|14}",
        "Vegan faux fur jacket, snow leopard look",
        "Fake fur tiger stripe throw blanket",
        "{Zara|H&M|Unreal Fur|Topshop} faux fur coat, cream",
    ), (
        "100% acrylic faux fur, no animals harmed.",
        "Super soft fake fur, machine washable on cold.",
        "Leopard print pattern, polyester lining.",
    ), (25, 220)),
    T("ivory_colour", ("clothing-fur", "home-decor"), "ivory dress", (
        "Ivory lace wedding dress, size {8|10|12}",
        "Ivory-coloured bridesmaid dress, chiffon",
        "{Dulux|Taubmans|Haymes} Ivory White paint 10L, unopened",
        "Ivory linen curtains 2 panels {210|223|250}cm drop",
        "Ivory satin cushion covers x{n}",
    ), (
        "Colour is ivory (off-white), see photos for the exact shade.",
        "Worn once, professionally dry cleaned.",
        "Leftover from a renovation, lid never opened.",
    ), (15, 600)),
    T("tiger_balm", ("health-beauty", "traditional-medicine"), "Tiger Balm", (
        "Tiger Balm red ointment 30g x{n}",
        "Tiger Balm white, pack of {n}",
        "Tiger Balm patches warm, box of 10",
    ), (
        "Herbal ointment with camphor and menthol, made in Singapore.",
        "Sealed packs, expiry 2027.",
        "Great for sore muscles and headaches.",
    ), (5, 40)),
    T("plush_toy", ("toys-games",), "plush toy", (
        "Plush tiger toy {cm}cm, {Ikea|Jellycat|Wild Republic}",
        "Pangolin plush, soft toy, as new",
        "Stuffed toy parrot that repeats what you say",
        "Shark plush BLÅHAJ {cm}cm",
        "Plush elephant with ivory felt tusks",
        "Rhino soft toy, baby safe",
    ), (
        "Soft toy, polyester filling, suitable from birth.",
        "Smoke-free home, washed and clean.",
        "Kids have outgrown it.",
    ), (8, 45)),
    T("shark_vacuum", ("vacuum-cleaning",), "Shark vacuum", (
        "Shark Navigator Lift-Away vacuum",
        "Shark Stratos cordless stick vacuum",
        "Shark robot vacuum AI with self-empty base",
        "Shark steam mop, used twice",
        "Shark NV360 upright, great suction",
    ), (
        "Works perfectly, filters washed, all attachments included.",
        "Battery holds charge for about {n}0 minutes.",
        "Comes with the pet hair tool.",
    ), (60, 450)),
    T("turtleneck", ("clothing-fur",), "turtleneck", (
        "Merino turtleneck sweater, size {S|M|L}",
        "Men's black turtleneck, Uniqlo",
        "Turtle neck ribbed jumper, cream",
    ), (
        "100% merino wool, no pilling.",
        "Worn a handful of times.",
        "True to size, fits like a {S|M|L}.",
    ), (10, 90)),
    T("replica", ("antiques-collectables", "home-decor", "crafts-carvings"), "replica", (
        "Resin replica tiger skull, museum quality",
        "Replica rhino horn, cast resin, display only",
        "Faux ivory (resin) elephant carving",
        "Replica shark jaw, polyurethane, {cm}cm",
        "3D printed pangolin skeleton model",
    ), (
        "This is a REPLICA made of resin — not real bone or horn.",
        "Cast from a museum specimen, hand painted, labelled replica on the base.",
        "Lightweight resin, for display or education only.",
    ), (30, 400)),
    T("legal_with_papers", ("antiques-collectables", "musical-instruments"), "antique", (
        "Antique ivory-inlaid writing box, with CITES papers",
        "Pre-1947 ivory chess set, Article 10 certificate",
        "Upright piano with ivory keys, antique exemption certificate",
        "Victorian tortoiseshell tea caddy, pre-convention certified",
        "Antique violin bow, ivory tip, sold with CITES permit",
    ), (
        "Sold with CITES certificate, copy shown in the photos; export permit applied for by us.",
        "Dated before 1947 and registered under the ivory act exemption.",
        "Dealer sale with full provenance and a receipt, only to buyers in-country.",
    ), (400, 8000)),
    T("parrot_food", ("pets-birds",), "parrot food", (
        "Parrot food premium mix 5kg",
        "Macaw nut and fruit mix, {kg}kg",
        "Cockatoo pellets, Harrison's, unopened",
    ), (
        "Bought too much, bags unopened, best before next year.",
        "Suits large parrots, cockatoos and macaws.",
        "Pickup only, heavy bag.",
    ), (15, 90)),
    T("bird_cage", ("pets-birds",), "bird cage", (
        "Large parrot cage on wheels, {120|150|180}cm tall",
        "Bird cage with perches and toys",
        "Cockatoo play stand, wooden",
    ), (
        "Steel powder-coated cage, no rust, tray slides out.",
        "Bird has passed away, cage needs a new home.",
        "Easy to clean, bolts together.",
    ), (30, 350)),
    T("fossil", ("antiques-collectables", "books-magazines"), "fossil", (
        "Megalodon tooth fossil {cm}cm, authentic",
        "Fossil shark teeth lot, 50 pcs, Morocco",
        "Fossil ammonite pair, polished",
        "Mammoth tooth fossil fragment, Siberia permafrost find",
    ), (
        "Genuine fossil, millions of years old, comes with a certificate of authenticity.",
        "Fossils are minerals, legal to own and ship.",
        "Great for rock and fossil collectors.",
    ), (15, 900)),
    T("croc_embossed", ("jewellery-accessories", "clothing-fur"), "embossed handbag", (
        "Croc-embossed leather handbag, black",
        "Crocodile pattern tote, faux leather",
        "Python print boots, size {38|39|40|41}",
        "Snakeskin-look PU clutch",
    ), (
        "Embossed cow leather, crocodile pattern only.",
        "Vegan PU leather, printed pattern.",
        "Used a few times, corners clean.",
    ), (20, 260)),
    T("coral_colour", ("health-beauty", "clothing-fur"), "coral lipstick", (
        "Coral lipstick {MAC|Maybelline|Revlon}, new",
        "Coral pink summer dress, size {8|10|12}",
        "Coral reef-safe sunscreen SPF50 x{n}",
    ), (
        "Shade is a warm coral colour, brand new.",
        "Reef-safe formula, no oxybenzone.",
        "Never worn, tags still attached.",
    ), (8, 80)),
    T("teddy_bear", ("toys-games", "antiques-collectables"), "teddy bear", (
        "Steiff teddy bear, vintage, {cm}cm",
        "Giant teddy bear 1.2m, brown",
        "Bear family plush set x{n}",
    ), (
        "Mohair teddy, button in ear.",
        "Very soft, barely played with.",
        "From a smoke-free home.",
    ), (10, 600)),
    T("bone_china", ("home-decor", "antiques-collectables"), "bone china", (
        "Royal Albert bone china tea set, {n} settings",
        "Wedgwood bone china plates x{n}",
        "Fine bone china teacups, floral",
    ), (
        "English fine bone china, no chips or crazing.",
        "Dishwasher safe, barely used.",
        "Grandmother's set, complete.",
    ), (20, 300)),
    T("wordplay", ("books-magazines", "bikes-scooters", "clothing-fur", "sports-fitness"), "item", (
        "Learning Python, 5th edition (O'Reilly)",
        "Puma running shoes size {8|9|10|11}",
        "Shoe horn, long handle, stainless",
        "Horn-rimmed glasses frames, acetate",
        "Tiger Woods signed golf glove (framed)",
        "Jaguar XJ parts - front grille",
        "Rhino 4x4 ute canopy",
    ), (
        "Good condition, from a smoke-free home.",
        "Original, not a copy.",
        "Pickup or post at buyer's cost.",
    ), (10, 700)),
)
