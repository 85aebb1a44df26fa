"""The demo's people and what they say, in English and Finnish; two Swedish-speaking newcomers
(see ``app.demo.seed``) and the friends promoters referred."""

CUSTOMERS = [
    ("Aino Virtanen", "fi"), ("Olivia Smith", "en"), ("Eero Korhonen", "fi"),
    ("James Brown", "en"), ("Helmi Mäkinen", "fi"), ("Amelia Wilson", "en"),
    ("Juha Nieminen", "fi"), ("Oliver Taylor", "en"), ("Kaisa Mäkelä", "fi"),
    ("Isla Johnson", "en"), ("Lauri Hämäläinen", "fi"), ("Harry Davies", "en"),
    ("Mikko Laine", "fi"), ("Emily Evans", "en"), ("Noora Heikkinen", "fi"),
    ("George Thomas", "en"), ("Otto Koskinen", "fi"), ("Sophie Roberts", "en"),
    ("Sanna Järvinen", "fi"), ("Jack Walker", "en"), ("Teemu Lehtonen", "fi"),
    ("Grace Wright", "en"), ("Veera Lehtinen", "fi"), ("Charlie Green", "en"),
    ("Ville Saarinen", "fi"), ("Chloe Hall", "en"), ("Emilia Salminen", "fi"),
    ("Thomas Wood", "en"), ("Antti Heinonen", "fi"), ("Lucy Clarke", "en"),
    ("Laura Niemi", "fi"), ("Daniel Hughes", "en"), ("Matti Kinnunen", "fi"),
    ("Mia Edwards", "en"), ("Riikka Turunen", "fi"), ("Samuel Turner", "en"),
    ("Jussi Salonen", "fi"), ("Ella Baker", "en"), ("Elina Rantanen", "fi"),
    ("Noah Harris", "en"), ("Aleksi Virta", "fi"), ("Ruby Morris", "en"),
    ("Iida Koivisto", "fi"), ("Alfie Cooper", "en"), ("Pekka Lindholm", "fi"),
    ("Freya Ward", "en"), ("Minna Aaltonen", "fi"), ("Leo Bennett", "en"),
    ("Tuomas Heikkilä", "fi"), ("Evie Cox", "en"), ("Anni Karjalainen", "fi"),
    ("Oscar Price", "en"), ("Jari Mattila", "fi"), ("Poppy Reed", "en"),
    ("Heidi Räsänen", "fi"), ("Archie Gray", "en"), ("Satu Laaksonen", "fi"),
    ("Harriet Fox", "en"), ("Kalle Miettinen", "fi"), ("Max Ellis", "en"),
]  # fmt: skip

# The friends promoters brought: each signs up through a referral link (a conversion).
REFERRED = (
    ("Linnea Berg", "sv"), ("Tom Fletcher", "en"), ("Onni Kallio", "fi"),
    ("Maisie Hunt", "en"), ("Eino Lahtinen", "fi"), ("Rosie Marsh", "en"),
    ("Aada Peltonen", "fi"), ("Finley Shaw", "en"),
)  # fmt: skip

COMMENTS = {
    "nps": {
        "bad": {
            "en": [
                "The app has been down three times this month and nobody told us. "
                "We are looking at alternatives.",
                "Billing charged us twice and support took a week to answer. Really disappointed.",
                "Far too expensive for what it does, and the price went up again without warning.",
                "Your support never answers. My ticket has been open for two weeks!",
                "Slow, buggy, and the last update broke our exports. Terrible.",
            ],
            "fi": [
                "Palvelu on ollut hidas ja kaatuilee jatkuvasti. Todella huono kokemus.",
                "Laskutus meni taas väärin eikä asiakaspalvelu vastaa. Harkitsemme vaihtamista.",
                "Aivan liian kallis, ja hinta nousi taas ilman ilmoitusta.",
                "Tukeen ei saa yhteyttä, tiketti on ollut auki kaksi viikkoa. Surkeaa.",
            ],
        },
        "mid": {
            "en": [
                "It does the job, but the reporting could be a lot better.",
                "Good product overall; onboarding was a bit confusing.",
                "Fine for now. We are missing a proper mobile app.",
                "Search & filters get slow on large accounts.",
            ],
            "fi": [
                "Ihan toimiva, mutta raportit voisivat olla selkeämpiä.",
                "Hyvä tuote, mutta käyttöönotto oli vähän sekava.",
                "Toimii, mutta mobiilisovellus puuttuu vielä.",
            ],
        },
        "good": {
            "en": [
                "Love it! The support team solved my issue in minutes.",
                "Easy to use and the new dashboard is great. Already recommended it to two "
                "colleagues.",
                "Best tool we have bought this year. Setup took one afternoon.",
                "Fantastic service, fast and friendly support.",
            ],
            "fi": [
                "Erinomainen palvelu, tuki vastasi heti ja ongelma ratkesi.",
                "Helppokäyttöinen ja nopea. Suosittelen lämpimästi!",
                "Todella hyvä tuote, käyttöönotto sujui vaivattomasti.",
                "Loistava asiakaspalvelu, kiitos!",
            ],
        },
    },
    "csat": {
        "bad": {
            "en": [
                "The agent did not understand my problem and closed the ticket without fixing it.",
                "Three days to get a reply, and the answer was wrong. Awful.",
            ],
            "fi": [
                "Asiakaspalvelija ei ymmärtänyt ongelmaani ja sulki tiketin. Huonoa palvelua.",
                "Vastausta piti odottaa kolme päivää, ja se oli väärä.",
            ],
        },
        "mid": {
            "en": ["Got an answer eventually, but it took three emails."],
            "fi": ["Vastaus tuli lopulta, mutta siihen meni kolme päivää."],
        },
        "good": {
            "en": [
                "Quick and helpful answer, thank you!",
                "Sarah was great: clear, friendly and fast.",
            ],
            "fi": [
                "Nopea ja ystävällinen palvelu, kiitos!",
                "Sain heti selkeän vastauksen. Hyvää työtä!",
            ],
        },
    },
}


# The support team: (email, name, role); the admin is made separately.
STAFF = (
    ("aino@kaiku.example", "Aino Agent", "agent"),
    ("mikko@kaiku.example", "Mikko Agent", "agent"),
    ("sanna@kaiku.example", "Sanna Analyst", "analyst"),
)

# Customers who join during the demo: (external_id, email, name, locale, time zone, plan,
# [(event, minutes ago, properties)]). Their events are evaluated when the demo is seeded.
NEWCOMERS = (
    (
        "demo-new-1",
        "olivia.hart@example.com",
        "Olivia Hart",
        "en",
        "Europe/London",
        "pro",
        [
            ("signed_up", 20 * 24 * 60, {"source": "website"}),
            ("onboarding_completed", 2 * 24 * 60, {"agent": "aino@kaiku.example"}),
            ("support_ticket_closed", 30, {"ticket": "T-4821", "agent": "mikko@kaiku.example"}),
        ],
    ),
    (
        "demo-new-2",
        "veera.lahti@example.com",
        "Veera Lahti",
        "fi",
        "Europe/Helsinki",
        "business",
        [
            ("signed_up", 16 * 24 * 60, {"source": "partner"}),
            ("onboarding_completed", 24 * 60, {"agent": "aino@kaiku.example"}),
        ],
    ),
    (
        "demo-new-3",
        "elsa.lindqvist@example.com",
        "Elsa Lindqvist",
        "sv-FI",
        "Europe/Helsinki",
        "pro",
        [
            ("signed_up", 18 * 24 * 60, {"source": "website"}),
            ("onboarding_completed", 60, {"agent": "aino@kaiku.example"}),
        ],
    ),
    (
        "demo-new-4",
        "johan.nyberg@example.com",
        "Johan Nyberg",
        "sv",
        "Europe/Helsinki",
        "business",
        [("signed_up", 3 * 24 * 60, {"source": "partner"})],
    ),
)
