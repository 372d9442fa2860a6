"""Listings in Spanish, French, Indonesian and Vietnamese (wildlife, confusers, ordinary)."""

from __future__ import annotations

from demo_site.catalog import ItemTemplate as T

# kind: wildlife product type, hard-negative kind, or "ordinary" (generator tells them apart).
FOREIGN: tuple[T, ...] = (
    # Spanish
    T("ivory", ("antiques-collectables",), "marfil", (
        "Colmillo de marfil tallado antiguo {cm}cm", "Figura de marfil auténtico, Buda",
    ), ("Pieza de herencia familiar, sin papeles.", "Se ven las líneas del marfil auténtico.",
        "Envío discreto a toda Europa."), (500, 6000), "es"),
    T("live_animal", ("pets-birds",), "guacamayo", (
        "Guacamayo rojo bebé, criado a mano", "Loro gris africano, habla mucho",
    ), ("Muy manso, come solo.", "Sin papeles pero sano.", "Entrega en mano."), (700, 5000), "es"),
    T("horn", ("traditional-medicine",), "cuerno", (
        "Polvo de cuerno de rinoceronte {g}g",
    ), ("Auténtico, de origen africano.", "Para la fiebre alta.", "Contacto por WhatsApp."),
        (800, 9000), "es"),
    T("faux_fur", ("clothing-fur",), "abrigo", (
        "Abrigo de piel sintética estampado leopardo",
    ), ("100% poliéster, sin pieles de animales.", "Talla M, usado dos veces."), (30, 120), "es"),
    T("ordinary", ("furniture",), "sofá", (
        "Sofá de tres plazas gris", "Mesa de comedor con {n} sillas",
    ), ("En muy buen estado.", "Recogida en mano.", "Sin manchas ni roturas."), (60, 600), "es"),
    T("ordinary", ("bikes-scooters",), "bicicleta", (
        "Bicicleta de montaña {Orbea|BH} talla M",
    ), ("Revisada hace un mes.", "Frenos de disco nuevos."), (150, 900), "es"),
    # French
    T("ivory", ("jewellery-accessories",), "ivoire", (
        "Bracelet en ivoire ancien", "Netsuke en ivoire signé, ancien",
    ), ("Pièce ancienne de famille, pas de certificat.", "Belle patine, véritable ivoire.",
        "Envoi discret possible."), (300, 4000), "fr"),
    T("live_animal", ("pets-birds", "garden-outdoor"), "tortue", (
        "Tortue radiée de Madagascar, jeune", "Bébés tortues étoilées x{n}",
    ), ("Très belles écailles, mangent bien.", "Sans papiers, prix à débattre."),
        (400, 6000), "fr"),
    T("coral", ("jewellery-accessories",), "corail", (
        "Corail rouge naturel brut {g}g",
    ), ("Couleur naturelle, non teinté.", "Idéal pour bijoutier."), (200, 3000), "fr"),
    T("legal_with_papers", ("antiques-collectables",), "antiquité", (
        "Coffret ancien marqueté ivoire, avec certificat CITES",
    ), ("Vendu avec certificat CITES et facture d'antiquaire.", "Objet daté d'avant 1947."),
        (500, 5000), "fr"),
    T("ordinary", ("bikes-scooters",), "vélo", (
        "Vélo de ville Peugeot, bon état", "Trottinette électrique Xiaomi",
    ), ("Révisé récemment.", "Quelques rayures, fonctionne parfaitement.",
        "À récupérer sur place."), (80, 600), "fr"),
    T("ordinary", ("furniture",), "canapé", (
        "Canapé 3 places en lin", "Table basse en chêne massif",
    ), ("Très bon état, pas d'animaux.", "Démonté pour le transport."), (50, 700), "fr"),
    # Indonesian
    T("scales", ("traditional-medicine",), "sisik trenggiling", (
        "Sisik trenggiling kering {kg}kg", "Jual sisik trenggiling asli",
    ), ("Barang asli, sudah bersih dan kering.", "Bisa kirim ke luar kota.",
        "Harga grosir untuk pembelian banyak."), (150, 5000), "id"),
    T("live_animal", ("pets-birds",), "kakatua", (
        "Burung kakatua jambul kuning jinak", "Kukang jinak siap kirim", "Anak monyet lucu, jinak",
    ), ("Sudah jinak dan makan sendiri.", "Pengiriman aman, COD bisa.", "Tanpa surat."),
        (300, 4000), "id"),
    T("ivory", ("crafts-carvings",), "gading", (
        "Gading gajah ukir antik {cm}cm",
    ), ("Asli, bukan resin.", "Warisan keluarga."), (500, 7000), "id"),
    T("tiger_balm", ("health-beauty",), "balsem", (
        "Balsem Tiger Balm merah 30g isi {n}",
    ), ("Produk resmi, segel masih utuh.", "Untuk pegal dan sakit kepala."), (5, 40), "id"),
    T("ordinary", ("phones-tablets",), "HP", (
        "Jual HP Samsung Galaxy A{52|53|54} mulus", "iPhone {11|12} ex iBox",
    ), ("Kondisi mulus, fullset.", "Baterai masih awet.", "Bisa COD."), (100, 900), "id"),
    T("ordinary", ("bikes-scooters",), "sepeda", (
        "Jual sepeda lipat {Polygon|United}", "Motor Honda Beat 2019",
    ), ("Kondisi terawat.", "Surat lengkap.", "Harga nego tipis."), (100, 1500), "id"),
    # Vietnamese
    T("ivory", ("jewellery-accessories",), "vòng ngà", (
        "Vòng tay ngà voi thật 100%", "Nhẫn ngà voi, bảo hành trọn đời",
    ), ("Hàng thật, có vân ngà rõ ràng.", "Ship COD toàn quốc.", "Liên hệ Zalo để xem hàng."),
        (200, 3000), "vi"),
    T("horn", ("traditional-medicine",), "sừng tê giác", (
        "Sừng tê giác nguyên chất {g}g", "Bột sừng tê giác hạ sốt",
    ), ("Hàng Châu Phi, cam kết thật.", "Chữa sốt cao, giải độc gan.", "Giao hàng kín đáo."),
        (800, 15000), "vi"),
    T("medicine", ("traditional-medicine",), "cao hổ cốt", (
        "Rượu cao hổ cốt {yrs} năm", "Mật gấu nguyên chất",
    ), ("Hàng rừng, chữa đau xương khớp.", "Số lượng có hạn."), (100, 2500), "vi"),
    T("scales", ("traditional-medicine",), "vảy tê tê", (
        "Vảy tê tê khô {kg}kg",
    ), ("Hàng rừng, sạch, khô.", "Lợi sữa cho mẹ sau sinh."), (200, 5000), "vi"),
    T("plush_toy", ("toys-games",), "gấu bông", (
        "Gấu bông hổ {cm}cm", "Gấu bông cá mập dễ thương",
    ), ("Hàng mới, vải mềm.", "An toàn cho bé."), (5, 40), "vi"),
    T("ordinary", ("bikes-scooters",), "xe máy", (
        "Xe máy Honda Wave {2017|2018|2019}", "Xe đạp thể thao Giant",
    ), ("Xe đẹp, máy êm.", "Giấy tờ đầy đủ.", "Giá có thương lượng."), (200, 1500), "vi"),
    T("ordinary", ("phones-tablets",), "điện thoại", (
        "Điện thoại iPhone {12|13} cũ {128|256}GB",
    ), ("Pin {8|9}0%, máy zin.", "Bảo hành 3 tháng."), (200, 900), "vi"),
)

CLOSINGS: dict[str, tuple[str, ...]] = {
    "es": ("Precio negociable.", "Escríbeme si te interesa.", "No hago envíos."),
    "fr": ("Prix négociable.", "Contactez-moi par message.", "Pas d'échange."),
    "id": ("Minat hubungi saja.", "Harga nego.", "Serius saja ya."),
    "vi": ("Liên hệ để biết thêm.", "Giá tốt cho khách thiện chí.", "Inbox để được tư vấn."),
}
