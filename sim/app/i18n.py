"""Every word the classroom app shows, in English and French, in one catalogue.

Why a Python catalogue rather than gettext/Babel: the app has about 150 short strings and two
Info pages, and each French string sits next to its English one, so a translator sees both and a
test can check that no key lacks a language and that French typography holds (narrow no-break
space before : ; ! ? and %, decimal comma). Gettext would add a compile step (.po -> .mo) and
Babel a dependency for the two number rules we need (`number` below).

`text(key, lang, **values)` formats a string; `number(x, lang, digits)` writes 1 234,5 in French
and 1,234.5 in English; `vega_locale(lang)` gives Vega the same rules for axis labels.
"""

from __future__ import annotations

import re

from sim.app.info import INFO

LANGS = ("en", "fr")
NNBSP = "\u202f"  # narrow no-break space (French: before : ; ! ? % and between thousands)

CATALOGUE: dict[str, tuple[str, str]] = {
    # ---- page ----------------------------------------------------------------------------------
    "title": ("govsim — smart-city governance, live", "govsim — gouvernance de ville intelligente"),
    "other_lang": ("Français", "English"),
    "other_lang_code": ("fr", "en"),
    "lang_aria": ("Lire cette page en français", "Read this page in English"),
    "toggle_sidebar": ("Show or hide the controls", "Afficher ou masquer les commandes"),
    "tab_run": ("Run", "Simulation"),
    "tab_compare": ("Compare", "Comparer"),
    "tab_info": ("Info", "À propos"),
    # ---- player ----------------------------------------------------------------------------------
    "reset": ("Reset", "Réinitialiser"),
    "step": ("Step", "Pas à pas"),
    "play": ("▶ Play", "▶ Lecture"),
    "pause": ("❚❚ Pause", "❚❚ Pause"),
    "speed": ("Speed: months per second", "Vitesse : mois par seconde"),
    "speed_max": ("as fast as possible", "au plus vite"),
    "measured": ("measured: {value} months/s", "mesuré : {value} mois/s"),
    "ended": ("End of the run: month {month}.", "Fin de la simulation : mois {month}."),
    "step_error": (
        "The simulation stopped at month {month}: {error}. The page is intact; press Reset to "
        "start again.",
        "La simulation s'est arrêtée au mois {month} : {error}. La page reste utilisable ; "
        "appuyez sur Réinitialiser pour recommencer.",
    ),
    # ---- levers ---------------------------------------------------------------------------------
    "levers": (
        "Levers — act at once, even while playing",
        "Leviers — agissent aussitôt, même en lecture",
    ),
    "lever_proactivity": ("Proactivity p", "Proactivité p"),
    "lever_openness": ("Openness o", "Ouverture o"),
    "lever_budget": ("Budget", "Budget"),
    "lever_staff_hours": ("Staff hours", "Heures d'agents"),
    "unit_budget": ("{value} M€/month", "{value} M€/mois"),
    "unit_staff_hours": ("{value} h/dept.", "{value} h/service"),
    "helm_follow": (
        "The mayor follows the {kind} trajectory.",
        "Le maire suit la trajectoire {kind}.",
    ),
    "helm_held": (
        "You steer: p and o stay where you put them.",
        "Vous pilotez : p et o restent où vous les placez.",
    ),
    "resume": ("Back to the trajectory", "Revenir à la trajectoire"),
    "lever_log": ("Levers pulled", "Leviers actionnés"),
    "lever_none": (
        "none yet: move a lever above",
        "aucun pour l'instant : bougez un levier ci-dessus",
    ),
    "lever_item": ("month {month}: {lever} → {value}", "mois {month} : {lever} → {value}"),
    "lever_resume": (
        "month {month}: back to the trajectory",
        "mois {month} : retour à la trajectoire",
    ),
    "label_value": ("{label}: {value}", "{label} : {value}"),
    # ---- setup ----------------------------------------------------------------------------------
    "setup": ("Setup — applies at Reset", "Paramétrage — appliqué à la réinitialisation"),
    "trajectory": ("Trajectory", "Trajectoire"),
    "kind_proactive": ("proactive", "proactive"),
    "kind_open": ("open", "ouverte"),
    "kind_phased": ("phased", "phasée"),
    "kind_combined": ("combined", "combinée"),
    "kind_custom": ("custom", "sur mesure"),
    "path": ("Custom path (month: p, o; …)", "Trajectoire sur mesure (mois : p, o ; …)"),
    "path_hint": (
        "e.g. 0: 0.9, 0.1; 48: 0.2, 0.9 — between the points the mayor moves in a straight line",
        "ex. 0 : 0,9 / 0,1 ; 48 : 0,2 / 0,9 — entre deux points, le maire va en ligne droite",
    ),
    "path_empty": (
        "Custom path: give at least one point, e.g. 0: 0.5, 0.5",
        "Trajectoire sur mesure : donnez au moins un point, ex. 0 : 0,5 / 0,5",
    ),
    "path_format": (
        "Custom path, point {index} (“{item}”): write it as month: p, o",
        "Trajectoire sur mesure, point {index} (« {item} ») : écrivez mois : p / o",
    ),
    "path_range": (
        "Custom path, point {index}: {what} must be between 0 and 1 (got {value})",
        "Trajectoire sur mesure, point {index} : {what} doit être entre 0 et 1 (reçu {value})",
    ),
    "path_order": (
        "Custom path, point {index}: month {month} must come after month {previous}",
        "Trajectoire sur mesure, point {index} : le mois {month} doit suivre le mois {previous}",
    ),
    "path_month": (
        "Custom path, point {index}: month {month} is past the horizon ({horizon})",
        "Trajectoire sur mesure, point {index} : le mois {month} dépasse l'horizon ({horizon})",
    ),
    "resources": ("Resources", "Ressources"),
    "resources_item": (
        "{level}: budget {budget} M€/month, {hours} h per department",
        "{level} : budget {budget} M€/mois, {hours} h par service",
    ),
    "level_tight": ("tight", "serrées"),
    "level_adequate": ("adequate", "suffisantes"),
    "level_generous": ("generous", "généreuses"),
    "city": ("City size", "Taille de la ville"),
    "city_item": ("{size}: {citizens} residents", "{size} : {citizens} habitants"),
    "size_small": ("small", "petite"),
    "size_default": ("default", "moyenne"),
    "size_large": ("large", "grande"),
    "push": ("Partnership push", "Sollicitation des partenaires"),
    "mediation": ("Digital mediation", "Médiation numérique"),
    "elections": ("Elections every 72 months", "Élections tous les 72 mois"),
    "seed": ("Seed (random draws)", "Graine (tirages aléatoires)"),
    "seed_error": (
        "Seed must be a whole number from 0 to 2^63 − 1 (9,223,372,036,854,775,807)",
        "La graine doit être un nombre entier de 0 à 2^63 − 1 (9 223 372 036 854 775 807)",
    ),
    "invalid": (
        "Reset is off until the setting above is fixed.",
        "Réinitialiser reste inactif tant que le réglage ci-dessus est invalide.",
    ),
    "pending": (
        "Setup changed: press Reset to apply it.",
        "Paramétrage modifié : appuyez sur Réinitialiser.",
    ),
    # ---- monitors -------------------------------------------------------------------------------
    "mon_month": ("Month", "Mois"),
    "mon_value": ("Cumulative value", "Valeur cumulée"),
    "mon_point": ("p, o now", "p, o actuels"),
    "mon_partners": ("Partners", "Partenaires"),
    "mon_breaches": ("Breaches", "Fuites de données"),
    "mon_stale": ("Stale data", "Données périmées"),
    "mon_phasing": ("Phasing (½ level)", "Phasage (mi-niveau)"),
    # ---- charts ---------------------------------------------------------------------------------
    "chart_path": ("Governance path", "Trajectoire de gouvernance"),
    "chart_path_sub": (
        "where the mayor steers, month by month",
        "où le maire se place, mois après mois",
    ),
    "chart_value": ("Cumulative public value", "Valeur publique cumulée"),
    "chart_value_sub": (
        "elections, breaches and levers marked",
        "élections, fuites et leviers marqués",
    ),
    "chart_stocks": ("Stocks I, C, Q", "Stocks I, C, Q"),
    "chart_stocks_sub": (
        "infrastructure, culture, institutions",
        "infrastructure, culture, institutions",
    ),
    "chart_dimensions": ("Value per month by dimension", "Valeur par mois et par dimension"),
    "chart_dimensions_sub": (
        "created above zero, destroyed below; black: net",
        "créée au-dessus de zéro, détruite en dessous ; noir : solde",
    ),
    "chart_load": ("Department load now", "Charge des services"),
    "chart_load_sub": (
        "1 = all digital staff hours used",
        "1 = toutes les heures d'agents utilisées",
    ),
    "chart_partners": ("Co-creation partners", "Partenaires de co-création"),
    "chart_partners_sub": ("coordination costs hours", "la coordination coûte des heures"),
    "chart_citizens": ("Trust by digital literacy", "Confiance selon la littératie numérique"),
    "chart_citizens_sub": (
        "residents in fifths; labels: % participating",
        "habitants par cinquième ; étiquettes : % qui participent",
    ),
    "axis_month": ("month", "mois"),
    "axis_p": ("proactivity p", "proactivité p"),
    "axis_o": ("openness o", "ouverture o"),
    "axis_value": ("value", "valeur"),
    "axis_level": ("level", "niveau"),
    "axis_flow": ("value per month", "valeur par mois"),
    "axis_load": ("load", "charge"),
    "axis_partners": ("partners", "partenaires"),
    "axis_trust": ("mean trust", "confiance moyenne"),
    "axis_fifth": ("digital literacy", "littératie numérique"),
    "fifth_1": ("lowest", "la plus faible"),
    "fifth_5": ("highest", "la plus forte"),
    "stock_infrastructure": ("I infrastructure", "I infrastructure"),
    "stock_culture": ("C culture", "C culture"),
    "stock_institutions": ("Q institutions", "Q institutions"),
    "event_election": ("election", "élection"),
    "event_reelected": ("re-elected", "réélu"),
    "event_new_mayor": ("new mayor", "nouveau maire"),
    "event_breach": ("breach", "fuite"),
    "event_opens": ("opens up", "ouverture"),
    "event_lever": ("lever", "levier"),
    "event_half": ("½ {letter}", "½ {letter}"),
    "event_crossover": ("{name} ahead from month {month}", "{name} devant dès le mois {month}"),
    "now": ("now", "maintenant"),
    "net": ("net", "solde"),
    "dim_efficiency": ("efficiency", "efficience"),
    "dim_engagement": ("engagement", "engagement"),
    "dim_quality_of_life": ("quality of life", "qualité de vie"),
    "dim_inclusion": ("inclusion", "inclusion"),
    "dim_connectivity": ("connectivity", "connectivité"),
    "dim_knowledge": ("knowledge", "connaissance"),
    "dim_cost_reduction": ("cost reduction", "baisse des coûts"),
    "dim_scalability": ("scalability", "changement d'échelle"),
    "dim_environment": ("environment", "environnement"),
    "dept_water": ("water", "eau"),
    "dept_green spaces": ("green spaces", "espaces verts"),
    "dept_roads": ("roads", "voirie"),
    "dept_lighting": ("lighting", "éclairage"),
    "dept_waste": ("waste", "déchets"),
    "dept_social action": ("social action", "action sociale"),
    "dept_culture": ("culture", "culture"),
    "dept_urban planning": ("urban planning", "urbanisme"),
    "dept_IT": ("IT", "informatique"),
    "dept_citizen relations": ("citizen relations", "relations usagers"),
    "png": ("PNG", "PNG"),
    "png_aria": ("Save this chart as PNG", "Enregistrer ce graphique en PNG"),
    "csv": ("Download the run (CSV)", "Télécharger la simulation (CSV)"),
    # ---- compare --------------------------------------------------------------------------------
    "compare_intro": (
        "Runs two trajectories to the horizon on the same seed, with the Setup in the sidebar. "
        "Levers pulled during a live run are not replayed here.",
        "Simule deux trajectoires jusqu'à l'horizon avec la même graine et le paramétrage de la "
        "barre latérale. Les leviers actionnés pendant une simulation ne sont pas rejoués ici.",
    ),
    "compare_a": ("Trajectory A", "Trajectoire A"),
    "compare_b": ("Trajectory B", "Trajectoire B"),
    "compare_run": ("Run comparison", "Lancer la comparaison"),
    "compare_used": (
        "Used: seed {seed}, {city} city ({citizens} residents), {level} resources (budget "
        "{budget} M€/month, {hours} h per department per month), partnership push {push}, "
        "mediation {mediation}, elections {elections}.",
        "Utilisé : graine {seed}, ville {city} ({citizens} habitants), ressources {level} "
        "(budget {budget} M€/mois, {hours} h par service et par mois), sollicitation {push}, "
        "médiation {mediation}, élections {elections}.",
    ),
    "on": ("on", "oui"),
    "off": ("off", "non"),
    "compare_result": (
        "After {months} months: A ({a}) {va}, B ({b}) {vb}.",
        "Après {months} mois : A ({a}) {va}, B ({b}) {vb}.",
    ),
    "compare_cross": (
        "{lead} starts ahead; {other} is ahead for good from month {month} (the crossover, "
        "marked on the chart).",
        "{lead} part devant ; {other} passe devant pour de bon au mois {month} (le croisement, "
        "marqué sur le graphique).",
    ),
    "compare_nocross": (
        "No crossover: {lead} is ahead at the end and {other} never overtakes it for good.",
        "Pas de croisement : {lead} finit devant et {other} ne le dépasse jamais pour de bon.",
    ),
    "compare_value": ("Cumulative public value, A and B", "Valeur publique cumulée, A et B"),
    "compare_value_sub": (
        "same seed, same city, same resources",
        "même graine, même ville, mêmes ressources",
    ),
    "compare_path": ("Governance paths, A and B", "Trajectoires de gouvernance, A et B"),
    "compare_error": ("Fix the Setup first: {error}", "Corrigez d'abord le paramétrage : {error}"),
}


def french_typography(text: str) -> str:
    """Narrow no-break space before : ; ! ? % (and after « / before »), never a plain space."""
    text = re.sub(r"[ \u00a0]*([:;!?%»])", lambda m: NNBSP + m[1], text)
    text = re.sub(r"«[ \u00a0]*", "«" + NNBSP, text)
    # No space inside URLs, nor in page ranges such as 112:103116.
    text = re.sub(r"(https?)\u202f:", r"\1:", text)
    return re.sub(r"(\d)\u202f:(\d)", r"\1:\2", text)  # "112:103116" (a page range)


def _compile() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {"en": {}, "fr": {}}
    for key, (en, fr) in CATALOGUE.items():
        out["en"][key] = en
        out["fr"][key] = french_typography(fr)
    return out


_TEXT = _compile()


def lang_of(search: str | None) -> str:
    """The language a URL query asks for (`?lang=fr`); English otherwise."""
    match = re.search(r"(?:^|&)lang=([a-z]{2})", search or "")
    return match[1] if match and match[1] in LANGS else "en"


def number(value: float, lang: str, digits: int = 1) -> str:
    """1,234.5 (en) or 1 234,5 (fr, narrow no-break space for thousands, decimal comma)."""
    text = f"{value:,.{digits}f}"
    if lang == "fr":
        text = text.replace(",", NNBSP).replace(".", ",")
    return text.replace("-", "−")  # a real minus sign reads better from the back of the room


def percent(share: float, lang: str, digits: int = 0) -> str:
    sep = NNBSP if lang == "fr" else ""
    return f"{number(100 * share, lang, digits)}{sep}%"


def text(key: str, lang: str, **values: object) -> str:
    """The catalogue string `key` in `lang`, with `{name}` fields filled in."""
    template = _TEXT[lang if lang in LANGS else "en"][key]
    return template.format(**values) if values else template


def info(lang: str) -> str:
    """The Info tab (Markdown) in `lang`."""
    body = INFO[lang if lang in LANGS else "en"]
    return french_typography(body) if lang == "fr" else body


def vega_locale(lang: str) -> dict:
    """d3-format locale for Vega's axis labels (the same rules as `number`)."""
    if lang == "fr":
        return {
            "decimal": ",",
            "thousands": NNBSP,
            "grouping": [3],
            "currency": ["", "\u00a0€"],
            "percent": NNBSP + "%",
            "minus": "−",
        }
    return {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["", "€"], "minus": "−"}
