"""Who works in the demo department and which merchants it serves."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

STAFF_DOMAIN = "latido.example"


@dataclass(frozen=True)
class StaffMember:
    name: str
    role: str
    team: str | None  # team slug; None for people over or outside the teams
    language: str = "en"
    department: str = ""  # collaborators: billing, sales

    @property
    def email(self) -> str:
        return f"{slug(self.name, '.')}@{STAFF_DOMAIN}"


# Tier 1 agents first in each team; the first of each role is the one printed as a sign-in.
STAFF: list[StaffMember] = [
    StaffMember("Lucía Romero", "lead", "payments", "es"),
    StaffMember("Tom Becker", "tier1", "payments"),
    StaffMember("Aisha Khan", "tier1", "payments"),
    StaffMember("Marek Nowak", "tier1", "payments", "pl"),
    StaffMember("Sofía Greco", "tier1", "payments", "es"),
    StaffMember("Daniel Ortiz", "tier2", "payments", "es"),
    StaffMember("Hannah Weiss", "tier2", "payments"),
    StaffMember("Priya Raman", "engineer", "payments"),
    StaffMember("Oliver Grant", "lead", "devices"),
    StaffMember("Emma Laurent", "tier1", "devices"),
    StaffMember("Jakub Wiśniewski", "tier1", "devices", "pl"),
    StaffMember("Carmen Díaz", "tier1", "devices", "es"),
    StaffMember("Noah Fischer", "tier1", "devices"),
    StaffMember("Ines Moreau", "tier2", "devices"),
    StaffMember("Kenji Sato", "tier2", "devices"),
    StaffMember("Viktor Petrov", "engineer", "devices"),
    StaffMember("Laura Smith", "engineer", "devices"),
    StaffMember("Rachel Adler", "manager", None),
    StaffMember("Diego Herrera", "coordinator", None, "es"),
    StaffMember("Alex Morgan", "admin", None),
    StaffMember("Bianca Costa", "collaborator", None, department="billing"),
    StaffMember("Samuel Reed", "collaborator", None, department="sales"),
]

TEAMS = {"payments": "Payments", "devices": "Devices"}

ORGANIZATIONS = {
    "en": [
        "Northwind Traders", "Bluebird Café", "Harbor & Pine Outfitters", "Copper Kettle Bakery",
        "Greenleaf Grocers", "Summit Bikes", "Lakeside Books", "Urban Thread Boutique",
        "Maple Street Pharmacy", "Oak & Barrel Wine Bar", "Brightside Dental", "Riverside Florist",
        "Atlas Hardware", "Pebble Beach Surf Shop", "Golden Crust Pizzeria", "Little Sprouts Toys",
        "Foxglove Tea Room", "Ironwood Gym", "Silver Spoon Catering", "Cedar Hill Farm Shop",
        "Moonlight Cinema", "Nimbus Electronics", "Parkview Pet Supplies", "Redwood Records",
        "Sunrise Yoga Studio", "Willow Lane Antiques",
    ],
    "es": [
        "Ferretería Montes", "Panadería La Espiga", "Librería Cervantes", "Bodega El Olivo",
        "Taller Ruiz Bicicletas", "Floristería Alba", "Óptica Mirador", "Café del Puerto",
    ],
    "pl": [
        "Piekarnia Złoty Kłos", "Księgarnia Pod Lipą", "Kwiaciarnia Róża", "Sklep Rowerowy Koło",
        "Kawiarnia Mokka", "Zakład Stolarski Kowalczyk",
    ],
}

FIRST_NAMES = {
    "en": ["Olivia", "James", "Amelia", "Liam", "Grace", "Henry", "Chloe", "Samuel", "Ella",
           "Jack", "Lily", "Ethan", "Ruby", "Leo", "Mia", "Owen", "Zoe", "Isaac", "Ava", "Max"],
    "es": ["Lucía", "Javier", "Carmen", "Alejandro", "Marta", "Pablo", "Elena", "Sergio",
           "Laura", "Andrés", "Paula", "Raúl"],
    "pl": ["Anna", "Piotr", "Katarzyna", "Tomasz", "Agnieszka", "Paweł", "Magdalena",
           "Michał", "Joanna", "Krzysztof"],
}

LAST_NAMES = {
    "en": ["Smith", "Jones", "Taylor", "Brown", "Walker", "Wright", "Hughes", "Clarke",
           "Hall", "Turner", "Parker", "Bennett", "Reed", "Cooper", "Morris", "Price"],
    "es": ["García", "Martínez", "López", "Sánchez", "Pérez", "Gómez", "Fernández", "Ruiz",
           "Moreno", "Navarro"],
    "pl": ["Kowalska", "Nowak", "Wiśniewski", "Wójcik", "Kamińska", "Lewandowski",
           "Zielińska", "Szymański", "Dąbrowska", "Woźniak"],
}


def slug(text: str, sep: str = "-") -> str:
    """ASCII, lower case, words joined by `sep` (for emails and domains)."""
    plain = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    ascii_text = plain.encode("ascii", "ignore").decode().lower()
    words = "".join(c if c.isalnum() else " " for c in ascii_text).split()
    return sep.join(words)


@dataclass(frozen=True)
class OrgPlan:
    name: str
    domain: str
    language: str
    shares_tickets: bool


@dataclass(frozen=True)
class CustomerPlan:
    name: str
    email: str
    language: str
    org_index: int
    has_portal_account: bool
    phone: str


def plan_organizations(rng: random.Random, count: int) -> list[OrgPlan]:
    """`count` merchants, mostly English-speaking, with Spanish and Polish ones among them."""
    pool = [(name, lang) for lang, names in ORGANIZATIONS.items() for name in names]
    rng.shuffle(pool)
    plans = []
    for i in range(count):
        name, lang = pool[i % len(pool)]
        if i >= len(pool):
            name = f"{name} {i // len(pool) + 1}"
        # Every fourth organization shares tickets among its members (e.g. a shop's staff).
        plans.append(OrgPlan(name=name, domain=f"{slug(name)}.example", language=lang,
                             shares_tickets=i % 4 == 0))
    return plans


def plan_customers(rng: random.Random, orgs: list[OrgPlan], count: int) -> list[CustomerPlan]:
    """`count` people spread over the organizations (each gets at least one)."""
    assignment = [i % len(orgs) for i in range(count)]
    rng.shuffle(assignment)
    used: set[str] = set()
    plans = []
    for n, org_index in enumerate(assignment):
        org = orgs[org_index]
        lang = org.language
        first, last = rng.choice(FIRST_NAMES[lang]), rng.choice(LAST_NAMES[lang])
        local = slug(f"{first} {last}", ".")
        email = f"{local}@{org.domain}"
        while email in used:
            email = f"{local}{rng.randint(2, 99)}@{org.domain}"
        used.add(email)
        prefix = {"en": "+1 555", "es": "+34 91", "pl": "+48 22"}[lang]
        plans.append(CustomerPlan(
            name=f"{first} {last}", email=email, language=lang, org_index=org_index,
            has_portal_account=n % 5 != 4,  # four in five use the portal
            phone=f"{prefix} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
        ))
    return plans
