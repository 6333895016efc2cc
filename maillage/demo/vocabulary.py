"""Words the demo generator draws from: French names, professions, places, titles.

Plain data, no Django. Names are common in France today and deliberately diverse; places and
addresses are plausible but invented; emails use reserved `.example` domains; phone numbers use
the ranges ARCEP reserves for fiction (04 65 71 xx xx, 06 39 98 xx xx).
"""

from __future__ import annotations

# fmt: off

FEMALE_FIRST_NAMES = (
    "Adèle", "Agathe", "Aïcha", "Alice", "Amandine", "Amélie", "Amina", "Anaïs", "Anne", "Aurélie",
    "Bérénice", "Camille", "Capucine", "Caroline", "Cécile", "Céline", "Charlotte", "Chloé",
    "Clara", "Clémence", "Coralie", "Delphine", "Diane", "Élodie", "Élise", "Emma", "Estelle",
    "Eva", "Fanny", "Fatou", "Fatima", "Flore", "Gaëlle", "Hélène", "Hanane", "Héloïse", "Imane",
    "Inès", "Isabelle", "Jade", "Jeanne", "Joséphine", "Julie", "Juliette", "Justine", "Karima",
    "Laetitia", "Laura", "Léa", "Leïla", "Lina", "Linh", "Lisa", "Louise", "Lucie", "Lou", "Mahé",
    "Maëlle", "Manon", "Margaux", "Marie", "Marine", "Mariam", "Maud", "Mélanie", "Mathilde",
    "Mei", "Nadia", "Naïma", "Nathalie", "Noémie", "Océane", "Ophélie", "Pauline", "Rachel",
    "Rose", "Sabrina", "Salomé", "Sandrine", "Sarah", "Sofia", "Solène", "Sonia", "Sophie",
    "Stéphanie", "Suzanne", "Valentine", "Victoire", "Virginie", "Yasmine", "Zoé", "Awa",
    "Aminata", "Ana", "Beatriz", "Ewa", "Lilou", "Mila", "Romane", "Nour",
)
MALE_FIRST_NAMES = (
    "Adrien", "Ahmed", "Alexandre", "Amadou", "Antoine", "Arnaud", "Arthur", "Baptiste",
    "Benjamin", "Bilal", "Bruno", "Cédric", "Charles", "Christophe", "Clément", "Cyril", "Damien",
    "David", "Djibril", "Édouard", "Élias", "Emmanuel", "Éric", "Étienne", "Fabien", "Florian",
    "François", "Gabriel", "Gaël", "Guillaume", "Hakim", "Hugo", "Idriss", "Ismaël", "Jérémie",
    "Jérôme", "Jonathan", "Jules", "Julien", "Karim", "Kevin", "Khalil", "Laurent", "Léo", "Loïc",
    "Louis", "Luc", "Lucas", "Malik", "Marc", "Mathieu", "Maxime", "Mehdi", "Moussa", "Nabil",
    "Nathan", "Nicolas", "Olivier", "Omar", "Pascal", "Paul", "Pierre", "Quentin", "Raphaël",
    "Rémi", "Romain", "Samir", "Samuel", "Sébastien", "Simon", "Sofiane", "Stéphane", "Théo",
    "Thomas", "Tristan", "Valentin", "Victor", "Vincent", "Xavier", "Yann", "Yanis", "Youssef",
    "Yves", "Zinedine", "Minh", "Tuan", "João", "Tiago", "Piotr", "Aram", "Noé", "Malo", "Gaspard",
    "Anatole", "Sacha", "Timothée", "Basile", "Jean", "Mamadou", "Ousmane",
)
LAST_NAMES = (
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
    "Laurent", "Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
    "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent",
    "Muller", "Lefebvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier",
    "Chevalier", "François", "Legrand", "Gauthier", "Garcia", "Perrin", "Robin", "Clément",
    "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson", "Marchand", "Duval",
    "Denis", "Dumont", "Marie", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier", "Brun",
    "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard", "Barbier", "Arnaud",
    "Martinez", "Gérard", "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin", "Vidal", "Caron",
    "Picard", "Roger", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas", "Lacroix", "Olivier",
    "Philippe", "Bourgeois", "Pierre", "Benoît", "Rey", "Leclerc", "Payet", "Rolland", "Leclercq",
    "Guillaume", "Lecomte", "Lopez", "Jean", "Dupuy", "Guillot", "Hubert", "Berger", "Carpentier",
    "Sanchez", "Dupuis", "Moulin", "Louis", "Deschamps", "Huet", "Vasseur", "Perez", "Boucher",
    "Fleury", "Royer", "Klein", "Jacquet", "Adam", "Paris", "Poirier", "Marty", "Aubry", "Guyot",
    "Carré", "Charles", "Renault", "Charpentier", "Ménard", "Maillard", "Baron", "Bertin",
    "Bailly", "Hervé", "Schneider", "Fernandez", "Le Gall", "Collet", "Léger", "Bouvier", "Julien",
    "Prévost", "Millet", "Perrot", "Daniel", "Le Roux", "Cousin", "Germain", "Breton", "Besson",
    "Langlois", "Rémy", "Le Goff", "Pelletier", "Lévêque", "Perrier", "Leblanc", "Barré", "Lebrun",
    "Marchal", "Weber", "Mallet", "Hamon", "Boulanger", "Jacob", "Monnier", "Michaud", "Rodriguez",
    "Guichard", "Gillet", "Étienne", "Grondin", "Poulain", "Tessier", "Chevallier", "Collin",
    "Chauvin", "Da Silva", "Bouchet", "Gay", "Lemaître", "Bénard", "Maréchal", "Humbert",
    "Reynaud", "Antoine", "Hoarau", "Perret", "Barthélemy", "Cordier", "Pichon", "Lejeune",
    "Gilbert", "Lamy", "Delaunay", "Pasquier", "Carlier", "Laporte", "Benali", "Haddad",
    "Benaïssa", "Bensaïd", "Cherif", "Belkacem", "Mansouri", "Diallo", "Traoré", "Koné", "Diop",
    "Ndiaye", "Sow", "Camara", "Cissé", "Nguyen", "Tran", "Pham", "Le", "Dos Santos", "Ferreira",
    "Pereira", "Rodrigues", "Kowalski", "Nowak", "Petrossian", "Hakobyan", "Cohen", "Lévy",
    "Yilmaz", "Kaya", "Rossi", "Bianchi", "Ibrahim", "Saïdi", "Amrani", "Bouzid", "Chen", "Wang",
    "Okafor", "Mensah", "Bakayoko", "Fofana",
)

# (feminine, masculine, skills) — skills are the words people would search a directory for.
PROFESSIONS = (
    ("UX designer", "UX designer", ("recherche utilisateur", "prototypage", "Figma")),
    ("développeuse web", "développeur web", ("Python", "JavaScript", "Django", "accessibilité")),
    ("développeuse mobile", "développeur mobile", ("Kotlin", "Swift", "Flutter")),
    ("avocate d'affaires", "avocat d'affaires",
     ("droit des sociétés", "contrats", "levée de fonds")),
    ("avocate en droit social", "avocat en droit social", ("droit du travail", "prud'hommes")),
    ("experte-comptable", "expert-comptable",
     ("comptabilité", "fiscalité", "création d'entreprise")),
    ("photographe", "photographe", ("portrait", "reportage", "retouche")),
    ("traductrice", "traducteur", ("anglais", "allemand", "traduction technique")),
    ("interprète", "interprète", ("espagnol", "interprétation de conférence")),
    ("coach professionnelle", "coach professionnel",
     ("reconversion", "management", "prise de parole")),
    ("formatrice", "formateur", ("pédagogie", "bureautique", "formation en ligne")),
    ("graphiste", "graphiste", ("identité visuelle", "mise en page", "illustration")),
    ("illustratrice", "illustrateur", ("illustration", "bande dessinée", "édition jeunesse")),
    ("consultante marketing", "consultant marketing",
     ("SEO", "réseaux sociaux", "stratégie de marque")),
    ("rédactrice", "rédacteur", ("rédaction web", "storytelling", "relecture")),
    ("architecte d'intérieur", "architecte d'intérieur", ("aménagement", "rénovation", "3D")),
    ("architecte", "architecte", ("permis de construire", "éco-construction")),
    ("ébéniste", "ébéniste", ("menuiserie", "mobilier sur mesure", "restauration")),
    ("data analyst", "data analyst", ("SQL", "Python", "tableaux de bord")),
    ("data scientist", "data scientist", ("apprentissage automatique", "statistiques", "Python")),
    ("chargée de communication", "chargé de communication", ("relations presse", "événementiel")),
    ("cheffe de projet digital", "chef de projet digital", ("gestion de projet", "agilité")),
    ("product manager", "product manager", ("roadmap", "discovery", "agilité")),
    ("consultante RH", "consultant RH", ("recrutement", "marque employeur", "paie")),
    ("journaliste", "journaliste", ("enquête", "podcast", "écriture")),
    ("vidéaste", "vidéaste", ("montage", "motion design", "tournage")),
    ("ingénieure logiciel", "ingénieur logiciel", ("Java", "architecture logicielle", "cloud")),
    ("administratrice systèmes", "administrateur systèmes", ("Linux", "sécurité", "réseaux")),
    ("designer textile", "designer textile", ("tissage", "impression", "mode éthique")),
    ("conseillère en financement", "conseiller en financement",
     ("subventions", "BPI", "levée de fonds")),
    ("sophrologue", "sophrologue", ("gestion du stress", "bien-être au travail")),
    ("psychologue du travail", "psychologue du travail", ("qualité de vie au travail", "bilan")),
    ("consultante en RSE", "consultant en RSE", ("bilan carbone", "RSE", "économie circulaire")),
    ("community manager", "community manager", ("réseaux sociaux", "animation de communauté")),
    ("assistante indépendante", "assistant indépendant",
     ("administratif", "facturation", "agenda")),
    ("urbaniste", "urbaniste", ("concertation", "aménagement urbain")),
    ("ingénieure en acoustique", "ingénieur en acoustique", ("mesures acoustiques", "isolation")),
    ("doctorante", "doctorant", ("recherche", "rédaction scientifique")),
    ("game designer", "game designer", ("level design", "Unity", "narration")),
    ("consultante cybersécurité", "consultant cybersécurité", ("audit", "RGPD", "sécurité")),
)
PLAN_DAY_PASS = "Pass journée"  # noqa: S105 (a plan, not a password)
PLAN_TEN_DAYS = "Pass 10 jours"
PLAN_PART_TIME = "Temps partiel"
PLAN_RESIDENT = "Résident"
PLAN_PRIVATE_OFFICE = "Bureau privatif"
PLANS = (PLAN_DAY_PASS, PLAN_TEN_DAYS, PLAN_PART_TIME, PLAN_RESIDENT, PLAN_PRIVATE_OFFICE)

# Team companies: a brand from two lists; solo freelancers trade under their own name.
COMPANY_PREFIXES = (
    "Atelier", "Studio", "Collectif", "Agence", "Maison", "Cabinet", "Bureau", "Labo", "Coop",
    "Fabrique", "Comptoir", "Les Éditions", "Compagnie",
)
COMPANY_ROOTS = (
    "Lumen", "Kaléido", "Boréal", "Tilleul", "Saône", "Ardoise", "Mistral", "Azimut", "Canopée",
    "Origami", "Hélice", "Basalte", "Cerise", "Galet", "Sillon", "Orée", "Nacelle", "Quartz",
    "Prisme", "Escale", "Vercors", "Tramontane", "Pixel", "Chardon", "Lichen", "Mosaïque",
    "Brindille", "Cobalt", "Sémaphore", "Alizé", "Ginkgo", "Rhizome", "Traverse", "Boussole",
)
SOLO_COMPANY_PATTERNS = (
    "{first} {last}",
    "{last} Conseil",
    "Studio {last}",
    "{first} {last} EI",
    "{last} & Associés",
)

# Rooms a member may book in any space (names only; resources come with a later issue).
ROOMS = (
    "Salle Jacquard", "Salle des Canuts", "Cabine 1", "Cabine 2", "Salle Panorama", "Le Patio",
)

# Ruche & Co's first spaces beyond the three of the personas, around Lyon.
LYON_SPACES = (
    ("Atelier des Canuts", "8 rue d'Austerlitz", "69004", "Lyon"),
    ("La Verrière", "31 rue Paul-Bert", "69003", "Lyon"),
    ("Le Comptoir", "15 rue de Marseille", "69007", "Lyon"),
    ("Le Préau", "22 rue de Bourgogne", "69009", "Lyon"),
    ("La Tannerie", "5 rue de la République", "69600", "Oullins"),
    ("La Serre", "17 montée des Forts", "69300", "Caluire-et-Cuire"),
    ("La Passerelle", "40 rue Gorge-de-Loup", "69009", "Lyon"),
)

# Other operators at benchmark scale: (operator name, city, postal code).
OPERATOR_CITIES = (
    ("Cowork'Ouest", "Nantes", "44000"),
    ("Les Tiers-Lieux Girondins", "Bordeaux", "33000"),
    ("Ruelle", "Lille", "59000"),
    ("La Coop des Espaces", "Marseille", "13001"),
    ("Bureaux Nomades", "Toulouse", "31000"),
    ("Tissage", "Strasbourg", "67000"),
    ("Esprit Cowork", "Rennes", "35000"),
    ("Les Ateliers Partagés", "Montpellier", "34000"),
    ("Haut Débit", "Clermont-Ferrand", "63000"),
    ("Le Réseau Comtois", "Besançon", "25000"),
    ("Moutarde & Co", "Dijon", "21000"),
    ("La Loire Coworking", "Tours", "37000"),
    ("Les Docks", "Le Havre", "76600"),
    ("Pierre de Caen", "Caen", "14000"),
    ("Anjou Travail Partagé", "Angers", "49000"),
    ("Le Moulin Vert", "Limoges", "87000"),
    ("Garonne Lab", "Agen", "47000"),
    ("Côte d'Opale Cowork", "Boulogne-sur-Mer", "62200"),
    ("Tiers-Lieux d'Alsace", "Mulhouse", "68100"),
    ("Le Fil Rouge", "Saint-Étienne", "42000"),
    ("Azur Cowork", "Nice", "06000"),
    ("La Fabrique Picarde", "Amiens", "80000"),
    ("Champagne Cowork", "Reims", "51100"),
    ("Bureaux du Béarn", "Pau", "64000"),
    ("Les Remparts", "Avignon", "84000"),
    ("Le Phare Breton", "Brest", "29200"),
    ("Orléans Partagé", "Orléans", "45000"),
    ("Metz Cowork", "Metz", "57000"),
    ("Perpignan Soleil", "Perpignan", "66000"),
    ("Poitou Tiers-Lieux", "Poitiers", "86000"),
)
SPACE_NAMES = (
    "La Fabrique", "Le Comptoir", "La Verrière", "Les Ateliers", "L'Usine", "La Halle", "Le Phare",
    "Le Préau", "La Coursive", "La Passerelle", "Le Hangar", "La Serre", "Le Moulin",
    "La Tannerie", "La Forge", "La Cartonnerie", "Le Tissage", "La Manufacture", "L'Escale",
    "Le Cloître", "La Ruche", "La Canopée", "L'Établi", "La Filerie", "Le Lavoir", "La Gare",
    "Le Grand Bain", "La Minoterie", "L'Imprimerie", "La Chapellerie", "Le Relais", "Le Bastion",
)
STREET_NAMES = (
    "rue Victor-Hugo", "rue de la République", "avenue Jean-Jaurès", "rue Pasteur",
    "boulevard Gambetta", "rue du Général-de-Gaulle", "rue des Tanneurs", "quai des Chartreux",
    "rue Émile-Zola", "place du Marché", "rue Voltaire", "rue de la Gare", "rue des Écoles",
    "rue Jules-Ferry", "avenue de la Libération", "rue Lamartine",
)
SPACE_DESCRIPTIONS = (
    "Un espace de travail partagé lumineux, avec des postes en open space, des bureaux fermés "
    "et des salles de réunion. On y déjeune ensemble le mardi et on s'entraide le reste de la "
    "semaine.",
    "Un tiers-lieu ouvert aux indépendants, aux petites équipes et aux associations du quartier"
    " : postes de travail, salles équipées, café en libre-service et animations chaque semaine.",
    "Un coworking à taille humaine où l'on vient pour travailler au calme et rester pour la "
    "communauté : petits-déjeuners, ateliers entre membres et mises en relation.",
)

# Titles of the community events each space runs.
LUNCH_TITLE = "Déjeuner partagé"
BREAKFAST_TITLE = "Petit-déjeuner des membres"
AFTERWORK_TITLE = "Afterwork du mois"
WORKSHOP_TITLES = (
    "Atelier : prospecter sans s'épuiser",
    "Atelier : bien choisir son statut",
    "Atelier : l'IA générative, des usages concrets",
    "Atelier : prendre la parole en public",
    "Atelier : facturer et se faire payer",
    "Atelier : réussir son site sans se ruiner",
    "Atelier : le RGPD pour les indépendants",
    "Atelier : négocier ses tarifs",
    "Atelier : mieux dormir, mieux travailler",
    "Atelier : répondre à un appel d'offres public",
)
ASK_TITLES = (
    "Quelqu'un connaît un bon comptable pour une micro-entreprise ?",
    "Besoin d'un avis sur ma maquette de site",
    "Qui peut relire mes conditions générales de vente ?",
    "Recherche un photographe pour des portraits d'équipe",
    "Comment facturer un client à l'étranger ?",
    "Un traducteur anglais dispo cette semaine ?",
    "Des conseils pour une première levée de fonds ?",
    "Qui a déjà répondu à un appel d'offres public ?",
    "Je cherche un développeur pour un petit script Python",
    "Idées de lieu pour un séminaire à Lyon ?",
    "Quel logiciel de devis utilisez-vous ?",
    "Un graphiste pour un logo associatif ?",
)
NEED_TITLES = (
    "Relecture juridique d'un contrat",
    "Un site vitrine simple",
    "Aide sur ma comptabilité de fin d'année",
    "Un regard extérieur sur mon offre",
    "Traduction d'une plaquette en anglais",
    "Photos pour mon site",
    "Conseils pour recruter un premier salarié",
    "Un associé technique",
)
MEETING_CONTEXTS = (
    "déjeuner", "café", "atelier", "mise en relation", "afterwork", "machine à café",
)
GUEST_REASONS = (
    "client", "partenaire", "candidat", "rendez-vous",
)
# fmt: on
