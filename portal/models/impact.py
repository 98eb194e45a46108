"""The help given: activity reports compatible with La Coop de la médiation numérique (CRA).

Values are the Coop's API values (so a café's figures can be re-used there); labels are
the Coop's French labels. A report holds categories only, never a name or a contact.
Themes and equipment are several per report: one `HelpReportChoice` row each, so the
dashboards count them with a GROUP BY.
"""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .cafe import Cafe
from .mixins import CafeScoped, Timestamped
from .types import UTCDateTime
from .user import User

NOT_GIVEN = "non_communique"

INDIVIDUAL = "individuel"
COLLECTIVE = "collectif"
KINDS = {
    INDIVIDUAL: _l("Individual help"),
    COLLECTIVE: _l("Collective workshop"),
}

# "Canaux d'accompagnement": help at a café is given at the café.
PLACE_KINDS = {"lieu_activite": _l("At the café")}

DURATION_PRESETS = (15, 30, 45, 60, 90, 120)

EQUIPMENT = {
    "ordinateur": _l("Computer"),
    "telephone": _l("Phone"),
    "tablette": _l("Tablet"),
    "autre": _l("Other equipment"),
    "aucun": _l("No equipment"),
}

# The Coop's 19 digital-skill themes, in its order.
DIGITAL_THEMES = {
    "diagnostic_numerique": _l("Digital skills check"),
    "prendre_en_main_du_materiel": _l("Getting started with a device"),
    "maintenance_de_materiel": _l("Device maintenance"),
    "gere_ses_contenus_numeriques": _l("Managing one’s digital files"),
    "navigation_sur_internet": _l("Browsing the internet"),
    "email": _l("Email"),
    "bureautique": _l("Office software"),
    "reseaux_sociaux": _l("Social media and communication"),
    "sante": _l("Health"),
    "banque_et_achats_en_ligne": _l("Online banking and shopping"),
    "entrepreneuriat": _l("Helping a professional"),
    "insertion_professionnelle": _l("Finding work"),
    "securite_numerique": _l("Staying safe online"),
    "parentalite": _l("Parenting"),
    "scolarite_et_numerique": _l("School and digital tools"),
    "creer_avec_le_numerique": _l("Creating with digital tools"),
    "culture_numerique": _l("Digital culture"),
    "intelligence_artificielle": _l("Artificial intelligence (AI)"),
    "aide_aux_demarches_administratives": _l("Help with administrative procedures"),
}

# The Coop's 11 administrative-procedure themes.
ADMIN_THEMES = {
    "papiers_elections_citoyennete": _l("Papers, elections, citizenship"),
    "famille_scolarite": _l("Family, school"),
    "social_sante": _l("Social benefits, health"),
    "travail_formation": _l("Work, training, business"),
    "logement": _l("Housing"),
    "transports_mobilite": _l("Transport, mobility"),
    "argent_impots": _l("Money, taxes"),
    "justice": _l("Justice"),
    "etrangers_europe": _l("Foreign nationals, Europe"),
    "loisirs_sports_culture": _l("Leisure, sports, culture"),
    "associations": _l("Associations"),
}
THEMES = {**DIGITAL_THEMES, **ADMIN_THEMES}

AUTONOMY = {
    "entierement_accompagne": _l("Fully guided"),
    "partiellement_autonome": _l("Autonomous with help when needed"),
    "autonome": _l("Autonomous"),
}

WORKSHOP_LEVELS = {
    "debutant": _l("Beginner"),
    "intermediaire": _l("Intermediate"),
    "avance": _l("Advanced"),
}

REFERRALS = {
    "operateur_ou_organisme_en_charge": _l("The body in charge of the procedure (CAF, tax office…)"),
    "aide_aux_demarches_administratives": _l("Help with procedures (France Services…)"),
    "administration": _l("Administration (town hall, prefecture…)"),
    "mediation_numerique": _l("Another digital help place"),
    "aide_sociale": _l("Social help (social centre…)"),
    "insertion_professionnelle": _l("Work (France Travail, mission locale…)"),
    "autre": _l("Elsewhere"),
}

AGE_BANDS = {
    "moins_de_douze": _l("Under 12"),
    "douze_dix_huit": _l("12 to 17"),
    "dix_huit_vingt_quatre": _l("18 to 24"),
    "vingt_cinq_trente_neuf": _l("25 to 39"),
    "quarante_cinquante_neuf": _l("40 to 59"),
    "soixante_soixante_neuf": _l("60 to 69"),
    "soixante_dix_plus": _l("70 or over"),
    NOT_GIVEN: _l("Not given"),
}

GENDERS = {
    "masculin": _l("Male"),
    "feminin": _l("Female"),
    NOT_GIVEN: _l("Not given"),
}

SOCIAL_STATUSES = {
    "scolarise": _l("In education"),
    "sans_emploi": _l("Out of work"),
    "en_emploi": _l("In work"),
    "retraite": _l("Retired"),
    NOT_GIVEN: _l("Not given"),
}

# The Coop's French labels, for the CSV a conseiller numérique's tools read (never translated).
COOP_LABELS = {
    "kind": {INDIVIDUAL: "Accompagnement individuel", COLLECTIVE: "Atelier collectif"},
    "place": {"lieu_activite": "Lieu d’activité"},
    "equipment": {
        "ordinateur": "Ordinateur",
        "telephone": "Téléphone",
        "tablette": "Tablette",
        "autre": "Autre",
        "aucun": "Pas de matériel",
    },
    "theme": {
        "diagnostic_numerique": "Diagnostic numérique",
        "prendre_en_main_du_materiel": "Prendre en main du matériel",
        "maintenance_de_materiel": "Maintenance de matériel",
        "gere_ses_contenus_numeriques": "Gérer ses contenus numériques",
        "navigation_sur_internet": "Navigation sur internet",
        "email": "E-mail",
        "bureautique": "Bureautique",
        "reseaux_sociaux": "Réseaux sociaux communication",
        "sante": "Santé",
        "banque_et_achats_en_ligne": "Banque et achats en ligne",
        "entrepreneuriat": "Accompagner un professionnel",
        "insertion_professionnelle": "Insertion professionnelle",
        "securite_numerique": "Prévention en sécurité numérique",
        "parentalite": "Parentalité",
        "scolarite_et_numerique": "Scolarité et numérique",
        "creer_avec_le_numerique": "Créer avec le numérique",
        "culture_numerique": "Culture numérique",
        "intelligence_artificielle": "Intelligence artificielle (IA)",
        "aide_aux_demarches_administratives": "Aide aux démarches administratives",
        "papiers_elections_citoyennete": "Papiers - Élections - Citoyenneté",
        "famille_scolarite": "Famille - Scolarité",
        "social_sante": "Social - Santé",
        "travail_formation": "Travail - Formation - Entreprise",
        "logement": "Logement",
        "transports_mobilite": "Transports - Mobilité",
        "argent_impots": "Argent - Impôts",
        "justice": "Justice",
        "etrangers_europe": "Étrangers - Europe",
        "loisirs_sports_culture": "Loisirs - Sports - Culture",
        "associations": "Associations",
    },
    "autonomy": {
        "entierement_accompagne": "Avec guidage",
        "partiellement_autonome": "Autonome avec guidage en cas de besoin",
        "autonome": "Autonome",
    },
    "workshop_level": {"debutant": "Débutant", "intermediaire": "Intermédiaire", "avance": "Avancé"},
    "referral": {
        "operateur_ou_organisme_en_charge": "Opérateur ou organisme en charge de la démarche administrative",
        "aide_aux_demarches_administratives": (
            "Structure d’aide aux démarches administratives (France Services…)"
        ),
        "administration": "Administration (mairie, préfecture…)",
        "mediation_numerique": "Autre structure de médiation numérique",
        "aide_sociale": "Structure d’aide sociale (maison des solidarités, centre social…)",
        "insertion_professionnelle": (
            "Structure d’insertion professionnelle (France Travail, mission locale, chambre de commerce…)"
        ),
        "autre": "Autre",
    },
    "age_band": {
        "moins_de_douze": "Moins de 12 ans",
        "douze_dix_huit": "12 - 17 ans",
        "dix_huit_vingt_quatre": "18 - 24 ans",
        "vingt_cinq_trente_neuf": "25 - 39 ans",
        "quarante_cinquante_neuf": "40 - 59 ans",
        "soixante_soixante_neuf": "60 - 69 ans",
        "soixante_dix_plus": "70 ans et plus",
        NOT_GIVEN: "Non communiqué",
    },
    "gender": {"masculin": "Masculin", "feminin": "Féminin", NOT_GIVEN: "Non communiqué"},
    "social_status": {
        "scolarise": "Scolarisé",
        "sans_emploi": "Sans emploi",
        "en_emploi": "En emploi",
        "retraite": "Retraité",
        NOT_GIVEN: "Non communiqué ou hétérogène",
    },
}

THEME = "theme"
EQUIPMENT_CHOICE = "equipment"


def _values_in(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class HelpReport(CafeScoped, Timestamped, db.Model):
    """One accompaniment (or one workshop session): what was done, for whom in categories only."""

    __table_args__ = (
        CheckConstraint(_values_in("kind", KINDS), name="report_kind_known"),
        CheckConstraint("duration_minutes BETWEEN 1 AND 1440", name="report_duration_range"),
        CheckConstraint("participants BETWEEN 1 AND 500", name="report_participants_range"),
        CheckConstraint("autonomy = '' OR " + _values_in("autonomy", AUTONOMY), name="report_autonomy_known"),
        CheckConstraint(
            "workshop_level = '' OR " + _values_in("workshop_level", WORKSHOP_LEVELS),
            name="report_level_known",
        ),
        CheckConstraint(
            "referred_to = '' OR " + _values_in("referred_to", REFERRALS), name="report_referral_known"
        ),
        CheckConstraint(_values_in("age_band", AGE_BANDS), name="report_age_band_known"),
        CheckConstraint(_values_in("gender", GENDERS), name="report_gender_known"),
        CheckConstraint(_values_in("social_status", SOCIAL_STATUSES), name="report_status_known"),
        UniqueConstraint("booking_id", name="uq_help_report_booking"),
        UniqueConstraint("event_id", "occurrence_start", name="uq_help_report_occurrence"),
        Index("ix_help_report_cafe_day", "cafe_id", "day"),
        Index("ix_help_report_day", "day"),
        # The per-café sums of the network dashboard read this index alone.
        Index(
            "ix_help_report_figures", "day", "cafe_id", "participants", "duration_minutes", "walk_in", "kind"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default=INDIVIDUAL)
    day: Mapped[date]
    duration_minutes: Mapped[int] = mapped_column(default=30)
    participants: Mapped[int] = mapped_column(default=1)
    place_kind: Mapped[str] = mapped_column(String(30), default="lieu_activite")
    autonomy: Mapped[str] = mapped_column(String(30), default="")
    workshop_title: Mapped[str] = mapped_column(String(160), default="")
    workshop_level: Mapped[str] = mapped_column(String(20), default="")
    referred: Mapped[bool] = mapped_column(default=False)
    referred_to: Mapped[str] = mapped_column(String(40), default="")
    age_band: Mapped[str] = mapped_column(String(30), default=NOT_GIVEN)
    gender: Mapped[str] = mapped_column(String(20), default=NOT_GIVEN)
    social_status: Mapped[str] = mapped_column(String(20), default=NOT_GIVEN)
    postcode: Mapped[str] = mapped_column(String(5), default="")
    insee_code: Mapped[str] = mapped_column(String(5), default="")
    commune: Mapped[str] = mapped_column(String(120), default="")
    first_visit: Mapped[bool | None]  # None: not given
    walk_in: Mapped[bool] = mapped_column(default=False)
    # A free note for the team; never exported, emptied by purge-personal-data.
    note: Mapped[str] = mapped_column(Text, default="")
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("booking.id", ondelete="SET NULL"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="SET NULL"))
    occurrence_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    cafe: Mapped[Cafe] = relationship()
    recorded_by: Mapped[User | None] = relationship()
    choices: Mapped[list["HelpReportChoice"]] = relationship(
        back_populates="report", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def themes(self) -> list[str]:
        return sorted((c.value for c in self.choices if c.dimension == THEME), key=list(THEMES).index)

    @property
    def equipment(self) -> list[str]:
        return sorted(
            (c.value for c in self.choices if c.dimension == EQUIPMENT_CHOICE), key=list(EQUIPMENT).index
        )

    @property
    def is_collective(self) -> bool:
        return self.kind == COLLECTIVE

    def __repr__(self) -> str:
        return f"<HelpReport {self.id} {self.kind} {self.day}>"


class HelpReportChoice(db.Model):
    """One theme or one piece of equipment of a report."""

    __table_args__ = (
        UniqueConstraint("report_id", "dimension", "value", name="uq_help_report_choice"),
        CheckConstraint(f"dimension IN ('{THEME}', '{EQUIPMENT_CHOICE}')", name="choice_dimension_known"),
        CheckConstraint(
            f"(dimension = '{THEME}' AND {_values_in('value', THEMES)})"
            f" OR (dimension = '{EQUIPMENT_CHOICE}' AND {_values_in('value', EQUIPMENT)})",
            name="choice_value_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("help_report.id", ondelete="CASCADE"), index=True)
    dimension: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(40))

    report: Mapped[HelpReport] = relationship(back_populates="choices")


class BookingReportPrompt(CafeScoped, db.Model):
    """What the helper answered to "fill in the report?" after an attended booking."""

    __table_args__ = (CheckConstraint("answer IN ('later', 'declined')", name="prompt_answer_known"),)

    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"), primary_key=True)
    answer: Mapped[str] = mapped_column(String(10))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


class Workshop(CafeScoped, Timestamped, db.Model):
    """An event marked as a digital workshop: its level and themes feed its collective reports."""

    __table_args__ = (CheckConstraint(_values_in("level", WORKSHOP_LEVELS), name="workshop_level_known"),)

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    level: Mapped[str] = mapped_column(String(20), default="debutant")
    themes: Mapped[str] = mapped_column(String(600), default="")  # space-separated theme values

    @property
    def theme_list(self) -> list[str]:
        return [t for t in self.themes.split() if t in THEMES]


class ImpactDaily(db.Model):
    """The whole network's help reports summed per day: the network dashboard reads these.

    Per day, per dimension ("totaux" for the totals, or one of the dashboard's dimensions)
    and value, an amount (people helped, minutes…). Kept exact by recomputing, in the same
    transaction, every day whose reports change (portal/blueprints/impact/rollup.py); a few
    thousand rows a year instead of a hundred thousand reports.
    """

    day: Mapped[date] = mapped_column(primary_key=True)
    dimension: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[str] = mapped_column(String(40), primary_key=True)
    amount: Mapped[int] = mapped_column(default=0)


# --- Indexes for the impact figures ---------------------------------------------------------------
# The dashboards count the network's rows in a period: each index starts with the timestamp
# (a range) and carries the café (and the status counted), so a count reads the index alone.
def _impact_indexes() -> None:
    from .board import ModerationDecision, Notice, NoticeReply, Report
    from .booking import Booking
    from .event import Event, Rsvp
    from .shop import BreadOrder, Parcel

    Index("ix_booking_created_cafe", Booking.created_at, Booking.cafe_id)
    Index("ix_booking_starts_status_cafe", Booking.starts_at, Booking.status, Booking.cafe_id)
    Index("ix_event_starts_kind_cafe", Event.starts_at, Event.recurrence, Event.status, Event.cafe_id)
    # The series in a period, with what their occurrences are computed from (read from the index).
    Index(
        "ix_event_series",
        Event.recurrence,
        Event.status,
        Event.starts_at,
        Event.cafe_id,
        Event.repeat_until,
        Event.repeat_count,
        Event.monthly_week,
        postgresql_include=["id"],
    )
    Index("ix_rsvp_occurrence_status_cafe", Rsvp.occurrence_start, Rsvp.status, Rsvp.cafe_id, Rsvp.party_size)
    Index("ix_notice_published_cafe", Notice.published_at, Notice.cafe_id)
    Index("ix_notice_reply_created_cafe", NoticeReply.created_at, NoticeReply.cafe_id)
    Index("ix_report_created_cafe", Report.created_at, Report.cafe_id)
    Index("ix_moderation_decision_created_cafe", ModerationDecision.created_at, ModerationDecision.cafe_id)
    Index("ix_bread_order_day_status_cafe", BreadOrder.day, BreadOrder.status, BreadOrder.cafe_id)
    Index("ix_parcel_created_cafe", Parcel.created_at, Parcel.cafe_id)


_impact_indexes()
