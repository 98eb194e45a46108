"""A realistic demo network: cafés in several departments, a team and a resident each."""

from datetime import time, timedelta

from sqlalchemy import select

from .extensions import db
from .models import Cafe, CafeService, HoursException, Membership, Role, User, WeeklyHours, utcnow

DEMO_PASSWORD = "comptoir-demo"
ADMIN_EMAIL = "reseau@example.org"

# (slug, short name for emails, café name, village, postcode, department, zone, address, phone, services)
DEMO_CAFES = [
    (
        "saint-jean-de-cole", "saint-jean", "Le Café de la Place", "Saint-Jean-de-Côle", "24800",
        "Dordogne", "Europe/Paris", "2 place du Château", "+33553620000",
        ["post_relay", "bread_depot", "grocery", "digital_point", "newspapers"],
    ),
    (
        "lagrasse", "lagrasse", "L’Épicerie-Café du Lavoir", "Lagrasse", "11220",
        "Aude", "Europe/Paris", "14 rue du Lavoir", "+33468430000",
        ["bread_depot", "grocery", "digital_point", "meals", "wifi"],
    ),
    (
        "melisey", "melisey", "Au Bon Accueil", "Mélisey", "70270",
        "Haute-Saône", "Europe/Paris", "1 Grande Rue", "+33384200000",
        ["post_relay", "parcel_pickup", "digital_point", "library"],
    ),
    (
        "cilaos", "cilaos", "Le Kiosque de Cilaos", "Cilaos", "97413",
        "La Réunion", "Indian/Reunion", "40 rue du Père Boiteau", "+262262310000",
        ["bread_depot", "digital_point", "meals", "wifi"],
    ),
]

DEMO_ROLES = [
    ("manager", Role.MANAGER, "Gérant·e"),
    ("staff", Role.STAFF, "Serveur·se"),
    ("moderator", Role.MODERATOR, "Modérateur·rice"),
    ("helper", Role.HELPER, "Aidant·e numérique"),
    ("resident", None, "Habitant·e"),
]

FIRST_NAMES = {
    "saint-jean": ["Martine", "Karim", "Sylvie", "Paul", "Jeannette"],
    "lagrasse": ["Nadia", "Julien", "Odile", "Hugo", "Marcel"],
    "melisey": ["Claire", "Thierry", "Josiane", "Léo", "Germaine"],
    "cilaos": ["Aline", "Johnny", "Marie-Claude", "Kevin", "Raymonde"],
}


def _usual_week() -> list[tuple[int, time, time]]:
    week = []
    for weekday in range(6):  # Monday to Saturday, closed on Sunday afternoon only
        week.append((weekday, time(7, 30), time(12, 30)))
        if weekday != 2:  # Wednesday afternoon off
            week.append((weekday, time(15, 0), time(19, 30)))
    week.append((6, time(8, 0), time(12, 30)))
    return week


def demo_logins() -> list[dict]:
    logins = [{"email": ADMIN_EMAIL, "password": DEMO_PASSWORD, "role": "network_admin", "cafe": None}]
    for slug, short, *_ in DEMO_CAFES:
        for role_key, _role, _title in DEMO_ROLES:
            logins.append(
                {"email": f"{role_key}.{short}@example.org", "password": DEMO_PASSWORD, "role": role_key, "cafe": slug}
            )
    return logins


def seed_demo() -> bool:
    """Create the demo network in an empty database; False if there was already data."""
    if db.session.scalar(select(Cafe.id).limit(1)) is not None:
        return False
    admin = User(email=ADMIN_EMAIL, display_name="Équipe réseau", is_network_admin=True)
    admin.set_password(DEMO_PASSWORD)
    db.session.add(admin)
    today = utcnow().date()
    for slug, short, name, village, postcode, department, zone, address, phone, services in DEMO_CAFES:
        cafe = Cafe(
            slug=slug, name=name, village=village, postcode=postcode, department=department,
            timezone=zone, address=address, phone=phone, email=f"contact.{short}@example.org",
            description=(
                f"Le café multiservice de {village} : on y boit un café, on y retire ses colis, "
                "on y trouve du pain frais et de l’aide pour ses démarches en ligne."
            ),
        )
        cafe.refresh_search_text()
        cafe.services = [CafeService(key=key) for key in services]
        cafe.weekly_hours = [WeeklyHours(weekday=d, opens=o, closes=c) for d, o, c in _usual_week()]
        cafe.hours_exceptions = [
            HoursException(day=today + timedelta(days=9), closed=True, label="Fermeture exceptionnelle"),
            HoursException(
                day=today + timedelta(days=16), closed=False, opens=time(10, 0), closes=time(1, 0),
                label="Fête du village",
            ),
        ]
        db.session.add(cafe)
        for (role_key, role, title), first_name in zip(DEMO_ROLES, FIRST_NAMES[short], strict=True):
            user = User(email=f"{role_key}.{short}@example.org", display_name=f"{first_name} ({title})")
            user.set_password(DEMO_PASSWORD)
            db.session.add(user)
            if role is not None:
                db.session.add(Membership(cafe=cafe, user=user, role=role))
    db.session.commit()
    return True
