"""A realistic demo network: cafés in several departments, a team and a resident each."""

import contextlib
import secrets
from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update

from .extensions import db
from .models import (
    Cafe,
    CafeService,
    HoursException,
    Membership,
    ModerationDecision,
    ModerationSettings,
    Notice,
    NoticeCategory,
    NoticeStatus,
    Report,
    ReportReason,
    Role,
    User,
    WeeklyHours,
    utcnow,
)

DEMO_PASSWORD = "comptoir-demo"
ADMIN_EMAIL = "reseau@example.org"

# (slug, short name for emails, café name, village, postcode, department, zone, address, phone, services)
DEMO_CAFES = [
    (
        "saint-jean-de-cole",
        "saint-jean",
        "Le Café de la Place",
        "Saint-Jean-de-Côle",
        "24800",
        "Dordogne",
        "Europe/Paris",
        "2 place du Château",
        "+33553620000",
        ["post_relay", "bread_depot", "grocery", "digital_point", "newspapers"],
    ),
    (
        "lagrasse",
        "lagrasse",
        "L’Épicerie-Café du Lavoir",
        "Lagrasse",
        "11220",
        "Aude",
        "Europe/Paris",
        "14 rue du Lavoir",
        "+33468430000",
        ["bread_depot", "grocery", "digital_point", "meals", "wifi"],
    ),
    (
        "melisey",
        "melisey",
        "Au Bon Accueil",
        "Mélisey",
        "70270",
        "Haute-Saône",
        "Europe/Paris",
        "1 Grande Rue",
        "+33384200000",
        ["post_relay", "parcel_pickup", "digital_point", "library"],
    ),
    (
        "cilaos",
        "cilaos",
        "Le Kiosque de Cilaos",
        "Cilaos",
        "97413",
        "La Réunion",
        "Indian/Reunion",
        "40 rue du Père Boiteau",
        "+262262310000",
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
                {
                    "email": f"{role_key}.{short}@example.org",
                    "password": DEMO_PASSWORD,
                    "role": role_key,
                    "cafe": slug,
                }
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
            slug=slug,
            name=name,
            village=village,
            postcode=postcode,
            department=department,
            timezone=zone,
            address=address,
            phone=phone,
            email=f"contact.{short}@example.org",
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
                day=today + timedelta(days=16),
                closed=False,
                opens=time(10, 0),
                closes=time(1, 0),
                label="Fête du village",
            ),
        ]
        db.session.add(cafe)
        people = {}
        for (role_key, role, title), first_name in zip(DEMO_ROLES, FIRST_NAMES[short], strict=True):
            # Staff show their role so the demo says who is who; a resident is just a neighbour.
            shown = first_name if role is None else f"{first_name} ({title})"
            user = User(email=f"{role_key}.{short}@example.org", display_name=shown)
            user.set_password(DEMO_PASSWORD)
            db.session.add(user)
            people[role_key] = user
            if role is not None:
                db.session.add(Membership(cafe=cafe, user=user, role=role))
        db.session.flush()
        seed_noticeboard(cafe, people)
        seed_demo_events(cafe, cafe.today())
    # Demo accounts have confirmed their address (they may post at once).
    db.session.execute(update(User).values(email_confirmed_at=utcnow()))
    db.session.commit()
    for cafe in db.session.scalars(select(Cafe).order_by(Cafe.id)):
        seed_demo_help(cafe)
        seed_demo_impact(cafe)
        seed_demo_shop(cafe)
    return True


def seed_demo_shop(cafe: Cafe) -> None:
    """The bread a depot café sells, and a few parcels waiting at its counter."""
    from .blueprints.orders import services as orders
    from .models import Parcel, Product

    keys = cafe.service_keys
    if "bread_depot" in keys:
        products = [
            Product(cafe_id=cafe.id, name="Baguette", price_cents=110, daily_quantity=40, position=0),
            Product(
                cafe_id=cafe.id,
                name="Tradition",
                price_cents=130,
                daily_quantity=30,
                weekdays="123456",
                position=1,
            ),
            Product(cafe_id=cafe.id, name="Pain de campagne", price_cents=320, daily_quantity=8, position=2),
            Product(cafe_id=cafe.id, name="Croissant", price_cents=120, daily_quantity=24, position=3),
        ]
        db.session.add_all(products)
        db.session.commit()
        days = orders.open_days(cafe)
        for day, name, phone, quantities in [
            (0, "Mme Lacombe", "+33553000011", {products[0].id: 2}),
            (0, "M. Delpech", "+33612345011", {products[1].id: 1, products[3].id: 4}),
            (1, "Mme Lacombe", "+33553000011", {products[0].id: 2}),
        ]:
            if day < len(days):
                with contextlib.suppress(orders.OrderRefused):
                    orders.place_order(cafe, days[day].day, quantities, name=name, phone=phone, actor=None)
    if "post_relay" in keys or "parcel_pickup" in keys:
        today = cafe.today()
        db.session.add_all(
            [
                Parcel(
                    cafe_id=cafe.id,
                    recipient="Louise Marty",
                    phone="+33553000021",
                    carrier="mondial_relay",
                    keep_until=today + timedelta(days=4),
                ),
                Parcel(
                    cafe_id=cafe.id,
                    recipient="Henri Vergne",
                    email="henri.vergne@example.org",
                    carrier="la_poste",
                    keep_until=today + timedelta(days=1),
                    notified_at=utcnow(),
                ),
            ]
        )
        db.session.commit()


def seed_noticeboard(cafe: Cafe, people: dict[str, User]) -> None:
    """A board with notices in every state: on the board, waiting, reported and hidden,
    reported but still up, rejected, expired and withdrawn.

    The resident has one approved notice: still a new poster (two are needed), so what
    they post next waits in the queue, as the demo of moderation wants.
    """
    now = utcnow()
    today = cafe.local_day(now)
    resident, staff, moderator = people["resident"], people["staff"], people["moderator"]
    db.session.add(ModerationSettings(cafe_id=cafe.id, blocked_words="casino\ncrypto"))
    # The scam comes from a fresh account of its own, as scams do (not from the café's team).
    spammer = User(email=f"gains.{cafe.slug}@example.net", display_name="Gains Faciles")
    spammer.set_password(secrets.token_urlsafe(24))
    db.session.add(spammer)
    db.session.flush()

    def notice(
        title,
        body,
        category,
        status=NoticeStatus.PUBLISHED,
        author=None,
        on_behalf_of="",
        days_ago=1,
        expires_in=13,
        phone="",
        **extra,
    ):
        created = now - timedelta(days=days_ago)
        item = Notice(
            cafe_id=cafe.id,
            author_id=author.id if author else None,
            on_behalf_of=on_behalf_of,
            posted_by_id=(author or staff).id,
            title=title,
            body=body,
            category=category,
            expires_on=today + timedelta(days=expires_in),
            relay_contact=author is not None,
            contact_phone=phone,
            status=status,
            created_at=created,
            updated_at=created,
            published_at=created if status != NoticeStatus.PENDING else None,
            **extra,
        )
        db.session.add(item)
        return item

    notice(
        "Donne vélo enfant 16 pouces",
        "Vélo rouge avec petites roues, un peu rouillé mais il roule très bien.\n"
        "À venir chercher le samedi matin. Plus de photos : https://exemple.org/velo",
        NoticeCategory.GIVE_AWAY,
        author=resident,
        days_ago=2,
        approved_at=now - timedelta(days=2),
        approved_by_id=moderator.id,
    )
    notice(
        "Covoiturage pour le marché du jeudi",
        "Je descends au marché tous les jeudis vers 8 h 30, deux places libres.\nParticipation libre.",
        NoticeCategory.CARPOOL,
        on_behalf_of="Mme Delpech",
        phone="+33553620101",
        days_ago=3,
    )
    notice(
        "Chorale : on cherche des voix",
        "La chorale du village reprend les répétitions le mardi à 18 h à la salle des fêtes.\n"
        "Débutants bienvenus !",
        NoticeCategory.ASSOCIATION,
        on_behalf_of="Comité des fêtes",
        days_ago=5,
        expires_in=40,
    )
    notice(
        "Chat tigré perdu près du lavoir",
        "Notre chat Filou, tigré avec un collier bleu, n’est pas rentré depuis lundi.\n"
        "Merci de regarder dans vos granges.",
        NoticeCategory.LOST_FOUND,
        author=resident,
        days_ago=1,
    )
    reported = notice(
        "Tonte de pelouse pas chère",
        "Je tonds vos pelouses, tarifs imbattables, appelez vite.",
        NoticeCategory.SERVICES,
        author=people["helper"],
        days_ago=2,
    )
    notice(
        "Cherche bois de chauffage",
        "Je cherche deux stères de chêne sec, livrés si possible avant l’hiver.",
        NoticeCategory.LOOKING_FOR,
        status=NoticeStatus.PENDING,
        author=resident,
        days_ago=0,
        held_because="new_poster",
    )
    hidden = notice(
        "Gagnez de l’argent facilement",
        "Investissez dans notre casino en ligne, gains garantis !",
        NoticeCategory.OTHER,
        author=spammer,
        days_ago=1,
        hidden=True,
        hidden_at=now - timedelta(hours=5),
    )
    rejected = notice(
        "Vends voiture",
        "Vends voiture, prix à débattre, appeler le soir.",
        NoticeCategory.OTHER,
        status=NoticeStatus.REJECTED,
        author=resident,
        days_ago=6,
        reject_reason="Les ventes de véhicules ne sont pas acceptées sur ce tableau.",
    )
    notice(
        "Perdu trousseau de clés",
        "Trousseau avec un porte-clés en forme de sardine, perdu à la fête du village.",
        NoticeCategory.LOST_FOUND,
        author=resident,
        days_ago=30,
        expires_in=-3,
    )
    notice(
        "Donne chaton",
        "Un chaton de deux mois cherche une famille.",
        NoticeCategory.GIVE_AWAY,
        status=NoticeStatus.WITHDRAWN,
        author=resident,
        days_ago=8,
    )
    db.session.flush()
    db.session.add(
        Report(
            cafe_id=cafe.id,
            notice_id=reported.id,
            reporter_id=resident.id,
            reporter_key=f"u:{resident.id}",
            reason=ReportReason.SPAM,
            note="Déjà vu sur trois autres panneaux.",
        )
    )
    for key in ("resident", "staff", "helper"):
        user = people[key]
        db.session.add(
            Report(
                cafe_id=cafe.id,
                notice_id=hidden.id,
                reporter_id=user.id,
                reporter_key=f"u:{user.id}",
                reason=ReportReason.SCAM,
            )
        )
    db.session.add_all(
        [
            ModerationDecision(
                cafe_id=cafe.id,
                action="auto_hidden",
                notice_id=hidden.id,
                subject_user_id=people["manager"].id,
                created_at=now - timedelta(hours=5),
            ),
            ModerationDecision(
                cafe_id=cafe.id,
                action="rejected",
                notice_id=rejected.id,
                subject_user_id=resident.id,
                actor_id=moderator.id,
                reason=rejected.reject_reason,
                created_at=now - timedelta(days=6),
            ),
        ]
    )


def seed_demo_events(cafe: Cafe, today: date) -> None:
    """A realistic month at the café: weekly belote (one evening cancelled), a monthly market,
    a concert with seats, digital workshops, a meal, an association meeting."""
    from .blueprints.events.recurrence import nth_weekday_of_month, to_utc
    from .models import Event, EventCategory, EventOccurrenceOverride, Recurrence

    zone = cafe.zone

    def on(weekday: int, weeks_ahead: int = 0) -> date:
        return today + timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)

    def event(day: date, start: time, hours: float, **fields) -> Event:
        local = datetime.combine(day, start)
        made = Event(
            cafe=cafe,
            starts_at=to_utc(local, zone),
            ends_at=to_utc(local + timedelta(hours=hours), zone),
            **fields,
        )
        db.session.add(made)
        return made

    belote_day = on(3)  # Thursday evenings
    belote = event(
        belote_day,
        time(20, 0),
        3,
        title="Concours de belote",
        category=EventCategory.CARDS,
        description="Tous les jeudis, concours de belote en équipes tirées au sort.\n"
        "Inscription sur place dès 19 h 30. Lots pour les trois premières équipes.",
        price="3 € par joueur",
        recurrence=Recurrence.WEEKLY,
        repeat_count=12,
        accessibility="Salle de plain-pied, toilettes accessibles.",
    )
    db.session.flush()
    second = to_utc(datetime.combine(belote_day + timedelta(days=7), time(20, 0)), zone)
    belote.overrides.append(
        EventOccurrenceOverride(
            cafe_id=cafe.id,
            original_start=second,
            cancelled=True,
            reason="La salle accueille le repas des aînés ce soir-là.",
        )
    )
    market_day = on(6, 1)  # a Sunday morning, then the same Sunday of each month
    event(
        market_day,
        time(8, 30),
        4,
        title="Marché des producteurs",
        category=EventCategory.MARKET,
        description="Légumes, fromages, miel et pain au levain des fermes alentour.\n"
        "Plus d’informations : https://example.org/marche-producteurs",
        for_all_ages=True,
        recurrence=Recurrence.MONTHLY,
        monthly_week=nth_weekday_of_month(datetime.combine(market_day, time(8, 30))),
        repeat_count=6,
    )
    event(
        on(5, 1),
        time(20, 30),
        2,
        title="Concert : chansons françaises au comptoir",
        category=EventCategory.CONCERT,
        description="Le duo Les Cousins reprend Brassens, Barbara et Souchon.\nChapeau pour les musiciens.",
        price="8 €",
        rsvp_enabled=True,
        capacity=40,
        for_all_ages=True,
        accessibility="Places assises réservées aux personnes à mobilité réduite ; "
        "boucle magnétique au comptoir.",
    )
    event(
        on(1),
        time(14, 0),
        2,
        title="Atelier numérique : mes démarches en ligne",
        category=EventCategory.DIGITAL,
        description="Créer son compte Ameli, déclarer ses impôts, prendre un rendez-vous médical.\n"
        "Apportez votre téléphone ou votre tablette ; le café prête des tablettes.",
        rsvp_enabled=True,
        capacity=6,
        recurrence=Recurrence.BIWEEKLY,
        repeat_count=4,
    )
    event(
        on(4, 2),
        time(12, 0),
        2.5,
        title="Repas partagé des aînés",
        category=EventCategory.MEAL,
        description="Un repas simple et chaleureux : potage, blanquette, tarte aux pommes.",
        price="12 €, boisson comprise",
        rsvp_enabled=True,
        capacity=24,
    )
    event(
        on(2, 1),
        time(18, 30),
        1.5,
        title="Réunion du comité des fêtes",
        category=EventCategory.ASSOCIATION,
        description="Préparation de la fête du village. Toutes les idées sont bienvenues !",
    )
    event(
        on(3, 1),
        time(10, 0),
        2,
        title="Atelier tricot et papotage",
        category=EventCategory.WORKSHOP,
        description="Laine et aiguilles fournies. Débutants bienvenus.",
        for_all_ages=True,
        at_cafe=False,
        place="Salle des fêtes, à côté de la mairie",
    )


HELP_TOPICS = [
    ("Impôts en ligne", 45, "Votre numéro fiscal et votre dernier avis d’imposition."),
    ("Assurance maladie (ameli)", 30, "Votre carte Vitale et votre numéro de sécurité sociale."),
    (
        "Carte d’identité, passeport, permis de conduire",
        45,
        "Une pièce d’identité, un justificatif de domicile et une adresse e-mail si vous en avez une.",
    ),
    (
        "Chercher un emploi (France Travail)",
        60,
        "Votre identifiant France Travail et votre CV si vous en avez un.",
    ),
    ("Appel vidéo avec la famille", 30, "Votre téléphone ou votre tablette, chargé."),
    (
        "Se servir de son smartphone",
        30,
        "Votre téléphone, chargé, et ses codes (PIN, compte Google ou Apple).",
    ),
    ("Autre démarche", 30, "Les courriers ou documents qui concernent votre démarche."),
]

DEMO_PEOPLE = [
    ("Raymonde Lacoste", "+33553621845", ""),
    ("Gérard Puyjalon", "+33553524417", ""),
    ("Yvette Mazeau", "+33612457890", "yvette.mazeau@example.org"),
    ("Bernard Chassaing", "+33553906512", ""),
    ("Simone Delpech", "+33553413378", "simone.delpech@example.org"),
    ("Jean-Pierre Faure", "+33687542219", ""),
    ("Fatima Benali", "+33645128803", "fatima.benali@example.org"),
    ("Lucien Mondot", "+33553085541", ""),
    ("Paulette Rivière", "", "paulette.riviere@example.org"),
    ("Kévin Lagarde", "+33766231458", ""),
]


def seed_demo_help(cafe: Cafe) -> None:
    """Digital help for one demo café: topics, the helpers' week, absences and a week of bookings."""
    import random

    from .blueprints.bookings.services import CODE_LENGTH
    from .blueprints.bookings.slots import candidate_slots, expand_periods
    from .codes import CODE_ALPHABET
    from .models import AvailabilityRule, Booking, CafeBookingSettings, Closure, ExtraOpening, HelpTopic, Slot

    members = {
        m.role: m.user for m in db.session.scalars(select(Membership).where(Membership.cafe_id == cafe.id))
    }
    helper, manager, staff = members[Role.HELPER], members[Role.MANAGER], members[Role.STAFF]
    topics = [
        HelpTopic(cafe=cafe, name=name, duration_minutes=minutes, what_to_bring=bring, position=n)
        for n, (name, minutes, bring) in enumerate(HELP_TOPICS)
    ]
    db.session.add_all(topics)
    db.session.add(
        CafeBookingSettings(cafe_id=cafe.id, window_days=30, min_notice_hours=2, cancel_notice_hours=4)
    )
    rules = [
        AvailabilityRule(cafe=cafe, helper=helper, weekday=1, starts=time(9, 30), ends=time(12, 0)),
        AvailabilityRule(cafe=cafe, helper=helper, weekday=3, starts=time(14, 0), ends=time(17, 0)),
        AvailabilityRule(cafe=cafe, helper=helper, weekday=4, starts=time(9, 30), ends=time(12, 0)),
        AvailabilityRule(
            cafe=cafe,
            helper=manager,
            weekday=5,
            starts=time(10, 0),
            ends=time(12, 0),
            slot_minutes=60,
            seats=2,
        ),
    ]
    local_today = cafe.today()
    extras = [
        ExtraOpening(
            cafe=cafe,
            helper=helper,
            day=local_today + timedelta(days=12),
            starts=time(14, 0),
            ends=time(16, 0),
        )
    ]
    closures = [
        Closure(
            cafe=cafe,
            helper=helper,
            first_day=local_today + timedelta(days=21),
            last_day=local_today + timedelta(days=27),
            reason="Congés de l’aidant",
        )
    ]
    db.session.add_all(rules + extras + closures)
    db.session.flush()

    chooser = random.Random(cafe.slug)
    now = utcnow()
    periods = expand_periods(
        rules, extras, closures, local_today - timedelta(days=3), local_today + timedelta(days=7)
    )
    for slot in candidate_slots(periods, cafe.zone, None, {}):
        if chooser.random() > 0.45:
            continue
        name, phone, email = chooser.choice(DEMO_PEOPLE)
        topic = chooser.choice([t for t in topics if t.duration_minutes <= 30] or topics)
        past = slot.starts_at < now
        status = chooser.choice(["attended", "attended", "attended", "no_show"]) if past else "booked"
        at_counter = not email
        db.session.add(
            Slot(
                cafe_id=cafe.id,
                helper_id=slot.helper_id,
                starts_at=slot.starts_at,
                capacity=slot.capacity,
                seats_taken=1,
            )
        )
        db.session.add(
            Booking(
                cafe_id=cafe.id,
                topic=topic,
                helper_id=slot.helper_id,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                name=name,
                phone=phone,
                email=email,
                age_band=chooser.choice(["", "60_74", "75_plus", "26_59"]),
                code="".join(chooser.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)),
                status=status,
                booked_by=staff if at_counter else None,
            )
        )
    db.session.commit()


# Themes by how often people come for them at a village café (value, weight).
DEMO_THEMES = [
    ("aide_aux_demarches_administratives", 10),
    ("prendre_en_main_du_materiel", 8),
    ("email", 6),
    ("navigation_sur_internet", 5),
    ("sante", 5),
    ("securite_numerique", 3),
    ("banque_et_achats_en_ligne", 3),
    ("reseaux_sociaux", 3),
    ("gere_ses_contenus_numeriques", 2),
    ("bureautique", 1),
    ("insertion_professionnelle", 1),
]
DEMO_ADMIN_THEMES = [
    ("social_sante", 6),
    ("argent_impots", 6),
    ("papiers_elections_citoyennete", 5),
    ("transports_mobilite", 4),
    ("logement", 2),
    ("travail_formation", 2),
    ("famille_scolarite", 1),
]
DEMO_AGES = [
    ("soixante_dix_plus", 9),
    ("soixante_soixante_neuf", 7),
    ("quarante_cinquante_neuf", 4),
    ("vingt_cinq_trente_neuf", 2),
    ("dix_huit_vingt_quatre", 1),
    ("non_communique", 3),
]


def seed_demo_impact(cafe: Cafe) -> None:
    """About a year of help at one demo café: reports (many walk-ins), and monthly workshops."""
    import random

    from .blueprints.events.recurrence import to_utc
    from .models import Booking, Event, EventCategory, HelpReport, HelpReportChoice, Workshop

    chooser = random.Random(f"impact-{cafe.slug}")
    members = {
        m.role: m.user for m in db.session.scalars(select(Membership).where(Membership.cafe_id == cafe.id))
    }
    helpers = [members[Role.HELPER], members[Role.MANAGER]]
    today = cafe.today()
    created = utcnow() - timedelta(days=40)

    def weighted(pairs):
        return chooser.choices([v for v, _ in pairs], weights=[w for _, w in pairs])[0]

    def report(day: date, **fields) -> HelpReport:
        themes = fields.pop("themes")
        equipment = fields.pop("equipment", [])
        made = HelpReport(cafe=cafe, day=day, created_at=created, updated_at=created, **fields)
        made.choices = [HelpReportChoice(dimension="theme", value=t) for t in themes] + [
            HelpReportChoice(dimension="equipment", value=e) for e in equipment
        ]
        db.session.add(made)
        return made

    # Busier in winter (tax returns in spring, heating aid in autumn), quieter in August.
    season = {
        1: 1.2,
        2: 1.1,
        3: 1.3,
        4: 1.5,
        5: 1.3,
        6: 1.0,
        7: 0.7,
        8: 0.4,
        9: 1.1,
        10: 1.2,
        11: 1.3,
        12: 0.9,
    }
    for days_ago in range(365, 0, -1):
        day = today - timedelta(days=days_ago)
        if day.weekday() == 6:
            continue
        for _ in range(chooser.choices([0, 1, 2, 3], weights=[5, 4 * season[day.month], 2, 0.5])[0]):
            theme = weighted(DEMO_THEMES)
            themes = [theme]
            if theme == "aide_aux_demarches_administratives":
                themes.append(weighted(DEMO_ADMIN_THEMES))
            if chooser.random() < 0.2:
                themes.append(weighted(DEMO_THEMES))
            referred = "aide_aux_demarches_administratives" in themes and chooser.random() < 0.3
            report(
                day,
                kind="individuel",
                duration_minutes=chooser.choice([15, 30, 30, 30, 45, 60, 60, 90]),
                themes=sorted(set(themes)),
                equipment=[chooser.choice(["telephone", "telephone", "ordinateur", "tablette", "aucun"])],
                autonomy=chooser.choice(["entierement_accompagne", "partiellement_autonome", "autonome", ""]),
                referred=referred,
                referred_to=chooser.choice(
                    [
                        "aide_aux_demarches_administratives",
                        "operateur_ou_organisme_en_charge",
                        "administration",
                        "aide_sociale",
                    ]
                )
                if referred
                else "",
                age_band=weighted(DEMO_AGES),
                gender=chooser.choice(["feminin", "feminin", "masculin", "non_communique"]),
                social_status=chooser.choice(
                    ["retraite", "retraite", "retraite", "en_emploi", "sans_emploi", "non_communique"]
                ),
                postcode=cafe.postcode if chooser.random() < 0.8 else "",
                first_visit=chooser.choice([True, False, False, None]),
                walk_in=chooser.random() < 0.6,
                recorded_by=chooser.choice(helpers),
            )

    # The week's attended appointments mostly have their report already.
    for booking in db.session.scalars(
        select(Booking).where(Booking.cafe_id == cafe.id, Booking.status == "attended").order_by(Booking.id)
    ):
        if chooser.random() < 0.5:
            report(
                cafe.local_day(booking.starts_at),
                kind="individuel",
                duration_minutes=int((booking.ends_at - booking.starts_at).total_seconds() // 60),
                themes=[weighted(DEMO_THEMES)],
                equipment=["telephone"],
                autonomy="partiellement_autonome",
                age_band=weighted(DEMO_AGES),
                booking_id=booking.id,
                recorded_by=booking.helper,
            )

    # A monthly workshop "Bien utiliser son smartphone", attendance recorded each time.
    first = today - timedelta(days=330)
    local = datetime.combine(first, time(14, 30))
    workshop = Event(
        cafe=cafe,
        title="Atelier : bien utiliser son smartphone",
        description="Un mardi par mois, en petit groupe : photos, messages, applications utiles.",
        category=EventCategory.DIGITAL,
        starts_at=to_utc(local, cafe.zone),
        ends_at=to_utc(local + timedelta(hours=2), cafe.zone),
        created_at=created,
    )
    db.session.add(workshop)
    db.session.flush()
    db.session.add(
        Workshop(
            cafe_id=cafe.id,
            event_id=workshop.id,
            level="debutant",
            themes="prendre_en_main_du_materiel reseaux_sociaux",
        )
    )
    for month in range(11):
        day = first + timedelta(days=30 * month)
        report(
            day,
            kind="collectif",
            duration_minutes=120,
            participants=chooser.randint(3, 9),
            themes=["prendre_en_main_du_materiel", "reseaux_sociaux"],
            equipment=["telephone"],
            workshop_level="debutant",
            workshop_title=workshop.title,
            recorded_by=helpers[0],
        )
    db.session.commit()
