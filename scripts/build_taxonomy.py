"""Build Maillage's compact skills taxonomy from the ESCO CSV exports.

    uv run python scripts/build_taxonomy.py [--esco ../shared/data/esco] [--explain DOMAIN]

Reads the ESCO skills pillar (skills_fr.csv, skills_en-us.csv, skillGroups_*.csv,
broaderRelationsSkillPillar.csv) and occupations (occupations_*.csv), keeps what
independent professionals and small teams in a coworking space actually do, and writes
`maillage/members/taxonomy/data/skills.json.gz`, which is committed: the product never
reads ESCO at run time.

How concepts are selected (all rules are below, in this file):

1. Every ESCO skill/knowledge concept is matched against the DOMAINS table: for each
   Maillage domain (design, web and software, law, accounting, ...), regular expressions
   over the English preferred label. Strong patterns select at any ESCO reuse level, weak
   ones only cross-sector and transversal concepts. The first domain that matches wins and
   becomes the concept's `group`. ESCO's transversal skills (teamwork, languages) are kept.
2. EXCLUDE drops concepts whose English label matches industrial, medical, agricultural,
   transport, ... vocabulary that the domain patterns would otherwise catch ("design
   aircraft", "sell bicycles"); it is checked first.
3. INCLUDE_URIS / EXCLUDE_URIS fix the few cases the patterns get wrong.
4. OCCUPATIONS maps ESCO occupations (job titles, French masculine and feminine forms)
   to the skill concepts they imply ("graphiste" -> graphic design); their labels become
   alternative labels of those concepts, because members describe themselves by job title.

`--explain DOMAIN` lists a domain's concepts instead of writing the file, for review. The
output is byte-identical for the same input.

The ESCO skills pillar exported here has no S1-S8 skill-group hierarchy (only 17
transversal groups, and skill-to-skill broader links for about 40 % of the concepts), so
`group` is a Maillage domain (`maillage:group/<slug>`) with French and English labels;
ESCO's own broader links are kept in `broader` where both ends were selected.

The hand-written `supplement.json` beside the output (colloquial labels, abbreviations,
Maillage-specific concepts) is merged at load time by `maillage.members.taxonomy.linker`,
so editing it does not need ESCO.

Skills taxonomy derived from ESCO, © European Union, https://esco.ec.europa.eu
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ESCO = ROOT.parent / "shared" / "data" / "esco"
OUTPUT = ROOT / "maillage" / "members" / "taxonomy" / "data" / "skills.json.gz"

ATTRIBUTION = "Skills taxonomy derived from ESCO, © European Union, https://esco.ec.europa.eu"
ESCO_VERSION_NOTE = "ESCO v1.0.x CSV export (exact minor version not recorded by the source)"

# fmt: off
# Each domain: (slug, French label, English label, strong patterns, weak patterns), matched
# against the English preferred label, case-insensitively. A strong pattern selects a concept
# at any ESCO reuse level; a weak one only a cross-sector or transversal concept (ESCO's
# sector- and occupation-specific skills are mostly about trades a coworking does not host).
# Order matters: the first domain that matches becomes the concept's group.
DOMAINS: list[tuple[str, str, str, list[str], list[str]]] = [
    (
        "languages",
        "Langues et traduction",
        "Languages and translation",
        [
            r"^translat(e|ion)\b(?! (formulae|strategy|chemical|requirement concepts into visual))",
            r"^interpret(ing)? (languages|spoken language|modes)", r"^interpreting modes",
            r"\bsubtitl", r"\blocali[sz]", r"\bterminolog(y|ical) (databases?|work)",
            r"\bdubbing", r"\bsurtitl", r"^linguistics$", r"^(?:comparative )?linguistic",
            r"\bsight translation", r"\btranslation memory", r"^(English|French|German|Spanish|"
            r"Italian|Portuguese|Dutch|Arabic|Chinese|Japanese|Russian|Polish|Greek|Swedish|"
            r"Danish|Finnish|Norwegian|Czech|Romanian|Hungarian|Turkish|Hebrew|Korean|Hindi|"
            r"Latin|Catalan|Basque|Ukrainian|Vietnamese|Persian|Bulgarian|Croatian|Serbian|"
            r"Slovak|Slovenian|Irish|Welsh|Occitan|Breton|Corsican|Tamil|Bengali|Urdu|Berber|"
            r"Wolof|Swahili|Lingala|Malagasy)$", r"\bsign language", r"\bproofread",
            r"\btranscri(be|ption) (texts?|interviews|audio|spoken|handwritten)",
            r"\bcommunicate in foreign languages", r"\bspeak different languages",
        ],
        [r"\btranslat", r"\blanguage", r"\blinguist"],
    ),
    (
        "design",
        "Design et graphisme",
        "Design and graphics",
        [
            r"\bgraphic design", r"\bdesign graphics", r"\bgraphics editor", r"\bcreative suite",
            r"\buser experience", r"\buser interface", r"\bUI design", r"\busability",
            r"\bwireframe", r"\binteraction design", r"\bhuman-computer interaction",
            r"\bprototype of user", r"\bdesign (application interfaces|user interface|"
            r"websites?|web|websites? layout|logos?|visual|layouts?|the visual|print)",
            r"\bvisual design", r"\btypograph", r"\billustrat(e|ion|ing)", r"\billustration",
            r"\bvisual (identity|arts?|communication|presentation|design)", r"\blogos?\b",
            r"\bbrand guidelines", r"\bcolou?r (theory|schemes?|matching|psychology)",
            r"\bdesktop publishing", r"\bcreate (digital images|sketches|storyboards?|"
            r"illustrations?|visual|mock-?ups?|prototypes?|layouts?|designs?|visual elements)",
            r"\bstoryboard", r"\b(packaging|product|industrial|furniture|textile|fashion|"
            r"jewelry|object|exhibition|lighting|set|costume|sound|game|interior|landscape|"
            r"service|experience) design\b", r"\bdesign thinking", r"\bdesign principles",
            r"\bdesign process", r"\bdesign (concepts?|briefs?|elements|proposals?|ideas)",
            r"\bmotion graphics", r"\banimat(ion|ions|e|ed) ", r"^animation", r"\b3D "
            r"(modell?ing|animation|computer graphics|texturing|lighting|printing|imagination|"
            r"organic)", r"\bdigital (art|compositing|illustration|sculpting|painting)",
            r"\bdrawing techniques", r"\bdraw (designs|sketches|blueprints|up artistic)",
            r"\bsketch", r"\bcomic", r"\bcalligraph", r"\bmock-?ups?", r"\bdesign software",
            r"\bcustomer experiences?", r"\bdesign (a|the) ", r"\bmake (sketches|drawings|"
            r"artistic)", r"\bartistic (illustration|design)", r"\bphoto editing",
            r"\btranslate requirement concepts into visual design", r"\bcreative (concepts|ideas)",
            r"\bdevelop design concept", r"\bdevelop creative ideas", r"\bpresent (detailed )?"
            r"design proposals", r"\bmood ?board",
        ],
        [r"\bdesign", r"\bgraphic", r"\bdraw", r"\bvisual"],
    ),
    (
        "software",
        "Web, logiciel et informatique",
        "Web, software and IT",
        [
            r"\bweb\b", r"\bwebsites?\b", r"\bonline\b", r"\binternet\b", r"\bICT\b", r"\bIT\b",
            r"\bsoftware", r"\bprogramming", r"\bprogram firmware", r"\bcoding", r"\bcode "
            r"(review|exploits)", r"\bcomputer (programming|science|engineering|technology|"
            r"literacy|history|forensics|trends)", r"\bdatabases?\b", r"\bcloud",
            r"\bcyber", r"\bmobile (app|device|operating)", r"\bapps?\b", r"\bapplications? "
            r"(development|design|programming|usability|interfaces?|security|framework)",
            r"\bdevops", r"\bagile", r"\bscrum", r"\bkanban", r"\blean project", r"\bdebug",
            r"\balgorithm", r"\bcontent management system", r"\bnetwork (security|architecture|"
            r"administration|design|engineering)", r"\bcomputer network", r"\bfirmware",
            r"\bsystems? (design|integration|architecture|analysis|testing|development|"
            r"administration|theory)", r"\bdigital (technolog|content|competence|identity|"
            r"documents|literacy|marketing|archives|libraries|game|data)", r"\be-?commerce",
            r"\be-?learning", r"\bcomputing", r"\bencryption", r"\boperating systems?",
            r"\bemail", r"\bspreadsheet", r"\bword processing", r"\boffice software",
            r"\bpresentation software", r"\bmicrosoft", r"\bversion control", r"\bdevelopment "
            r"environment", r"\bsoftware frameworks?", r"\bmarkup", r"\bquery languages?",
            r"\bscripting", r"\bintegration testing", r"\bunit testing", r"\bblockchain",
            r"\bInternet of Things", r"\bhardware", r"\bmalware", r"\bvirus",
            r"\bbackups?\b", r"\bsearch engine", r"\bresearch website", r"\bwebsite",
            r"\bUML\b", r"\bAPI\b", r"\bSaaS", r"\bservice-oriented", r"\bmiddleware",
            r"\bdata (storage|models|structures)", r"\bprivacy and identity",
            r"^(ABAP|AJAX|APL|ASP\.NET|Android|Ansible|Apache .*|Assembly|BlackBerry|C\+\+|C#|"
            r"COBOL|CSS|CoffeeScript|Common Lisp|DevOps|Drupal|Eclipse|Erlang|Groovy|Hadoop|"
            r"Haskell|IBM .*|Java|JavaScript|JavaScript Framework|Jenkins|Joomla|Kali Linux|"
            r"LDAP|Lisp|MATLAB|ML|MySQL|NoSQL|Objective-C|OpenEdge .*|Oracle .*|PHP|Pascal|Perl|"
            r"PostgreSQL|Prolog|Puppet .*|Python|R|Ruby|SAP .*|SPARK|SPARQL|SQL|SQL Server.*|"
            r"Sass|Scala|Scratch|Smalltalk|Swift|Teradata Database|TypeScript|VBScript|Vagrant|"
            r"Visual Studio .*|WebCMS|Windows Phone|WordPress|Xcode|iOS|jQuery|Salt|STAF|"
            r"Selenium|Jboss|Nginx|Node\.js|Angular|Git|GitHub|Subversion|Bugzilla|"
            r"CVS|Mercurial|ClearCase|RCS|Team Foundation Server|Gradle|Maven|Ant|KDevelop|"
            r"Magento|Shopify|Moodle|Blackboard.*|Sakai|Schoology|Litmos|Edmodo|Canvas|"
            r"Photoshop|Adobe .*|GIMP.*|Sketchbook.*|Synfig|Microsoft Visio|Autodesk .*|"
            r"SketchUp|Blender|Maya|3ds Max|Cinema 4D|Unity|Unreal Engine|CryENGINE|"
            r"GameMaker.*|Frostbite|Source|Havok Vision|Id Tech|Construct|Hootsuite|Salesforce|"
            r"Microsoft Dynamics|Tableau|QlikView.*|Power BI|Pentaho.*|Talend|Informatica.*|"
            r"SAS .*|Excel|Access)$",
        ],
        [r"\bcomputer", r"\bdigital", r"\bprogram\b"],
    ),
    (
        "data",
        "Données et intelligence artificielle",
        "Data and AI",
        [
            r"\bdata (analysis|analytics|mining|science|models|quality|visuali[sz]ation|"
            r"protection|collection|warehouse|extraction|sets?|privacy|processing|cleansing|"
            r"management|governance)", r"\banaly[sz]e (data|big data|current data|"
            r"experimental|test data|collected data)", r"\bstatistic", r"\bmachine learning",
            r"\bartificial intelligence", r"\bbusiness intelligence", r"\banalytics",
            r"\bbig data", r"\bvisual data", r"\bdashboards?", r"\bforecast", r"\bquantitative",
            r"\bqualitative research", r"\bsurvey", r"\bresearch (methods|methodology|"
            r"interviews?)", r"\bpredictive", r"\bneural", r"\bdeep learning",
            r"\bnatural language processing", r"\bdata\b", r"\bpresent (data|findings)",
            r"\bcomputer vision", r"\binformation (architecture|structure|extraction|"
            r"retrieval|categorisation|categorization)", r"\bonline analytical processing",
            r"\bdata mining", r"\bmathematic", r"\bnumerical calculations",
            r"\banalytical mathematical",
        ],
        [],
    ),
    (
        "law",
        "Droit",
        "Law",
        [
            r"\b(business|civil|commercial|competition|constitutional|consumer|contract|"
            r"corporate|employment|labou?r|family|insolvency|insurance|intellectual property|"
            r"international|media|press|property|public|procedural|tax|trading|urban planning|"
            r"environmental|European Union|company|criminal|administrative|real estate|"
            r"copyright|patent|trademark|value-added tax|data protection) (law|legislation)\b",
            r"\blaw of\b", r"\blegal", r"\blitigation", r"\bintellectual property",
            r"\bcopyright", r"\btrademark", r"\bpatents?\b", r"\bcontracts?\b", r"\blegislat",
            r"\bcourt", r"\bmediation", r"\barbitration", r"\bdisputes?\b", r"\binterpret law",
            r"\blicen[cs](e|es|ing)? agreements?", r"\blicensing agreements",
            r"\bstatutory", r"\blawyer", r"\bcase law", r"\blease agreements?",
            r"\bbusiness agreements", r"\bofficial agreement", r"\bdue diligence",
            r"\bcompliance", r"\bprivacy", r"\bregulat(ion|ions|ory)\b", r"\bethical code",
            r"\bcode of (conduct|ethics)", r"\bhuman rights", r"\bpowers of attorney",
            r"\bnotar", r"\bwill writing", r"\bGDPR", r"\bterms and conditions",
        ],
        [r"\blaws?\b", r"\brights\b"],
    ),
    (
        "accounting",
        "Comptabilité, finance et fiscalité",
        "Accounting, finance and tax",
        [
            r"\baccounting", r"\baccounts?\b(?! (managers?|strategy))", r"\bbookkeep", r"\btax",
            r"\bfiscal", r"\bpayroll", r"\binvoic", r"\bbudget", r"\bfinanc", r"\baudit",
            r"\bfund(s|ing|raising)\b", r"\bcrowdfunding", r"\bgrants?\b", r"\binvest",
            r"\bcash", r"\bbank", r"\bcredit", r"\bloans?\b", r"\bcosts?\b", r"\bcost-",
            r"\bprofit", r"\bbalance sheet", r"\bvaluation", r"\bpric(e|es|ing)\b",
            r"\binsurance", r"\bsubsid", r"\bcapital", r"\bequity", r"\bmonetary",
            r"\beconomic", r"\beconomics", r"\bVAT\b", r"\bpayments?\b", r"\bsalar(y|ies)",
            r"\bwages?\b", r"\brevenue", r"\bexpenses?\b", r"\bdebt", r"\bcurrenc",
            r"\bpension", r"\bsponsorship", r"\bdonor", r"\bbusiness valuation",
            r"\bpetty cash", r"\breceivables", r"\bcash flow", r"\bcompensation",
        ],
        [],
    ),
    (
        "hr",
        "Ressources humaines",
        "Human resources",
        [
            r"\bhuman resources?", r"\brecruit", r"\bhire\b", r"\bhiring", r"\bemployees?\b",
            r"\bpersonnel\b", r"\bstaff\b", r"\bworkforce", r"\bjob (descriptions?|interviews?|"
            r"market|profiles?)", r"\bcareer", r"\btalent", r"\bonboarding", r"\binterview "
            r"(people|candidates|applicants)", r"\bconduct (job )?interviews",
            r"\bperformance (appraisal|review|management)", r"\bcompetenc(y|ies) (models?|"
            r"framework)", r"\bwell-?being at work", r"\bteam ?building",
            r"\bemployment", r"\bworkplace", r"\blabou?r (relations|market)", r"\bwork(ing)? "
            r"conditions", r"\btrade unions?", r"\bdiversity", r"\bequal opportunit",
            r"\bsuccession planning", r"\bshifts\b", r"\bvolunteers?", r"\bwork-life",
            r"\bsalary", r"\bjob (satisfaction|analysis)", r"\boccupation analy",
            r"\bshape organi[sz]ational teams", r"\bcorporate training", r"\bcareer guidance",
        ],
        [],
    ),
    (
        "marketing",
        "Marketing et vente",
        "Marketing and sales",
        [
            r"\bmarketing", r"\bmarket (research|analysis|entry|niches?|trends|segment|study|"
            r"participants|pricing|requirements)", r"\bmarkets for\b", r"\bmarket\b",
            r"\badvertis", r"\bbrand", r"\bsocial media", r"\bsearch engine",
            r"\bcustomer (relationship|experience|insight|segmentation|journey|service|"
            r"satisfaction|feedback|needs|requirements|engagement|management|follow-up|focus|"
            r"orientation|rapport|interaction|objectives)", r"\bclient orientation",
            r"\bclients' needs", r"\bcustomers' needs", r"\bsales\b", r"\bsell (products|"
            r"services|software products)\b", r"\bpromot(e|ion|ional) (company|yourself|"
            r"event|products|campaigns?|materials?|tools|your writings|music)",
            r"\bself-promot", r"\bcampaign", r"\bprospect", r"\bnegotiat", r"\bbusiness "
            r"development", r"\bCRM\b", r"\bconsumer (behaviou?r|buying|trends|insight)",
            r"\bpitch", r"\bpublicity", r"\bsponsor", r"\bmerchandising", r"\bexport",
            r"\bimport", r"\btrade fairs", r"\btender", r"\bprocurement", r"\bsupplier",
            r"\bpricing strateg", r"\bcompetit", r"\bloyalty", r"\bpersuas", r"\bgrowth",
            r"\bcross-selling", r"\bupsell", r"\bactive selling", r"\bcall to action",
            r"\bcommercial (potential|documentation|transactions)", r"\bonline sales",
            r"\bpurchas", r"\bbuying", r"\bkey account", r"\bsegmentation", r"\bmystery shopping",
        ],
        [r"\bcustomer", r"\bclients?\b", r"\bpromot"],
    ),
    (
        "communication",
        "Communication, rédaction et édition",
        "Communication, writing and publishing",
        [
            r"\bpublic relations", r"\bpress (releases?|conferences?|kit|law)", r"\bmedia "
            r"(plan|strategy|planning|schedule|relations|outlets|studies|formats|law|sources)",
            r"\bwith (the )?media\b", r"\bjournalis", r"\bcopywrit", r"\bproofread",
            r"\bediting\b", r"\beditorial", r"\bedit (scripts|texts?|manuscripts?|articles)",
            r"\bpublish", r"\bnewsletters?", r"\bblog", r"\bcontent", r"\bstorytelling",
            r"\bspeech(es)?\b", r"\bspeak (in public|about your work)", r"\bpublic speaking",
            r"\bpresentations?\b", r"\bpresent (arguments|reports|a cause)", r"\bnews\b",
            r"\bspokesperson", r"\blobby", r"\bpublic (affairs|opinion)", r"\bcrisis "
            r"(management|communication)", r"\bnarrative", r"\bscripts?\b", r"\bscreenplay",
            r"\bliterature", r"\bliterary", r"\bpoetry", r"\bgrammar", r"\bspelling",
            r"\brhetoric", r"\bdebates?\b", r"\bbook (reviews|releases|events|fairs)",
            r"\bmanuscript", r"\bwrit(e|ing|ten)\b", r"\bwriters?\b", r"\bheadlines",
            r"\bcaptions", r"\bdialogs", r"\bstorylines", r"\bvoice-overs", r"\bleaflets",
            r"\bstyle guides", r"\bcommunicat", r"\binternal communications", r"\bnon-verbal",
            r"\bprinting techniques", r"\bprinted (media|goods)", r"\bdigital printing",
            r"\bprint(ing)? (media|materials)", r"\bcorrespondence",
        ],
        [r"\bmedia\b", r"\bpresent\b"],
    ),
    (
        "coaching",
        "Coaching et accompagnement",
        "Coaching and counselling",
        [
            r"\bcoach(ing)?\b(?! during)", r"\bcoaching", r"\bmentor", r"\bcounsel", r"\bpersonal "
            r"development", r"\bself-(reflect|awareness|esteem|confidence|management|promot)",
            r"\bmotivat", r"\bpsycholog(y|ical) (?!health assessment)", r"\bpsychology$",
            r"\bemotional intelligence", r"\bempath", r"\bconflict", r"\bstress management",
            r"\bresilien", r"\bmindfulness", r"\bmeditat", r"\blife skills", r"\bguidance",
            r"\bsupport (individuals|clients|people)", r"\bgoal", r"\bconfidence", r"\bfeedback",
            r"\blisten", r"\bclient-centered", r"\bsophrolog", r"\bhypno", r"\bneuro-linguistic",
            r"\bpositive psychology", r"\bcareer (guidance|counsel)", r"\bhelp clients",
            r"\bassist clients with personal", r"\bencourage counseled", r"\bwork-life",
            r"\bemployability", r"\bbehavio(u)?ral", r"\bgroup dynamics",
        ],
        [],
    ),
    (
        "training",
        "Formation et enseignement",
        "Training and teaching",
        [
            r"\btraining (programs|courses|materials|needs|session|subjects)", r"\btrain "
            r"(employees|staff|people|others)", r"\bdeliver online training",
            r"\bdevelop training", r"\bcorporate training", r"\bteach(ing)? (methods|"
            r"strategies|principles|marketing|writing|communication|computer|digital|"
            r"languages?|photography|art|design|public speaking|business|economic|"
            r"entrepreneurship|yoga|dance|music|creative)", r"\bteach\b", r"\bpedagog",
            r"\bdidactic", r"\blearning", r"\bcourse", r"\bcurricul", r"\binstruction(al)? "
            r"design", r"\btutor", r"\bwork(shops?)", r"\blesson", r"\bmooc",
            r"\badult education", r"\beducational (content|materials|programs|activities)",
            r"\bassessment (processes|methods)", r"\bassess (students|learners|trainees)",
            r"\blearners?\b", r"\btrainees?\b", r"\beducat",
        ],
        [],
    ),
    (
        "media",
        "Photo, vidéo et son",
        "Photo, video and sound",
        [
            r"\bphotograph", r"\bphoto", r"\bcamera", r"\bvideo", r"\bfilm(s|ing|making)?\b",
            r"\bmotion picture", r"\bsound", r"\baudio", r"\bmusic",
            r"\brecord (audio|music|multi-track)", r"\brecording",
            r"\bpodcast", r"\bbroadcast", r"\bradio", r"\blighting (techniques|design|plan)",
            r"\bpost-production", r"\bcinemat", r"\bshoot", r"\bstudio", r"\bmultimedia",
            r"\bimages?\b", r"\bvoice", r"\bdocumentar", r"\bmontage", r"\bmixing",
            r"\bmastering", r"\bfootage", r"\baudiovisual", r"\bcolou?r grad", r"\bediting",
            r"\bedit (photographs|negatives|recorded sound|digital moving images)",
            r"\bsongs?\b", r"\bcompose music", r"\bcomposers?\b", r"\bmusical", r"\blive stream",
            r"\bimage composition",
        ],
        [],
    ),
    (
        "architecture",
        "Architecture et aménagement",
        "Architecture and interiors",
        [
            r"\barchitect(ure|ural)", r"\binterior", r"\bbuilding (regulations|codes|design|"
            r"systems|envelope|information|plans)", r"\burban (planning|design)",
            r"\blandscape (architecture|design)", r"\brenovat", r"\bdecorat",
            r"\bfloor plans?", r"\bBIM\b", r"\bCAD(D)?\b", r"\bCAE software", r"\btechnical "
            r"drawings?", r"\bspatial", r"\bhousing", r"\benergy (performance|efficiency)",
            r"\bpassive house", r"\bheritage", r"\bscenograph", r"\bset design",
            r"\bexhibition", r"\bfurnish", r"\bhome staging", r"\bproperty", r"\breal estate",
            r"\bsustainable (building|design|construction)", r"\bbuilding materials",
            r"\bconstruction (methods|project|law|legal|products|plans|permits|industry)",
            r"\bsite plans", r"\bblueprints", r"\bscale models", r"\bdesign floor",
            r"\bmodel making", r"\bergonom", r"\bacoustic", r"\bdaylight", r"\bfeng shui",
        ],
        [],
    ),
    (
        "crafts",
        "Artisanat et fabrication",
        "Crafts and making",
        [
            r"\bwood", r"\bcarpent", r"\bcabinet", r"\bjoiner", r"\bfurniture", r"\bupholst",
            r"\bceramic", r"\bpotter", r"\bclay\b", r"\bjewel", r"\bsew", r"\bstitch",
            r"\bembroider", r"\bknit", r"\bweav", r"\btextile", r"\bfabrics?\b", r"\bleather",
            r"\bglass", r"\bmetalwork", r"\bsmith", r"\bbookbind", r"\bbind books", r"\bengrav",
            r"\bsculpt", r"\bcraft", r"\brestor", r"\bhandmade", r"\bhand tools", r"\bsanding",
            r"\bvarnish", r"\bgild", r"\bmosaic", r"\bscreen printing", r"\bpaper",
            r"\bcandle", r"\bsoap", r"\bperfume", r"\bfloral", r"\bflower arrangements",
            r"\bpatterns? (for garments|making)", r"\btailor", r"\bgarment", r"\bclothing",
            r"\btoys?\b", r"\blaser (cutting|engraving)", r"\bCNC\b", r"\bsolder",
            r"\belectronic", r"\bArduino", r"\b3D print", r"\bprototyp", r"\bwicker",
            r"\bbasket", r"\bmilliner", r"\bhats?\b", r"\bstained glass", r"\benamel",
            r"\bfinish(es|ing)\b", r"\bantique", r"\bframing", r"\bhandicraft", r"\bdye",
        ],
        [],
    ),
    (
        "culture",
        "Arts, culture et événements",
        "Arts, culture and events",
        [
            r"\bart(s|istic|ist|ists)?\b", r"\bcultur(al|e)\b", r"\btheat", r"\bdanc",
            r"\bsing(ing)?\b", r"\bmuseum", r"\bgaller", r"\bcurat", r"\bfestival",
            r"\bevents?\b", r"\bconferences?\b", r"\bvenue", r"\bimprovis", r"\bactors?\b",
            r"\bauthor", r"\bcollection", r"\bhistory of", r"\bart history", r"\bperform(ing)? "
            r"arts", r"\baudience", r"\bcommunity arts", r"\bcreative (process|performance|"
            r"department)", r"\bhospitality", r"\bseminars?\b",
        ],
        [],
    ),
    (
        "management",
        "Gestion d'entreprise et conseil",
        "Business management and consulting",
        [
            r"\bbusiness", r"\bentrepreneur", r"\bstart-?ups?", r"\bstrateg", r"\bprojects?\b",
            r"\bleadership", r"\blead (a team|teams|others|managers|board)",
            r"\bconsult(ing|ancy|ant)", r"\borgani[sz]ational", r"\bchange management",
            r"\binnovat", r"\bgovernance", r"\bstakeholder", r"\bpartnerships?", r"\bKPI",
            r"\bkey performance indicators", r"\bcorporate social", r"\bsustainab",
            r"\bcircular economy", r"\bsocial (economy|enterprise|entrepreneurship)",
            r"\bcooperatives?", r"\bnon-?profit", r"\bfacilitat", r"\bmeetings?\b",
            r"\btime management", r"\bmanage time", r"\bprioriti", r"\badministrat",
            r"\boffice\b", r"\bsecretar", r"\bclerical", r"\bfeasibility", r"\bbusiness plan",
            r"\bmanage (a )?(team|staff|company|business|small|operations|resources|budgets?|"
            r"contracts?|relationships|quality|processes|conflicts?|priorities)",
            r"\bquality (management|assurance)", r"\brisk (management|"
            r"analysis|assessment)", r"\bprocess (improvement|modell?ing|optimi)",
            r"\bbusiness process", r"\bperformance (measurement|indicators)", r"\bbenchmark",
            r"\bdecision-making", r"\bmake (strategic )?(business )?decisions",
            r"\b(strategic|resource|business|perform) planning", r"\bperform planning",
            r"\bcompany (policies|culture)", r"\bethics", r"\bCSR\b", r"\benvironmental "
            r"(management|impact|policy|policies|issues|awareness|legislation)", r"\bcarbon",
            r"\benergy (transition|saving)", r"\bmanagement\b",
            r"\blean\b", r"\bsix sigma", r"\boutsourc", r"\bfranchis", r"\bcompany",
            r"\borgani[sz]e (information|meetings?|events?|conferences?|business)", r"\bagenda",
            r"\bsupervis(e|ion) (work|staff|team)", r"\bdelegat",
            r"\bmerger", r"\bacquisition", r"\bethical", r"\bplan (the )?(work|activities)",
            r"\bplan (schedule|self-organi[sz]ation|resource allocation|medium to long term)",
            r"\bcompany polic", r"\borgani[sz]ational polic", r"\breport on overall management",
            r"\bdocument management", r"\bproject (documentation|progress|information|metrics)",
            r"\bbusiness documents", r"\boffice (administration|routine|systems)",
        ],
        [r"\bmanage", r"\bplan\b", r"\borgani[sz]e"],
    ),
    (
        "wellbeing",
        "Bien-être et santé",
        "Wellbeing and health",
        [
            r"\byoga", r"\bmassage", r"\bnutrition", r"\bdiet(etic|s)?\b", r"\bwellness",
            r"\bfitness", r"\bexercise", r"\brelaxation", r"\bnaturopath", r"\bosteopath",
            r"\bhealthy", r"\bhealth promotion", r"\bsleep", r"\bholistic", r"\breflexolog",
            r"\baromatherap", r"\bpilates", r"\bmartial arts", r"\bbreathing", r"\bbeauty",
            r"\bcosmetic", r"\bwell-being", r"\bacupunct", r"\bshiatsu", r"\bphytotherap",
            r"\bart therap", r"\bmusic therap", r"\bdrama therap", r"\bdance therap",
        ],
        [],
    ),
    (
        "soft_skills",
        "Savoir-être et compétences transversales",
        "Soft skills",
        [
            r"^create solutions to problems$", r"^think (analytically|critically|proactively)",
            r"^(handle|cope with) (stressful situations|pressure)", r"^react calmly",
            r"^tolerate stress", r"^manage stress", r"^show (initiative|confidence|empathy)",
            r"^demonstrate (leadership|initiative)", r"^work (independently|in teams)$",
            r"^take initiative", r"^use questioning techniques",
        ],
        [],
    ),
]

# Industrial, medical, agricultural, transport... vocabulary: a concept whose English label
# matches is dropped even if a domain pattern matched it.
EXCLUDE: list[str] = [
    # living things, food and farming
    r"\banimal", r"\blivestock", r"\bpet(s)?\b", r"\bdogs?\b", r"\bhorses?\b", r"\bfish",
    r"\bshellfish", r"\bpoultry", r"\bcattle", r"\bdairy", r"\bmilk", r"\bbee(s|keeping)?\b",
    r"\bhatcher", r"\baquacultur", r"\bveterinar", r"\bzoo", r"\bwildlife", r"\bhunt",
    r"\bgame (management|species)", r"\bcrops?\b", r"\bfarm", r"\bagricult", r"\bagronom",
    r"\bharvest", r"\bplants?\b", r"\bseeds?\b", r"\bsoil", r"\bfertili[sz]", r"\bpesticid",
    r"\bherbicid", r"\bpests?\b", r"\birrigat", r"\bforest", r"\btimber", r"\blogging\b",
    r"\blogs\b", r"\bsawmill", r"\bvineyard", r"\bgrape", r"\bwine", r"\bbeer", r"\bbrew",
    r"\bdistill", r"\bspirits\b", r"\bbeverage", r"\bdrinks?\b", r"\bfood", r"\bmeat",
    r"\bslaughter", r"\bbakery", r"\bpastr", r"\bdough", r"\bcook", r"\bkitchen", r"\bchef",
    r"\bculinary", r"\bdish(es)?\b", r"\bmenu", r"\brestaurant", r"\bcater", r"\bcacao",
    r"\bcocoa", r"\bcoffee", r"\btea\b", r"\btobacco", r"\bsugar", r"\bcereal", r"\bgrain",
    r"\bedible", r"\boils?\b", r"\bfats?\b", r"\bfermentat", r"\bturf", r"\bgarden",
    r"\bhorticult", r"\btrees?\b", r"\bcanopy",
    # health and care
    r"\bpatient", r"\bmedic", r"\bclinic", r"\bnurs(e|ing)", r"\bsurg", r"\bdental",
    r"\bdentist", r"\bhospital", r"\bhealth ?care", r"\bpharma", r"\bdrugs?\b", r"\bdisease",
    r"\binfection", r"\bdiagnos", r"\bradiolog", r"\bradiograph", r"\bradiation",
    r"\btreatment", r"\brehabilitat", r"\bpregnan", r"\bbirth", r"\bmidwi", r"\bobstetric",
    r"\banesthe", r"\bpsychotherap", r"\bpsychiatr", r"\baudiolog", r"\boptic",
    r"\bvision", r"\bhearing", r"\bpodiatr", r"\bphysiotherap", r"\bchiropract", r"\bblood",
    r"\bcancer", r"\bdementia", r"\bdisabilit", r"\bsocial service", r"\bsocial work",
    r"\bcare ?(plan|givers?|users?|workers?)", r"\belderly", r"\bchild ?care", r"\byouth work",
    r"\bfuneral", r"\bcemeter", r"\bembalm", r"\bdeath", r"\bdeceased", r"\bgrief",
    r"\bmortuar", r"\bhygiene", r"\bsanitat", r"\bsterili", r"\btoxic", r"\bbiolog",
    r"\blaborator", r"\bspecimen", r"\bgenetic", r"\bcell(s)?\b", r"\bvaccin",
    # industry, energy, transport, security
    r"\bmachine(s|ry)?\b(?! learning)", r"\bequipment", r"\bmanufactur", r"\bproduction line",
    r"\bassembly line", r"\bfactory", r"\bplant operations", r"\bindustrial (?!design)",
    r"\bweld", r"\bfurnace", r"\bkiln", r"\bboiler", r"\bturbine", r"\bengines?\b",
    r"\bmotor", r"\bhydraulic", r"\bpneumatic", r"\bpipeline", r"\bpiping", r"\bplumb",
    r"\bHVAC", r"\bventilat", r"\belectrical (system|wiring|install)", r"\bwiring",
    r"\belectricity", r"\bpower (plant|station|grid|line)", r"\bnuclear", r"\breactor",
    r"\bsolar", r"\bwind (farm|turbine)", r"\bgas\b", r"\bpetrol", r"\bfuel", r"\bmining",
    r"\bmine(s)?\b", r"\bmineral", r"\bquarr", r"\bdrill", r"\bwells?\b", r"\bgeolog",
    r"\bseismic", r"\bchemical", r"\bchemistry", r"\bchromatograph", r"\bmetallurg",
    r"\bsteel", r"\biron\b", r"\bfoundry", r"\bcasting", r"\bmould", r"\bmold(s|ing)?\b",
    r"\bplastic", r"\brubber", r"\btyres?\b", r"\btires?\b", r"\bconcrete", r"\bcement",
    r"\basphalt", r"\bmasonry", r"\bbrick", r"\broof", r"\bscaffold", r"\bdemolition",
    r"\bexcavat", r"\broads?\b", r"\bbridges?\b", r"\btunnel", r"\bsewer", r"\bsewage",
    r"\bwaste ?water", r"\bwater (supply|treatment|network)", r"\bdesalinat", r"\bwaste",
    r"\brecycling (?!of)", r"\bdredg", r"\bcranes?\b", r"\bforklift", r"\bhoist",
    r"\blift(s|ing)\b",
    r"\belevator", r"\bconveyor", r"\bwarehouse", r"\bstorage", r"\binventor",
    r"\bstock(s)? (control|levels|rotation)", r"\bcargo", r"\bfreight", r"\bshipment",
    r"\bshipping", r"\bparcel", r"\bpostal", r"\bmail\b", r"\bdeliver(y|ies)\b",
    r"\bvehicle", r"\bcars?\b", r"\bautomotive", r"\btrucks?\b", r"\bbus(es)?\b", r"\btaxi",
    r"\btram", r"\brail", r"\btrains?\b", r"\blocomotiv", r"\bfleet", r"\bdriv(e|er|ers|ing)\b",
    r"\btraffic", r"\bparking", r"\baircraft", r"\bairport", r"\baviation", r"\bairside",
    r"\bflights?\b", r"\bpilot", r"\baerospace", r"\bspace(craft)? ", r"\bsatellite",
    r"\bvessel", r"\bships?\b", r"\bboats?\b", r"\bmaritime", r"\bnaval", r"\bmarine",
    r"\bport(s)?\b", r"\bdock", r"\bharbou?r", r"\bnavigat", r"\bsail", r"\bdiving",
    r"\bpolice", r"\bprison", r"\bcorrection", r"\bcriminal", r"\bcrime", r"\boffender",
    r"\bmilitar", r"\bweapon", r"\bfirearm", r"\bammunition", r"\bexplosive", r"\bpyrotechn",
    r"\bfire ?(fight|safety|prevention|protection|alarm)", r"\bfires?\b", r"\bemergenc",
    r"\brescue", r"\bsecurity (guard|team|officer|personnel|systems?)\b", r"\balarm",
    r"\bsurveillance", r"\bcustoms\b", r"\bborder", r"\bimmigra", r"\bembargo",
    r"\bcasino", r"\bgambling", r"\bbetting", r"\blotter", r"\bgaming (table|floor)",
    r"\bpawn", r"\bauction", r"\bhotel", r"\baccommodation", r"\bhousekeep", r"\blaundr",
    r"\bclean(ing)?\b", r"\bhair", r"\bnail", r"\bmake-?up", r"\btattoo", r"\bpiercing",
    r"\bspa\b", r"\bsauna", r"\bsports? (team|official|event|equipment|facilit|games?)",
    r"\bathlet", r"\bcamp(ing|site)?\b", r"\bski", r"\bswimm", r"\bgolf", r"\bsoccer",
    r"\breligio", r"\bchurch", r"\bspiritual", r"\bpastoral", r"\bchildren", r"\binfant",
    r"\bpupils?\b", r"\bschool", r"\bkindergarten", r"\bprimary education",
    r"\bsecondary (school|education)", r"\bhigher education", r"\buniversit", r"\bacadem",
    r"\bdoctoral", r"\bthesis", r"\bscientific", r"\blaborat", r"\bphysic(s|al science)",
    r"\bastronom", r"\bmeteorolog", r"\boceanograph", r"\bhydrograph", r"\btopograph",
    r"\bcartograph", r"\bsurvey(ing|or) (land|mine)", r"\bland survey", r"\bgeodes",
    r"\bsecurities trading", r"\bstock exchange", r"\bcommodit", r"\bderivatives",
    r"\bgovernment", r"\bpublic (sector|administration|office|health)", r"\bparliament",
    r"\bmunicipal", r"\bdiplomat", r"\bembass", r"\belection", r"\bpolitical",
    r"\bsocial security", r"\bwelfare", r"\bbenefit claim", r"\bcorrespondence courses",
    r"\bprint(ing)? (press|machine|plates?)", r"\bflexograph", r"\blithograph",
    r"\boffset", r"\bpaper ?(mill|machine|pulp|making)", r"\bpulp",
    r"\btextile (machin|process|industr|manufactur)",
    r"\bfootwear", r"\byarn", r"\bfibres?\b", r"\bfibers?\b", r"\bspinning", r"\bdyeing",
    r"\btannery", r"\btanning", r"\bhides\b", r"\bfur\b", r"\bwatch(es|making)?\b",
    r"\bclock", r"\bjewel(le)?ry (?!design)", r"\bgemstone", r"\bdiamond",
    r"\bpipe organ", r"\binstruments? (?!of)", r"\bpiano", r"\borgan\b", r"\bstage (?!fright)",
    r"\bscenic", r"\brigging", r"\bpuppet", r"\bcircus", r"\bstunts?\b", r"\bopera",
    r"\borchestr", r"\bchoreograph", r"\bballet",
    r"\bmaintain\b", r"\bmaintenance", r"\brepair", r"\binstall", r"\boperate\b",
    r"\bcalibrat", r"\binspect", r"\bmonitor (?!(social|market|brand|website))",
    r"\bhealth and safety", r"\bsafety (?!culture)", r"\bhazard", r"\bcontaminat",
    r"\bpollut", r"\bradioactiv", r"\bchimney", r"\bsweep", r"\bpaving", r"\bglazing",
    r"\bboat", r"\bkeel", r"\bvault", r"\bcash ?(register|desk|point)", r"\btill\b",
    r"\bcheckout", r"\bsupermarket", r"\bshop ?(floor|window)", r"\bsecond-hand",
    r"(?-i:^(understand (spoken|written)|interact verbally in|write) [A-Z][a-z]+( [A-Z][a-z]+)?$)",
    r"\bproduction (schedul|plan|reports|results|needs|enterprise|KPI|feasibility|process)",
    r"\blandscap(?!e (architecture|design))", r"\bgaming", r"\bwater", r"\baeronautical",
    r"\baerodrome", r"\bengineering (activities|project|teams|site)", r"\bblast", r"\bmisfire",
    r"\bsignal(l)?ing", r"\bcaptain", r"\brig\b", r"\bwetlands", r"\bflood", r"\bhabitat",
    r"\bgreenhouse", r"\bpatrol", r"\bdefen[cs]e\b", r"\bforeign affairs", r"\belector",
    r"\bvoting", r"\bcivil partnership", r"\babuse", r"\bsexual", r"\bphlebotom",
    r"\borthodont", r"\bcardio", r"\bpigs?\b", r"\bdesserts?", r"\bsalon", r"\bcall cent",
    r"\bstore (opening|closing)", r"\btheft", r"\bclosed-circuit", r"\bdangerous goods",
    r"\btest drives?", r"\bwires\b", r"\bmeter", r"\bwindow", r"\btoilet", r"\bmicrosystem",
    r"\bmechatronic", r"\bmicroelectromechanical", r"\bmaterial testing", r"\binstrumentation",
    r"\bprocess engineering", r"\bairspace", r"\bairfield", r"\btransport", r"\bsports?\b",
    r"\bfight", r"\bweight loss", r"\bhealth(?!y)", r"\bdosimetr", r"\bbiomedical",
    r"\bvenepuncture", r"\bcarbonation", r"\bgreens and grounds", r"\brelocat",
    r"\bgoods\b", r"\bcostume", r"\bcasino", r"\bbingo", r"\btote\b", r"\brented",
    r"\bstocked", r"\bstock (of|in|shelves|records|quality)", r"\bshelves", r"\bfunds? "
    r"(management|for physical)", r"\blibrar(y|ies)", r"\brehearsal", r"\bpre-show",
    r"\bonboard", r"\bon board", r"\bpark visitors", r"\btenants", r"\bbeneficiar",
    r"\bconstruction (crews|activities|site)", r"\bmooring", r"\bjury", r"\bcollisions",
    r"\blevel crossing", r"\balcohol", r"\bforging", r"\bpunch press", r"\bstamping",
    r"\bpress (parts|cylinders|paper|soap|-cycle)", r"\bauger", r"\bdry-press",
    r"\bprinted circuit", r"\brotogravure", r"\bstripping", r"\bcontrast media",
    r"\bcommunication disorders", r"\bspeech (disorders|problems|and language)",
    r"\bcued speech", r"\benemy", r"\bneurolog", r"\bsignaling reports", r"\bweather",
    r"\bbatch record", r"\bstress analysis", r"\bhoroscopes", r"\btarot", r"\bastrolog",
    r"\bwith youth", r"\bpsychosocial", r"\bservice users", r"\bairworthiness",
    r"\bmoisture", r"\bdialect", r"\briverspeak", r"\bride communications",
    r"\bfamilies in crisis", r"\bsocial crisis", r"\bcrisis intervention",
    r"\bfitness (clients|customers|customer|risk|environment)", r"\bspecial needs",
    r"\bfoster", r"\bescort", r"\bwaiting list", r"\bamusement park",
    r"\bpacking", r"\bpack merchandise", r"\bpackage purchases", r"\bseafood",
    r"\bconfection", r"\bdelicatessen", r"\bbread", r"\bfruits?\b", r"\bvegetables?",
    r"\bbicycle", r"\borthopedic", r"\beyeglasses", r"\bbody (adornment|modification)",
    r"\belectronic cigarettes", r"\bhousehold", r"\bsnacks", r"\bsouvenirs", r"\bflowers?\b",
    r"\bantiquarian", r"\bpost office", r"\bpower tools", r"\btelecommunication products",
    r"\bsilk worm", r"\blumber", r"\bcocoons", r"\bgame\b(?! (design|develop))",
    r"^sell (?!(products|services|software products)$)", r"^advise customers on",
    r"^recommend .* (to )?customers", r"^assist customers in", r"^advise on (?!(communication|"
    r"public relations|marketing|tax|legal|business|social enterprise|acquisitions|"
    r"risk management|interior|efficiency|financial|investment))", r"\bfireworks",
    r"\bdisaster", r"\bclaim examiners", r"\bhiking", r"\bcast and crew",
    r"\bsocial development", r"\bhumanitarian", r"\bcharity services",
    r"\bcare\b(?! products)", r"\bnurser", r"\bdosage",
    r"\bradiopharm", r"\bradiotherap", r"\bradiobiolog", r"\bradiochem", r"\btelescope",
    r"\bphotovoltaic", r"\bstowage", r"\bdiets?\b", r"\btelemetry", r"\baudiometr",
    r"\bphotonics", r"\bphotogrammetr", r"\barchaeolog", r"\blicense plates", r"\bradar",
    r"\baerial photos", r"\btank\b", r"\bfilm reels", r"\bphotographic film", r"\bmusic therap",
    r"\bsurveying", r"\bsurvey (computations|measurements|calculations|report)",
    r"\bgeophysic", r"\becolog", r"\breforestation", r"\bunderwater", r"\bGPS\b", r"\brabbinical",
    r"\bpostpartum", r"\bflame", r"\basbestos", r"\bbanned materials", r"\beye protection",
    r"\bnoise standards", r"\bREACh\b", r"\braw materials into", r"\bsubstances",
    r"\bwarehousing", r"\blaw enforcement", r"\buse-of-force", r"\bsentence", r"\bspirit ",
    r"\bsecurity (regulations|of assets|issues|devices|risk)", r"\bsporting", r"\borgans\b",
    r"\btransplant", r"\bpill\b", r"\bvat\b", r"\bauditions?\b", r"\bland (access|acquisition)",
    r"\bHACCP", r"\bforgery", r"\bwitness", r"\bcovert", r"\bpreoperative", r"\bsubsidence",
    r"\btaxonom", r"\binterlibrary", r"\bshelf", r"\bprice tags", r"\bantiques?\b",
    r"\bhot pitch", r"\bprops\b", r"\berrands", r"\binvestigations?\b(?! research)",
    r"\bsoap (filter|flakes|chips|shaping|formula)", r"\bviscous soap", r"\bharden soap",
    r"\bpack (soap|leather)", r"\bpaper (jams|cutter|slurry|bags|production|coating|sheets)",
    r"\bstacks of paper", r"\bsizes of paper", r"\bdry paper", r"\bwafers",
    r"\bsignals intelligence", r"\belectronic signals", r"\bglass (sheets|coatings|tempering|"
    r"breakage|on trays|under heat|edges|surface)", r"\bglassware", r"\brinse glass",
    r"\bform bed for glass", r"\bgrind glass", r"\bV-belts", r"\bwigs", r"\bteeth", r"\bguns\b",
    r"\bchocolate", r"\brestorative justice", r"\bwood chippers", r"\bwire mesh",
    r"\btreated wood", r"\bcaulking", r"\bwoodland", r"\bunderwear", r"\bworkwear",
    r"\blocks\b", r"\bsediment", r"\bvarnish (mixture|ingredients)", r"\btransfer varnish",
    r"\bsignatures", r"\bconsumables", r"\bstationery", r"\bair quality", r"\bfrequency management",
    r"\bcaseload", r"\bcase management", r"\bcutting plan", r"\bcoated workpieces",
    r"\bphysical activity", r"\bgoing concern", r"\bshareholders' interests in",
    r"\bthermal management", r"\bcarbon sheets", r"\bocean energy", r"\brainwater",
    r"\bsecurities", r"\bhedging", r"\bprogram lift", r"\brental management",
    r"\bread broadcast programming", r"\bmanage dispatch", r"\bmalting", r"\bgear ratio",
    r"\binsemination", r"\bgems?\b", r"\bstairs", r"\baquatic", r"\bdealership",
    r"\boccupancy", r"\btake-off", r"\bforensic (data|purposes|examinations|preservations)",
    r"\bcall distribution", r"\binland", r"\bfractionation", r"\bexperimental data",
    r"\bdata samples", r"\bmapping data", r"\bgeographic data", r"\bconcentrations",
    r"\bscanned data of the body", r"\bdata about clients", r"\bphilosophy of",
    r"\b(circuit boards|integrated circuits|microelectronics|control systems|automation "
    r"components|electromechanical|engineering (components|designs?|drawings|principles)|"
    r"containment systems)", r"\bmetal drawing", r"\bbreast", r"\bbase courses", r"\bflying",
    r"\bflooring", r"\bwar\b", r"\bpediatric", r"\bill persons", r"\bambulance", r"\bEarth\b",
    r"\bCAD for (heels|lasts|soles)", r"\bfeeds?\b", r"\bfeeding", r"\bbeaters",
    r"\bcoremaking", r"\bservice station", r"\bgeotechnical", r"\bfamily planning",
    r"\bdisorders", r"\bsmart devices", r"\bpersonal robots", r"\bSwoogle",
    r"\bwork-related measurements", r"\bhygienic", r"\bparent teacher", r"\btheology",
    r"\bsecurity authorities", r"\bfly movements", r"\bflying systems", r"\bdress actors",
    r"\bmake up performing", r"\bproperty (security|viewing|values)", r"\bunderwriting",
    r"\bcorporate property", r"\bpublic housing", r"\bdating", r"\bdisputants",
    r"\bsupporters", r"\bcustomised? building materials", r"\bfree samples",
    r"\bpassengers?", r"\btour(s|ist|ism)\b", r"\btourism", r"\btravel (?!expenses)",
    r"\bticket", r"\bstewards?", r"\bcabin crew", r"\bwaiter", r"\bbarista", r"\bbar\b",
    r"\bbartend", r"\bsommelier", r"\bgrooming", r"\blens(es)?\b",
]

# fmt: on

# ESCO skill uuid (or its first 8 hex digits) -> domain slug: concepts the patterns miss or misfile.
INCLUDE_URIS: dict[str, str] = {
    "43dfbe7f": "marketing",  # digital marketing techniques
    "736ef286": "marketing",  # plan digital marketing
    "36931cb7": "marketing",  # execute email marketing
    "ef64005d": "marketing",  # enhance website visibility (SEO)
    "755a5df2": "marketing",  # design brand's online communication plan
    "5233e3f4": "marketing",  # design digital call to action
    "a800a15c": "marketing",  # develop online community plan
    "52e3507b": "communication",  # manage online communications
    "5ce80f97": "media",  # perform video editing
    "91ba97f5": "media",  # perform image editing
    "c109d892": "media",  # compose music
    "3ece4073": "media",  # make photographic storyboards
    "7111b95d": "management",  # project management
    "0c50c0cb": "communication",  # speak in public
    "609a8ac1": "communication",  # address an audience
    "e3145bd7": "training",  # instructional design models
    "fcd7dbd4": "coaching",  # coach clients
    "0cc9c234": "coaching",  # coach employees
    "ebff1a39": "training",  # develop corporate training programs
    "6e66fa0f": "training",  # manage corporate training programs
    "637ca2e2": "communication",  # proofread text
    "3556c075": "accounting",  # funding methods
    "97b713f0": "law",  # employment law
    "c46cf6f9": "design",  # desktop publishing
    "25f0ea33": "data",  # data mining
    "7ee4c2ea": "data",  # statistics
    "8369c2d6": "data",  # utilize machine learning
}
# ESCO skill uuids (or prefixes) the patterns catch wrongly.
EXCLUDE_URIS: set[str] = set()

# ESCO occupation uuid prefix -> ESCO skill uuid prefixes. Members describe themselves by job
# title ("graphiste", "avocate d'affaires"); the occupation's French (masculine and feminine)
# and English labels become alternative labels of the skills the job implies.
OCCUPATIONS: dict[str, tuple[str, ...]] = {
    "69bcbb0a": ("7fb699d9",),  # graphic designer -> graphic design
    "1b949bae": ("8ff314a8", "325ef602"),  # illustrator -> illustration techniques
    "78216000": ("c46cf6f9",),  # desktop publisher -> desktop publishing
    "bab5fa79": ("97965983",),  # 3D modeler -> 3D modeling
    "52df9d56": ("97965983",),  # 3D animator -> 3D modeling
    "48c8eccb": ("8afe68ff",),  # animator -> motion graphics
    "96e20037": ("fd33c66c",),  # user interface designer -> design user interface
    "faed411a": ("de0be6e8", "465e7c78"),  # user experience analyst -> interaction design
    "866c7813": ("c4b1f326",),  # user interface developer -> front-end website design
    "c40a2919": ("69bbd53f",),  # web developer -> web programming
    "f2b15a0e": ("21d2f96d",),  # software developer -> computer programming
    "2ed56c3f": ("d8829a1d", "ce26e71f"),  # mobile app developer -> Android, iOS
    "e3229e40": ("7b5cce4d",),  # computer scientist -> computer science
    "d3edb8f8": ("2b92a5b2",),  # data analyst -> perform data analysis
    "258e46f9": ("25f0ea33", "2b92a5b2"),  # data scientist -> data mining, data analysis
    "8c57af09": ("29fb0fb5",),  # database administrator -> manage database
    "106f79e4": ("913e7e83",),  # software tester -> execute software tests
    "0ce5a9f4": ("8088750d",),  # ICT security consultant -> cyber security
    "b1c80369": ("283cbcd3",),  # ICT consultant -> provide ICT consulting advice
    "9e2e6e1e": ("0868eef3",),  # ICT system administrator -> administer ICT system
    "092fdeeb": ("ef64005d",),  # SEO expert -> enhance website visibility
    "a74f6c51": ("c1f29568",),  # web content manager -> manage online content
    "137b1d11": ("5303169c", "a800a15c"),  # online community manager -> social media
    "974d4eab": ("ea451251",),  # lawyer -> provide legal advice
    "fdfce14e": ("341c4478",),  # corporate lawyer -> business law
    "31854d78": ("ea451251",),  # legal consultant -> provide legal advice
    "5a8835bf": ("2ad081e6",),  # intellectual property consultant -> IP law
    "eda0d957": ("ecc18804",),  # accountant -> accounting
    "caafca69": ("ecc18804",),  # accounting analyst (expert-comptable) -> accounting
    "c3aae59e": ("ecc18804",),  # bookkeeper -> accounting
    "59c22779": ("161a6c5a", "d669af41"),  # tax advisor -> tax planning, tax legislation
    "1ad59946": ("89ff28d6",),  # financial auditor -> conduct financial audits
    "5e5b1b61": ("52e53619",),  # financial controller -> financial management
    "8d586ee9": ("99571e68",),  # financial analyst -> financial analysis
    "21de0f3b": ("56ff27ef",),  # financial planner -> create a financial plan
    "60082a99": ("633a3637",),  # business analyst -> business analysis
    "6a29d804": ("414332e4",),  # business consultant -> use consulting techniques
    "d3e32e5e": ("e437eba1",),  # human resources officer -> human resource management
    "068370e0": ("5bb4e18e",),  # recruitment consultant -> carry out recruiting services
    "5d0cc30d": ("fd88851f",),  # career guidance advisor -> provide career counseling
    "e4112a88": ("fd88851f",),  # employment consultant (bilan de compétences) -> same
    "d9612966": ("fcd7dbd4",),  # business coach -> coach clients
    "fc85156e": ("98b32477", "519e801b"),  # life coach -> personal development
    "21f4eb29": ("4c459ffb",),  # public speaking coach -> teach public speaking
    "0ba06640": ("517f678e", "ebff1a39"),  # corporate trainer -> develop training programs
    "a14e96a7": ("6e66fa0f",),  # corporate training manager
    "6afe39e2": ("f7dcf2e2", "60856bbb"),  # further education teacher -> adult education
    "9e657046": ("418a56a2",),  # ICT trainer -> provide ICT system training
    "4588cd69": ("c8fa4313",),  # digital literacy teacher -> teach digital literacy
    "a9c30651": ("e3145bd7",),  # instructional designer -> instructional design models
    "59bce29f": ("63b9a087",),  # tutor -> tutor students
    "ec5b72d1": ("5f5e9350",),  # e-learning developer -> e-learning
    "b1ab3572": ("ce592b28",),  # advertising copywriter -> perform copywriting
    "4791e217": ("de03f4fd",),  # marketeer -> marketing principles
    "6fcf4638": ("5bbaa0e6",),  # marketing manager -> marketing management
    "356227b9": ("43dfbe7f",),  # online marketer -> digital marketing techniques
    "de80bbf0": ("9242ad54",),  # brand manager -> brand marketing techniques
    "b76178c0": ("6d97bf55",),  # business developer -> prospect new customers
    "66fb9704": ("8770350e",),  # market research analyst -> market research
    "e01719f4": ("aba1f05b",),  # advertising specialist -> advertising techniques
    "9c9752b7": ("4b95c7bb",),  # customer experience manager
    "586fe133": ("b1272de4",),  # eBusiness manager -> e-commerce systems
    "1dd7c3cb": ("b1272de4",),  # online sales channel manager -> e-commerce systems
    "c0489e22": ("5330b70e",),  # public relations officer -> public relations
    "6cc19251": ("5330b70e",),  # public relations manager -> public relations
    "cd7b838c": ("3c834f6e",),  # communication manager -> communications strategies
    "a47f82d3": ("3391d6dd",),  # journalist -> journalism
    "ac80b511": ("be40c4c3",),  # blogger -> provide written content
    "8bd74371": ("637ca2e2",),  # copy editor -> proofread text
    "b06a1dde": ("91dd8397",),  # writer -> writing techniques
    "8cb59bc4": ("cbd9cd0f",),  # technical communicator -> write manuals
    "5a91a8bc": ("09cac140",),  # speechwriter -> prepare speeches
    "1a07bd7d": ("449f0945",),  # translator -> translate texts
    "23e692a9": ("aa7062ed", "8b5962d7"),  # interpreter -> translate spoken language
    "9a2147aa": ("e2088cd0",),  # sign language interpreter -> sign language
    "ec2c0655": ("a5d03670",),  # subtitler -> create subtitles
    "da4589ce": ("a9bf8565",),  # localizer -> manage localization
    "a9c7a04d": ("810df100",),  # linguist -> linguistics
    "66542dd6": ("38509fa4",),  # photographer -> photography
    "480d2853": ("38509fa4",),  # photojournalist -> photography
    "6fed206a": ("eb3aa3a8",),  # camera operator -> cinematography
    "ac734172": ("5ce80f97",),  # video and motion picture editor -> perform video editing
    "36095ccd": ("c2218533",),  # sound editor -> edit recorded sound
    "790c8dca": ("256df100",),  # sound designer -> audio post-production
    "7dc05fcc": ("c109d892",),  # composer -> compose music
    "f6803a58": ("8f8a8803",),  # musician -> play musical instruments
    "8c3f536e": ("80c042de",),  # architect -> architectural design
    "efa81635": ("ac51e567",),  # interior architect -> develop a specific interior design
    "73e776fb": ("ac51e567", "f42e294a"),  # interior designer -> interior design, decoration
    "773e5ea3": ("ac51e567",),  # interior planner -> interior design
    "52207284": ("4c598891",),  # landscape architect -> landscape architecture
    "e14548c8": ("7f18039d",),  # urban planner -> urban planning
    "ab7bccb2": ("efacdaad",),  # industrial designer -> industrial design
    "bc4d1659": ("a4c40f64",),  # furniture designer -> design original furniture
    "34c57104": ("44fea655",),  # jewelry designer -> create jewelry
    "618a854a": ("44fea655",),  # jeweler -> create jewelry
    "e1416610": ("0f9098d1",),  # cabinet maker (ébéniste) -> woodworking processes
    "5a551d36": ("20b9852f",),  # furniture restorer -> apply restoration techniques
    "97896345": ("7ffe5ddd",),  # potter -> create ceramic objects
    "ec0e64c9": ("7ffe5ddd",),  # ceramicist -> create ceramic objects
    "94d94bd0": ("080460bf",),  # sculptor -> create sculptures
    "5589e8e0": ("a8fc2710",),  # dressmaker -> make made-to-measure garments
    "978ae3a2": ("a8fc2710",),  # tailor -> make made-to-measure garments
    "b07e291d": ("62c7900c",),  # basketmaker -> perform basket weaving
    "b9d03330": ("4c08e39a",),  # woodcarver -> use wood carving knives
    "3562e70c": ("148fc290",),  # knitter -> use manual knitting techniques
    "1b38a27d": ("03a0ab28",),  # event manager -> carry out event management
    "84931290": ("2111dff8",),  # event assistant -> coordinate events
    "6662e56e": ("a4b7f1be",),  # wedding planner -> plan events
    "044d78cc": ("6a609f8f",),  # administrative assistant -> office administration
    "2a04a1df": ("6a609f8f",),  # executive assistant -> office administration
    "52ded7d7": ("bfe4f330",),  # psychologist -> psychology
    "c2e6609d": ("be0b7d07",),  # fundraising manager -> manage fundraising activities
}

ESCO_SKILL = "http://data.europa.eu/esco/skill/"
ESCO_OCCUPATION = "http://data.europa.eu/esco/occupation/"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def split_alt(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def _any(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!)", re.IGNORECASE)


GENERIC_REUSE = {"cross-sector", "transversal"}


def _by_prefix(prefixes: set[str] | dict[str, str], uuid: str) -> bool | str | None:
    """Whether (set) or to what (dict) a uuid is mapped, by full uuid or 8-digit prefix."""
    key = uuid if uuid in prefixes else uuid[:8]
    if isinstance(prefixes, dict):
        return prefixes.get(key)
    return key in prefixes


def classify(
    en_label: str,
    reuse_level: str,
    uuid: str,
    compiled: list[tuple[str, re.Pattern[str], re.Pattern[str]]],
    exclude: re.Pattern[str],
) -> str | None:
    """The domain slug a concept belongs to, or None when it is not selected."""
    if _by_prefix(EXCLUDE_URIS, uuid):
        return None
    forced = _by_prefix(INCLUDE_URIS, uuid)
    if forced:
        return str(forced)
    if exclude.search(en_label):
        return None
    for slug, strong, weak in compiled:
        if strong.search(en_label):
            return slug
        if reuse_level in GENERIC_REUSE and weak.search(en_label):
            return slug
    if reuse_level == "transversal" and re.fullmatch(r"[A-Z][a-z]+( [A-Z][a-z]+)?", en_label):
        return "languages"  # ESCO's language knowledge concepts: "Spanish", "Ancient Greek".
    if reuse_level == "transversal":
        # ESCO's transversal skills (teamwork, adaptability, ...) matter to every member;
        # the soft-skills patterns above add a few cross-sector ones (problem solving).
        return "soft_skills"
    return None


def split_gendered(label: str) -> list[str]:
    """ESCO French occupation labels pair forms: "traducteur/traductrice" -> both."""
    parts = [part.strip() for part in label.split("/")]
    return [part for part in parts if part]


def _unique(labels: list[str], *exclude: str) -> list[str]:
    seen = {e.casefold() for e in exclude}
    out = []
    for label in labels:
        label = " ".join(label.split())
        if label and label.casefold() not in seen:
            seen.add(label.casefold())
            out.append(label)
    return out


def build(esco: Path) -> dict:
    """Select, label and group the concepts; return the document to write."""
    skills_en = {row["conceptUri"]: row for row in read_csv(esco / "skills_en-us.csv")}
    skills_fr = {row["conceptUri"]: row for row in read_csv(esco / "skills_fr.csv")}
    compiled = [(slug, _any(strong), _any(weak)) for slug, _, _, strong, weak in DOMAINS]
    exclude = _any(EXCLUDE)
    selected: dict[str, str] = {}
    for uri, row in skills_en.items():
        uuid = uri.removeprefix(ESCO_SKILL)
        slug = classify(
            " ".join(row["preferredLabel"].split()), row["reuseLevel"], uuid, compiled, exclude
        )
        if slug is not None:
            selected[uri] = slug

    broader: dict[str, list[str]] = defaultdict(list)
    for row in read_csv(esco / "broaderRelationsSkillPillar.csv"):
        if row["conceptUri"] in selected and row["broaderUri"] in selected:
            broader[row["conceptUri"]].append(row["broaderUri"])

    by_prefix: dict[str, list[str]] = defaultdict(list)
    for uri in selected:
        by_prefix[uri.removeprefix(ESCO_SKILL)[:8]].append(uri)

    def skill_uri(prefix: str) -> str:
        matches = by_prefix.get(prefix[:8], [])
        if len(matches) != 1:
            raise SystemExit(f"build_taxonomy: skill {prefix!r} is not one selected concept")
        return matches[0]

    job_fr: dict[str, list[str]] = defaultdict(list)
    job_en: dict[str, list[str]] = defaultdict(list)
    occupations_en = {row["conceptUri"]: row for row in read_csv(esco / "occupations_en-us.csv")}
    occupations_fr = {row["conceptUri"]: row for row in read_csv(esco / "occupations_fr.csv")}
    occupation_by_prefix = {uri.removeprefix(ESCO_OCCUPATION)[:8]: uri for uri in occupations_en}
    for occupation, skills in OCCUPATIONS.items():
        uri = occupation_by_prefix.get(occupation)
        if uri is None:
            raise SystemExit(f"build_taxonomy: no ESCO occupation {occupation!r}")
        fr_row, en_row = occupations_fr[uri], occupations_en[uri]
        titles_fr = split_gendered(fr_row["preferredLabel"]) + [
            part for alt in split_alt(fr_row["altLabels"]) for part in split_gendered(alt)
        ]
        for skill in skills:
            target = skill_uri(skill)
            job_fr[target] += titles_fr
            job_en[target] += [en_row["preferredLabel"], *split_alt(en_row["altLabels"])]

    groups = [
        {"uri": f"maillage:group/{slug}", "fr": fr, "en": en} for slug, fr, en, _, _ in DOMAINS
    ]
    concepts = []
    for uri, slug in sorted(selected.items()):
        en_row, fr_row = skills_en[uri], skills_fr[uri]
        en_label = " ".join(en_row["preferredLabel"].split())
        fr_label = " ".join(fr_row["preferredLabel"].split())
        concept = {
            "uri": uri,
            "fr": fr_label,
            "en": en_label,
            "alt_fr": _unique(split_alt(fr_row["altLabels"]) + job_fr.get(uri, []), fr_label),
            "alt_en": _unique(split_alt(en_row["altLabels"]) + job_en.get(uri, []), en_label),
            "group": f"maillage:group/{slug}",
            "kind": "knowledge" if en_row["skillType"] == "knowledge" else "skill",
        }
        if broader.get(uri):
            concept["broader"] = sorted(broader[uri])
        concepts.append(concept)
    return {
        "attribution": ATTRIBUTION,
        "source": ESCO_VERSION_NOTE,
        "built_by": "scripts/build_taxonomy.py",
        "groups": groups,
        "concepts": concepts,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--esco", type=Path, default=DEFAULT_ESCO, help="ESCO CSV folder")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--explain", metavar="DOMAIN", help="list a domain's concepts and stop")
    args = parser.parse_args(argv)
    if not (args.esco / "skills_fr.csv").exists():
        parser.error(f"no ESCO CSVs in {args.esco} (pass --esco)")
    document = build(args.esco)
    if args.explain:
        group = f"maillage:group/{args.explain}"
        for concept in document["concepts"]:
            if concept["group"] == group:
                print(
                    concept["uri"].removeprefix(ESCO_SKILL)[:8], concept["en"], "|", concept["fr"]
                )
        return 0
    payload = json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 keeps the committed file byte-identical across rebuilds of the same input.
    with (
        args.output.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as handle,
    ):
        handle.write(payload.encode("utf-8"))
    counts = Counter(concept["group"].rsplit("/", 1)[1] for concept in document["concepts"])
    for slug, count in counts.most_common():
        print(f"{slug:14} {count:5}")
    size = args.output.stat().st_size
    print(f"{len(document['concepts'])} concepts -> {args.output} ({size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
