//! The kinds of vendor the synthetic company buys from (the account each is coded to, the
//! phrases its bills use and the accounts they switch to) and the words vendor names are made of.

/// A kind of vendor: the account it is normally coded to, the phrases its bills use (with the
/// account a phrase switches to), and the account large amounts go to.
pub(super) struct Kind {
    pub(super) name: &'static str,
    pub(super) account: &'static str,
    pub(super) phrases: &'static [(&'static str, Option<&'static str>)],
    pub(super) large: Option<(i64, &'static str)>,
    /// Typical amount in whole currency units.
    pub(super) typical: i64,
}

pub(super) const KINDS: &[Kind] = &[
    Kind {
        name: "Office Supply",
        account: "6010",
        phrases: &[
            ("printer paper and toner", None),
            ("office stationery", None),
            ("desk chairs", Some("1510")),
            ("shipping and handling", Some("6810")),
        ],
        large: Some((1500, "1510")),
        typical: 180,
    },
    Kind {
        name: "Software",
        account: "6110",
        phrases: &[
            ("annual software subscription", None),
            ("user licences renewal", None),
            ("cloud hosting usage", Some("6120")),
            ("implementation services", Some("6610")),
        ],
        large: None,
        typical: 900,
    },
    Kind {
        name: "Cloud",
        account: "6120",
        phrases: &[
            ("compute instances", None),
            ("storage and bandwidth", None),
            ("managed database", None),
        ],
        large: None,
        typical: 2400,
    },
    Kind {
        name: "Airline",
        account: "6210",
        phrases: &[
            ("flight ticket", None),
            ("baggage fee", None),
            ("seat upgrade", None),
        ],
        large: None,
        typical: 650,
    },
    Kind {
        name: "Hotel",
        account: "6220",
        phrases: &[
            ("hotel accommodation", None),
            ("room and breakfast", None),
            ("conference room hire", Some("6420")),
        ],
        large: None,
        typical: 420,
    },
    Kind {
        name: "Catering",
        account: "6230",
        phrases: &[
            ("team lunch", None),
            ("client dinner", Some("6240")),
            ("event catering", Some("6420")),
        ],
        large: None,
        typical: 260,
    },
    Kind {
        name: "Consulting",
        account: "6610",
        phrases: &[
            ("consulting services", None),
            ("advisory retainer", None),
            ("travel expenses rebilled", Some("6210")),
        ],
        large: None,
        typical: 5200,
    },
    Kind {
        name: "Legal",
        account: "6620",
        phrases: &[
            ("legal fees", None),
            ("contract review", None),
            ("trademark filing", Some("6630")),
        ],
        large: None,
        typical: 3100,
    },
    Kind {
        name: "Accounting",
        account: "6640",
        phrases: &[
            ("audit fees", None),
            ("tax advisory", Some("6650")),
            ("bookkeeping services", None),
        ],
        large: None,
        typical: 2800,
    },
    Kind {
        name: "Telecom",
        account: "6710",
        phrases: &[
            ("mobile phone plan", None),
            ("internet service", Some("6720")),
            ("handset purchase", Some("6010")),
        ],
        large: Some((1200, "1510")),
        typical: 310,
    },
    Kind {
        name: "Utilities",
        account: "6410",
        phrases: &[
            ("electricity", None),
            ("water and sewer", Some("6411")),
            ("natural gas", Some("6412")),
        ],
        large: None,
        typical: 980,
    },
    Kind {
        name: "Landlord",
        account: "6310",
        phrases: &[
            ("monthly office rent", None),
            ("service charge", Some("6320")),
            ("parking spaces", Some("6330")),
        ],
        large: None,
        typical: 8500,
    },
    Kind {
        name: "Marketing",
        account: "6510",
        phrases: &[
            ("online advertising", None),
            ("trade show booth", Some("6520")),
            ("printed brochures", Some("6530")),
        ],
        large: None,
        typical: 3300,
    },
    Kind {
        name: "Hardware",
        account: "6020",
        phrases: &[
            ("laptop accessories", None),
            ("monitors", None),
            ("server equipment", Some("1520")),
            ("freight charges", Some("6810")),
        ],
        large: Some((2000, "1520")),
        typical: 750,
    },
    Kind {
        name: "Recruiting",
        account: "6910",
        phrases: &[
            ("placement fee", None),
            ("job board posting", Some("6920")),
            ("background checks", Some("6930")),
        ],
        large: None,
        typical: 4100,
    },
    Kind {
        name: "Insurance",
        account: "6840",
        phrases: &[
            ("liability insurance premium", None),
            ("property insurance", Some("6841")),
            ("cyber insurance", Some("6842")),
        ],
        large: None,
        typical: 2600,
    },
    Kind {
        name: "Logistics",
        account: "6810",
        phrases: &[
            ("courier delivery", None),
            ("pallet freight", None),
            ("customs duties", Some("6820")),
        ],
        large: None,
        typical: 540,
    },
    Kind {
        name: "Maintenance",
        account: "6340",
        phrases: &[
            ("cleaning services", None),
            ("hvac repair", Some("6350")),
            ("waste removal", Some("6360")),
        ],
        large: None,
        typical: 690,
    },
    Kind {
        name: "Training",
        account: "6950",
        phrases: &[
            ("training course", None),
            ("certification exam", Some("6960")),
            ("conference tickets", Some("6970")),
        ],
        large: None,
        typical: 1200,
    },
    Kind {
        name: "Materials",
        account: "5010",
        phrases: &[
            ("raw materials", None),
            ("components batch", Some("5020")),
            ("packaging materials", Some("5030")),
        ],
        large: None,
        typical: 6400,
    },
    Kind {
        name: "Contractor",
        account: "5110",
        phrases: &[
            ("subcontracted labour", None),
            ("installation work", Some("5120")),
            ("site survey", Some("5130")),
        ],
        large: None,
        typical: 4800,
    },
    Kind {
        name: "Bank",
        account: "6850",
        phrases: &[
            ("bank charges", None),
            ("card processing fees", Some("6860")),
            ("wire transfer fee", None),
        ],
        large: None,
        typical: 140,
    },
];

pub(super) const WORDS_A: &[&str] = &[
    "Acme",
    "Northwind",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Tyrell",
    "Soylent",
    "Hooli",
    "Vandelay",
    "Cyberdyne",
    "Wonka",
    "Gringotts",
    "Oscorp",
    "Aperture",
    "Blue Sun",
    "Monarch",
    "Pied Piper",
    "Dunder",
    "Sterling",
    "Prestige",
    "Massive",
    "Vehement",
    "Zorg",
];
pub(super) const WORDS_B: &[&str] = &[
    "Partners",
    "Group",
    "Supply",
    "Systems",
    "Services",
    "Labs",
    "Works",
    "Holdings",
    "Solutions",
    "Trading",
    "Direct",
    "Associates",
];
