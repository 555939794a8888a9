"""The Info tab, in English and French (part of the catalogue: `sim.app.i18n.info` serves it).

Kept apart from the short strings only because two pages of Markdown would drown them; the
controls it names are spelt exactly as the catalogue labels them (a test checks a few).
"""

INFO_EN = """
## What is it?
A municipality runs a smart-city policy for 144 months (two 6-year mandates). A **mayor** sets
the governance point each month — how **proactive** (top-down steering, "structure first") and
how **open** (across silos, with citizens and partners) — and splits the budget. Deputy
directors-general spend limited attention, **departments** ration their digital staff hours,
**partners** build infrastructure or co-create services, and thousands of **citizens** use
services, participate, trust or are excluded. **Public value** is counted on nine dimensions,
and so is its **destruction** (exclusion, privacy breaches, environmental footprint, stale open
data).

## How to use it
1. In **Setup**, pick a **Trajectory** (proactive, open, phased, combined, or custom with a path
   such as `0: 0.9, 0.1; 48: 0.2, 0.9`), **Resources**, **City size**, and the switches. Setup
   applies when you press **Reset**, as NetLogo's *setup*.
2. **Step** advances one month; **▶ Play** plays, **❚❚ Pause** stops. **Speed: months per second**
   is what it says (on a busy machine the charts move a few months at a time to keep it); the
   figure under it is the speed actually reached.
3. **Levers** act at once, even while playing: move **Proactivity p** or **Openness o** and the
   mayor holds that point from the next month (**Back to the trajectory** hands control back);
   **Budget** and **Staff hours** change the resources from the next month. Every lever pulled
   is marked on the charts and listed under the levers.
4. **Compare** runs two trajectories to the horizon on the same seed and the same Setup.
5. Each chart has a **PNG** button; **Download the run (CSV)** saves every month of the run.

## What the charts mark
- **Elections** every 72 months (dashed grey): re-elected, or a new mayor who must rebuild
  commitment.
- **Breaches** (orange triangles): a data leak destroys value that month and costs trust.
- **Opens up** (green): the first month openness rises (the switch of a *phased* trajectory).
- **½ I, ½ C, ½ Q**: the month each stock reached half its level so far — at the end of the run,
  half its final level, the clock of the phasing order.
- **Levers** (purple): where you moved a lever.

## Things to notice
- **The crossover**: *proactive* creates value first; *open* and *phased* start slowly and may
  overtake it. Compare proactive with open, then with phased: where is the crossover, if any?
- **The phasing order**: infrastructure I moves first, then culture C, then institutions Q.
  Culture needs technology first.
- **Resource tension**: partners cost coordination hours. With **tight** resources and the
  **Partnership push** at 1, departments run out of hours (load above 1) and the value flow can
  stall — a plateau. Hours, not ideas, are then the limit.
- **Destruction**: with a proactive techno-push and no mediation, the least digitally literate
  residents lose trust and inclusion goes below zero.

## Things to try
- Play *proactive* and pull **Openness o** up at month 36, then at month 96: when does it pay?
- *open* with **tight** then **generous** resources: does openness still pay?
- Switch **Digital mediation** off under *proactive* and watch trust in the lowest fifth.

## Sources
- Frucquet (2024), *Comment conduire des politiques de Smart City … créatrices de valeur
  publique ?*, HAL hal-04618370 — the trajectories, the phasing, the plateau.
- Frucquet, Carassus, Chabaud & Marin, *Gestion et Management Public*, HAL hal-04344052 —
  governance modes and Harrison's value generators.
- Baldé & Carassus (2020) — the proactivity × openness grid.
- Csukás & Szabó (2021), *Cities* 112:103116 — nine components of smart-city value.
- Harrison et al. (2012), *Information Polity* 17 — six value generators.
- Moore (1995), *Creating Public Value*; Bitterman & Koliba (2020), *JPART*.

The model's equations and assumptions are in `docs/ODD.md`.
"""

INFO_FR = """
## De quoi s'agit-il ?
Une commune conduit une politique de ville intelligente pendant 144 mois (deux mandats de 6 ans).
Chaque mois, le **maire** choisit un point de gouvernance — plus ou moins **proactive** (pilotage
descendant, « d'abord la structure ») et plus ou moins **ouverte** (entre services, avec les
habitants et les partenaires) — et répartit le budget. Les directeurs généraux adjoints ont une
attention limitée, les **services** rationnent leurs heures d'agents, les **partenaires**
construisent l'infrastructure ou co-créent des services, et des milliers d'**habitants**
utilisent les services, participent, font confiance ou sont exclus. La **valeur publique** est
comptée sur neuf dimensions, de même que sa **destruction** (exclusion, fuites de données,
empreinte environnementale, données ouvertes périmées).

## Mode d'emploi
1. Dans **Paramétrage**, choisissez une **Trajectoire** (proactive, ouverte, phasée, combinée, ou
   sur mesure avec un chemin comme `0 : 0,9 / 0,1 ; 48 : 0,2 / 0,9`), les **Ressources**, la
   **Taille de la ville** et les interrupteurs. Le paramétrage s'applique quand vous appuyez sur
   **Réinitialiser**, comme le *setup* de NetLogo.
2. **Pas à pas** avance d'un mois ; **▶ Lecture** déroule la simulation, **❚❚ Pause** l'arrête.
   **Vitesse : mois par seconde** dit ce qu'elle fait (sur une machine chargée, les graphiques
   avancent de quelques mois à la fois pour la tenir) ; le chiffre en dessous est la vitesse
   réellement atteinte.
3. Les **Leviers** agissent aussitôt, même en lecture : bougez **Proactivité p** ou **Ouverture
   o** et le maire tient ce point dès le mois suivant (**Revenir à la trajectoire** lui rend la
   main) ; **Budget** et **Heures d'agents** changent les ressources dès le mois suivant. Chaque
   levier actionné est marqué sur les graphiques et listé sous les leviers.
4. **Comparer** simule deux trajectoires jusqu'à l'horizon, avec la même graine et le même
   paramétrage.
5. Chaque graphique a un bouton **PNG** ; **Télécharger la simulation (CSV)** enregistre tous les
   mois de la simulation.

## Ce que marquent les graphiques
- Les **élections** tous les 72 mois (tirets gris) : maire réélu, ou nouveau maire qui doit
  reconstruire l'engagement de l'administration.
- Les **fuites** de données (triangles orange) : une fuite détruit de la valeur ce mois-là et
  coûte de la confiance.
- L'**ouverture** (vert) : le premier mois où l'ouverture augmente (la bascule d'une trajectoire
  *phasée*).
- **½ I, ½ C, ½ Q** : le mois où chaque stock a atteint la moitié de son niveau actuel — en fin de
  simulation, la moitié de son niveau final, l'horloge du phasage.
- Les **leviers** (violet) : là où vous avez bougé un levier.

## À remarquer
- **Le croisement** : la trajectoire *proactive* crée de la valeur la première ; *ouverte* et
  *phasée* démarrent lentement et peuvent la dépasser. Comparez proactive et ouverte, puis
  proactive et phasée : où est le croisement, s'il existe ?
- **Le phasage** : l'infrastructure I bouge d'abord, puis la culture C, puis les institutions Q.
  La culture a besoin de la technologie.
- **La tension sur les ressources** : les partenaires coûtent des heures de coordination. Avec
  des ressources **serrées** et la **Sollicitation des partenaires** à 1, les services manquent
  d'heures (charge au-dessus de 1) et le flux de valeur peut stagner — un plateau. Ce sont alors
  les heures, et non les idées, qui manquent.
- **La destruction** : avec une poussée technologique proactive et sans médiation, les habitants
  les moins à l'aise avec le numérique perdent confiance et l'inclusion passe sous zéro.

## À essayer
- Lancez *proactive* et montez l'**Ouverture o** au mois 36, puis au mois 96 : quand est-ce payant ?
- *ouverte* avec des ressources **serrées** puis **généreuses** : l'ouverture paie-t-elle encore ?
- Coupez la **Médiation numérique** en *proactive* et regardez la confiance du cinquième le moins
  à l'aise avec le numérique.

## Sources
- Frucquet (2024), *Comment conduire des politiques de Smart City … créatrices de valeur
  publique ?*, HAL hal-04618370 — les trajectoires, le phasage, le plateau.
- Frucquet, Carassus, Chabaud et Marin, *Gestion et Management Public*, HAL hal-04344052 —
  modes de gouvernance et générateurs de valeur de Harrison.
- Baldé et Carassus (2020) — la grille proactivité × ouverture.
- Csukás et Szabó (2021), *Cities* 112:103116 — neuf composantes de la valeur de la ville
  intelligente.
- Harrison et al. (2012), *Information Polity* 17 — six générateurs de valeur.
- Moore (1995), *Creating Public Value* ; Bitterman et Koliba (2020), *JPART*.

Les équations et hypothèses du modèle sont dans `docs/ODD.md`.
"""

INFO = {"en": INFO_EN, "fr": INFO_FR}
