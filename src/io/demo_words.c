/* The word lists and sentence tables of the demo generator (demo.c): every
 * place, agency, person and team is invented, and the topics are
 * deliberately mundane so that a demo site never says anything about the
 * world. Templates hold {slot}s that demo.c expands. Changing any table
 * changes the articles made for a given seed. */
#include "io/demo.h"

#include "core/core.h"
#include "io/demoInt.h"

/* Zero-width non-joiner: Persian writes it inside words like "می‌شود". Kept
 * as an escape because the character is invisible in an editor. */
#define ZW "\xe2\x80\x8c"

#define LIST(a)                                                                          \
    {                                                                                    \
        (a), GZ_COUNTOF(a)                                                               \
    }

const char *const gz_demo_tags[] = {
    "World",   "Politics", "Business", "Science", "Technology",
    "Culture", "Sport",    "Health",   "Climate", "Opinion",
};
const size_t gz_demo_ntags = GZ_COUNTOF(gz_demo_tags);

/* ------------------------------------------------------------------ */
/* English word lists                                                  */

static const char *const en_towns[] = {
    "Norrvik",    "Ashmere",     "Caldbrook", "Vellano",     "Brisholm",    "Dunmarrow",
    "Fenwold",    "Kestrelby",   "Lindqvar",  "Ostervale",   "Pellingford", "Rookhaven",
    "Tarnwick",   "Ulvenby",     "Varnholt",  "Yarrowdale",  "Zellmoor",    "Corriston",
    "Elmsgrove",  "Glenvarra",   "Ivelmouth", "Morrowfield", "Nethercombe", "Quillmere",
    "Sorbeck",    "Thistlemoor", "Wrenfield", "Aldmoor",     "Belvane",     "Crestholm",
    "Drisdale",   "Emberlow",    "Farrowby",  "Greywater",   "Hollinsby",   "Jorvale",
    "Larkhollow", "Mistleford",  "Orrinport", "Pinemarsh",   "Ålstrand",    "Søndervik",
};

static const char *const en_agencies[] = {
    "regional water board",
    "county transport authority",
    "municipal library service",
    "harbour commission",
    "district health council",
    "provincial statistics office",
    "city planning committee",
    "regional weather service",
    "school board",
    "parks department",
    "public archive",
    "river authority",
    "housing association",
    "energy cooperative",
    "university observatory",
    "fire and rescue service",
    "coastal survey office",
    "farmers’ cooperative",
    "museum trust",
    "youth sports league",
};
const struct list gz_demo_en_agencies = LIST(en_agencies);

static const char *const en_nouns[] = {
    "bridge repair programme",
    "bus timetable",
    "flood barrier",
    "reading room",
    "solar roof",
    "night ferry",
    "tram extension",
    "tide gauge",
    "seed bank",
    "footpath network",
    "cycle lane network",
    "market square",
    "community garden",
    "water treatment plant",
    "sports hall",
    "heat pump scheme",
    "harbour wall",
    "school kitchen scheme",
    "street lighting",
    "recycling depot",
    "river crossing",
    "allotment waiting list",
    "ferry terminal",
    "bird sanctuary",
    "town hall roof",
    "public toilet block",
    "skate park",
    "railway footbridge",
    "wind turbine",
    "concert hall",
    "rainwater tank scheme",
    "village bakery",
    "swimming pool",
    "orchard",
    "snow clearing budget",
    "rooftop garden project",
    "clinic waiting room",
    "archive catalogue",
    "bus shelter upgrade",
    "coastal path",
};
const struct list gz_demo_en_nouns = LIST(en_nouns);

static const char *const en_adjs[] = {
    "new",          "revised",  "long-delayed", "expanded",  "temporary",
    "pilot",        "overdue",  "modest",       "ambitious", "quieter",
    "cheaper",      "greener",  "simpler",      "shared",    "seasonal",
    "cross-border", "low-cost", "five-year",    "weekend",   "volunteer-led",
};

static const char *const en_verbs[] = {
    "approves", "delays",  "unveils",  "reviews",   "funds",       "pauses", "expands",
    "backs",    "debates", "revisits", "publishes", "consults on", "drafts", "shelves",
};

static const char *const en_months[] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December",
};

static const char *const en_days[] = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
};

static const char *const en_weather[] = {
    "heavy rain",      "strong winds",  "early frost",      "thick fog",
    "a late heatwave", "hail showers",  "high tides",       "snow drifts",
    "a dry spell",     "coastal gales", "freezing drizzle", "thunderstorms",
};

static const char *const en_fields[] = {
    "soil microbes",    "migratory geese",    "lake sediment",   "glacier melt",
    "bee populations",  "moss growth",        "tidal currents",  "night-sky brightness",
    "river eels",       "seagrass meadows",   "bat colonies",    "peat layers",
    "lichen diversity", "groundwater levels", "fungal networks", "meteor showers",
};

static const char *const en_findings[] = {
    "quieter streets help songbirds",
    "shared gardens lower summer heat",
    "older bridges need fewer repairs than expected",
    "river eels return after weir removal",
    "most commuters prefer earlier buses",
    "rooftop moss cools buildings",
    "library visits rise in winter",
    "meadow strips double bee visits",
    "children walk more when pavements widen",
    "rainwater tanks cut garden water use",
    "night lighting confuses moths",
    "sea fog is arriving later each year",
};

static const char *const en_sectors[] = {
    "bakeries",      "ferry operators",   "bookshops",      "small builders",
    "fishing crews", "market traders",    "repair shops",   "guest houses",
    "cheese makers", "bicycle workshops", "printing firms", "timber yards",
};

static const char *const en_trends[] = {
    "report steady growth", "expect a slower winter", "hire more apprentices",
    "cut energy bills",     "face higher costs",      "see record footfall",
    "share delivery vans",  "extend opening hours",   "return to weekly markets",
    "invest in training",
};

static const char *const en_health[] = {
    "walk-in clinic",      "home visit service",      "hearing test programme",
    "flu vaccine drive",   "mental health helpline",  "nurse-led triage",
    "physiotherapy group", "children’s dental check", "sleep clinic",
    "blood donor day",
};

static const char *const en_tech[] = {
    "an autonomous ferry",     "an open-source bus tracker",
    "flood sensors",           "low-power street lights",
    "a municipal data portal", "drone deliveries for islands",
    "a shared e-bike fleet",   "smart water meters",
    "a citizen science app",   "battery storage for the harbour",
};

static const char *const en_climate[] = {
    "coastal erosion", "heat in city schools",   "river flooding", "spring drought",
    "peatland loss",   "thin urban tree cover",  "storm surges",   "snowpack decline",
    "wetland drying",  "summer water shortages",
};

static const char *const en_culture[] = {
    "folk music festival", "puppet theatre season",
    "poetry night",        "photography exhibition",
    "film club season",    "lantern parade",
    "craft fair",          "choir competition",
    "street art trail",    "open-air cinema",
    "jazz weekend",        "storytelling evening",
};

static const char *const en_team_suffixes[] = {
    "Rovers", "United", "Athletic", "Wanderers", "Harriers", "Town", "Albion", "Dynamo",
};
const struct list gz_demo_en_team_suffixes = LIST(en_team_suffixes);

static const char *const en_matches[] = {
    "rain-soaked derby", "cup quarter-final", "league opener", "season finale",
    "friendly",          "tense replay",      "home fixture",  "late-evening kick-off",
};

static const char *const en_first_names[] = {
    "Ilse", "Tomas", "Priya", "Jonah", "Lena",  "Owen",   "Amara",  "Felix",
    "Noor", "Sofia", "Kaito", "Rhea",  "Mateo", "Ingrid", "Darius", "Elif",
};
const struct list gz_demo_en_first_names = LIST(en_first_names);

static const char *const en_surnames[] = {
    "Brennick", "Solvang",  "Thackwell", "Ardeno",     "Pellow",   "Kirrane",
    "Valdmar",  "Ostrowen", "Linnett",   "Castellane", "Merriday", "Quorley",
    "Havelund", "Tessaro",  "Wrexley",   "Amsel",
};
const struct list gz_demo_en_surnames = LIST(en_surnames);

static const char *const en_roles[] = {
    "a spokesperson for the {agency}",
    "who chairs the {agency}",
    "a local teacher",
    "a retired engineer",
    "a shop owner in {town}",
    "a researcher at the {agency}",
    "a volunteer with the {agency}",
    "the deputy mayor of {town}",
    "a nurse at the district clinic",
    "a ferry captain from {town2}",
};

static const char *const en_authors[] = {
    "Ilse Marrow",  "Tomas Quellin",    "Priya Ardenne",  "Jonah Ferrick",
    "Lena Vasko",   "Owen Thistlewood", "Amara Delcourt", "Felix Brannagh",
    "Noor Halvani", "Sofia Renwick",    "Kaito Meridan",  "Rhea Castellow",
};

/* ------------------------------------------------------------------ */
/* English templates                                                   */

static const struct title_tpl en_titles[] = {
    {"{town} and {town2} sign agreement on {noun}", TAG_WORLD},
    {"Delegates from {num} towns meet in {town} to discuss {climate}", TAG_WORLD},
    {"{town} welcomes {num} visiting students from {town2}", TAG_WORLD},
    {"{town} {agency} {verb} {adj} plan for {noun}", TAG_POLITICS},
    {"Council in {town} {verb} budget for {noun}", TAG_POLITICS},
    {"{town} voters to decide on {adj} {noun} in {month}", TAG_POLITICS},
    {"{town} {sector} {trend}, survey of {num} firms finds", TAG_BUSINESS},
    {"Figures for {month} show {town} {sector} {trend}", TAG_BUSINESS},
    {"Researchers in {town} map {field} across {num} sites", TAG_SCIENCE},
    {"Study of {num} sites near {town} finds {finding}", TAG_SCIENCE},
    {"{town} begins {num}-week trial of {tech}", TAG_TECHNOLOGY},
    {"Engineers in {town} build {tech} with {num} volunteers", TAG_TECHNOLOGY},
    {"{town} {culture} draws {big} visitors despite {weather}", TAG_CULTURE},
    {"{town} library extends opening hours after {big} requests", TAG_CULTURE},
    {"The {culture} returns to {town} in {month} with {num} new acts", TAG_CULTURE},
    {"{team} beat {team2} {score} in {match}", TAG_SPORT},
    {"{team} and {team2} draw {draw} in {match}", TAG_SPORT},
    {"{town} half-marathon attracts {big} runners in {weather}", TAG_SPORT},
    {"{town} clinic trials {adj} {health} from {month}", TAG_HEALTH},
    {"{big} residents used the {town} {health} in its first year", TAG_HEALTH},
    {"{town} {agency} report warns of more {climate} by {year}", TAG_CLIMATE},
    {"{town} plants {big} trees to tackle {climate}", TAG_CLIMATE},
    {"Weather service warns of {weather} in {town} and {town2} this {day}", TAG_CLIMATE},
    {"Opinion: {town} needs {adj} thinking on the {noun}", TAG_OPINION},
    {"Opinion: what {town2} can teach {town} about the {noun}", TAG_OPINION},
    {"Letter: keep the {noun} in {town} open on {day}s", TAG_OPINION},
};

static const char *const en_leads[] = {
    "The {agency} in {town} confirmed the plans on {day}.",
    "People in {town} have been talking about the {noun} for months.",
    "It has been a busy week in {town}, where the {agency} met on {day}.",
    "After {num} months of discussion, the {agency} has reached a decision.",
    "Residents of {town} woke on {day} to news about the {noun}.",
};

static const char *const en_sentences[] = {
    "The {agency} said the work on the {noun} would begin in {month} and last about "
    "{num} "
    "weeks.",
    "Residents of {town} were invited to comment on the plans at a public meeting on "
    "{day}.",
    "“We want to get this right the first time,” said {person}, {role}.",
    "According to the {agency}, around {big} people are affected by the plans for the "
    "{noun}.",
    "The proposal follows a consultation that drew {big} responses, most of them in "
    "favour.",
    "Officials in {town2} are watching closely and may adopt a similar approach next "
    "year.",
    "The cost, estimated at {big} thousand crowns, will be shared between the {agency} "
    "and "
    "the town council.",
    "Some residents raised concerns about noise and traffic during the construction "
    "period.",
    "A final decision is expected after the summer recess.",
    "The {agency} published a short summary of the plan on its website.",
    "Local schools will take part in a series of workshops about the project.",
    "Weather permitting, the first phase should be finished before {month}.",
    "{person}, {role}, described the mood at the meeting as constructive.",
    "The town last carried out a review of this kind {num} years ago.",
    "Volunteers from {town} have offered to help with planting and signage.",
    "Figures from the {agency} show a small but steady rise over the past {num} months.",
    "Not everyone is convinced, and a petition calling for a pause has gathered {big} "
    "signatures.",
    "The next update is due at the council’s meeting in {month}.",
    "Neighbouring {town2} completed a similar scheme last spring.",
    "Shops along the high street say they expect little disruption.",
    "The plans can be viewed at the town library until the end of {month}.",
    "A spokesperson said the timetable could change in the event of {weather}.",
    "Earlier this year the {agency} appointed an independent panel to review the "
    "options.",
    "The panel’s report runs to {num} pages and includes {small} recommendations.",
    "Most of the funding comes from a regional grant awarded in {month}.",
    "{person}, {role}, said the {noun} had been discussed for as long as anyone can "
    "remember.",
    "The {agency} will hold drop-in sessions every {day} until the end of {month}.",
    "The {noun} has been a regular topic on the letters page of this newspaper.",
    "A similar idea was rejected in {town} about {small} years ago, mainly on cost.",
    "Supporters say the change is overdue; critics say it is rushed.",
    "The {agency} has promised to publish the figures it used.",
    "Some of the work will be done at night to keep the roads clear.",
    "Older residents say the {noun} was busier when they were young.",
    "{person}, {role}, said there was still time to change the details.",
    "The meeting ran late, and several questions were left for next time.",
    "Nobody at the {agency} expects the matter to be settled quickly.",
    "The town’s website now has a page answering the most common questions.",
    "A second meeting has been arranged for residents who could not attend.",
    "Maps showing the affected streets are on display in the library foyer.",
};

/* Topical sentences, indexed by enum tag. */
static const char *const en_topic_world[] = {
    "Delegations from {town2} and {small} other towns attended the talks.",
    "The agreement will be reviewed every {num} months by a joint committee.",
    "Interpreters worked in four languages throughout the two-day meeting.",
    "Both sides described the talks as practical and friendly.",
};
static const char *const en_topic_politics[] = {
    "Council members debated the proposal for nearly {num} minutes.",
    "Opposition members asked for more detail on long-term maintenance costs.",
    "The mayor of {town} said the council would publish all the documents.",
    "A cross-party working group will report back in {month}.",
};
static const char *const en_topic_business[] = {
    "Owners say that energy prices remain their biggest concern.",
    "Several firms in {town} plan to take on apprentices this autumn.",
    "The local chamber of traders will hold an open day on {day}.",
    "Sales rose by {pct} percent compared with the same period last year.",
};
static const char *const en_topic_science[] = {
    "The team collected samples at {num} locations over two seasons.",
    "Their results were published in a peer-reviewed regional journal.",
    "{person}, who led the fieldwork, said the data surprised the team.",
    "The researchers plan to repeat the survey next year with student volunteers.",
    "Similar patterns have been observed near {town2}, though on a smaller scale.",
};
static const char *const en_topic_technology[] = {
    "The trial will run for {num} weeks before a decision on wider use.",
    "Engineers say the system uses less power than a household kettle.",
    "All the software is published under an open licence.",
    "Users can report problems through a simple form at the town hall.",
    "The equipment was built by a small workshop in {town2}.",
};
static const char *const en_topic_culture[] = {
    "Tickets are free for children under twelve.",
    "The programme includes {num} events across {small} venues.",
    "Organisers say the event has grown every year since it began.",
    "Local artists from {town} and {town2} will show new work.",
    "The closing performance takes place in the market square on {day}.",
};
static const char *const en_topic_sport[] = {
    "The home side took the lead after {minute} minutes.",
    "A late goal from the visitors made for a tense final few minutes.",
    "The coach praised the young players who came off the bench.",
    "Around {big} supporters watched the match despite {weather}.",
    "The two clubs meet again in the return fixture in {month}.",
};
static const char *const en_topic_health[] = {
    "The service is free and open to all residents of {town}.",
    "Appointments can be booked by phone or at the reception desk.",
    "Staff say waiting times have fallen by about {pct} percent.",
    "The district health council will review the pilot after six months.",
    "Nurses from {town2} have joined the team on a temporary basis.",
};
static const char *const en_topic_climate[] = {
    "Records kept for decades show a clear change in the local pattern.",
    "The {agency} has mapped the areas most at risk.",
    "Residents can borrow sandbags from the fire station free of charge.",
    "Planting along the riverbank is expected to reduce erosion over time.",
    "Scientists at the university observatory will monitor the results.",
};
static const char *const en_topic_opinion[] = {
    "It is easy to criticise, but the alternatives are rarely cheaper.",
    "The town deserves a clearer explanation of what is being decided and why.",
    "We should be honest about the trade-offs involved.",
    "Small, steady improvements often outlast grand promises.",
    "Whatever the outcome, the debate itself has been healthy.",
};
const struct list gz_demo_en_topics[] = {
    LIST(en_topic_world),   LIST(en_topic_politics),   LIST(en_topic_business),
    LIST(en_topic_science), LIST(en_topic_technology), LIST(en_topic_culture),
    LIST(en_topic_sport),   LIST(en_topic_health),     LIST(en_topic_climate),
    LIST(en_topic_opinion),
};

/* Sentences with inline emphasis, used sparingly so it stays "occasional". */
static const char *const en_emphasis[] = {
    "**Update:** the {agency} confirmed the dates on {day}.",
    "The deadline for comments is _the last day of {month}_.",
    "The key figure, officials stressed, is **{big}** households.",
    ("_Correction: an earlier version of this article gave the wrong date for the "
     "meeting._"),
    "It is, in the words of one resident, _a very {town} kind of compromise_.",
};
const struct list gz_demo_en_emphasis = LIST(en_emphasis);

static const char *const en_links[] = {
    "More details are available in [the published "
    "summary](https://example.org/reports/{id}).",
    "The {agency} has put [the full timetable](https://example.org/timetables/{id}) "
    "online.",
    "An earlier article on the subject is [in our "
    "archive](https://example.org/archive/{id}).",
    "Readers can [download the consultation "
    "papers](https://example.org/consultations/{id}).",
};
const struct list gz_demo_en_links = LIST(en_links);

static const char *const en_quotes[] = {
    "“We have listened carefully to what people told us,” said {person}, {role}.",
    "“It is a small step, but an important one for {town},” said {person}.",
    "“Nobody expected this many people to turn up,” said {person}, {role}.",
    "“We will keep the public informed at every stage,” the {agency} said in a "
    "statement.",
    "“I have lived here for {num} years and never seen anything like it,” said {person}, "
    "{role}.",
};

static const char *const en_subheads[] = {
    "What happens next", "Background",     "Reactions",    "The numbers",
    "A long road",       "Local concerns", "How it works", "What residents said",
    "Costs and funding", "Looking ahead",
};

static const char *const en_list_items[] = {
    "Work starts in {month}",
    "{big} households affected",
    "Cost shared with {town2}",
    "Public meeting on {day}",
    "Consultation closes at the end of {month}",
    "Review after {num} months",
    "Free entry for residents",
    "Questions can be sent to the {agency}",
    "Temporary diversions on two streets",
    "Results published online",
};
const struct list gz_demo_en_list_items = LIST(en_list_items);

static const char *const en_summaries[] = {
    "The {agency} in {town} says a decision on the {noun} is due in {month}.",
    "Residents of {town} have until the end of {month} to comment on the plans.",
    "Figures from the {agency} point to a steady change over {num} months.",
    "Our reporter spent a week in {town} to see how the {noun} works in practice.",
    "What the decision means for {town}, and what happens next.",
    "A look at the numbers behind the {noun} in {town} and {town2}.",
};

/* ------------------------------------------------------------------ */
/* Persian and Arabic: a small set of neutral, simple sentences, grouped by   */
/* topic so an article about rain does not drift into a football match.       */

static const char *const fa_towns[] = {
    "سبزدشت",        "نیلوفرآباد",     "کوهسار",       "رودکنار",       "باغستان",
    "آبگینه",        "گلدره",          "سپیدکوه",      "سروکنار",       "مهتاب" ZW "دشت",
    "گل" ZW "افشان", "آسمان" ZW "کوه", "بیشه" ZW "سر", "چشمه" ZW "سار",
};

static const struct title_tpl fa_titles[] = {
    {"افتتاح کتابخانه" ZW "ای با {nn} هزار جلد کتاب در {town}", TAG_CULTURE},
    {"پیش" ZW "بینی بارش {nn} میلی" ZW "متر باران در {town}", TAG_CLIMATE},
    {"تیم فوتبال {town} با نتیجه {score} مقابل {town2} پیروز شد", TAG_SPORT},
    {"{nn} دانش" ZW "آموز در نمایشگاه علمی {town} شرکت کردند", TAG_SCIENCE},
    {"دمای هوای {town} و {town2} به {deg} درجه رسید", TAG_CLIMATE},
    {"جشنواره کتاب کودک در {town} با حضور {nn} ناشر آغاز شد", TAG_CULTURE},
    {"بازگشایی پارک شهری {town} پس از {nn} روز بازسازی", TAG_WORLD},
    {"بازار محصولات محلی {town} با {nn} غرفه برگزار شد", TAG_BUSINESS},
};

static const char *const fa_books[] = {
    "این برنامه با هدف تشویق کودکان و نوجوانان به کتاب" ZW "خوانی برگزار می" ZW "شود.",
    "بخش ویژه" ZW "ای برای کودکان و نوجوانان در نظر گرفته شده است.",
    "علاقه" ZW "مندان می" ZW "توانند از شنبه تا پنجشنبه، از ساعت ۸ صبح تا ۸ شب از این "
    "مکان دیدن کنند.",
    "چند نویسنده محلی نیز برای کودکان داستان" ZW "خوانی خواهند کرد.",
    "مسئولان امیدوارند این طرح به افزایش علاقه مردم به مطالعه کمک کند.",
    "ورود برای همه رایگان است.",
};
static const char *const fa_weather[] = {
    "کارشناسان هواشناسی پیش" ZW "بینی می" ZW "کنند که هوا در روزهای آینده کمی خنک" ZW
    "تر شود.",
    "بارش" ZW "های اخیر به پر شدن سد کوچک منطقه کمک کرده است.",
    "انتظار می" ZW "رود دمای هوا در پایان هفته به حدود {deg} درجه برسد.",
    "به رانندگان توصیه شده است که در روزهای بارانی با احتیاط رانندگی کنند.",
    "کشاورزان منطقه از این بارش" ZW "ها برای آبیاری زمین" ZW "های خود استقبال کرده" ZW
    "اند.",
    "اداره هواشناسی گزارش" ZW "های تازه را هر روز صبح منتشر می" ZW "کند.",
};
static const char *const fa_football[] = {
    "در این دیدار، تماشاگران زیادی به ورزشگاه آمده بودند و بازی در فضایی دوستانه برگزار "
    "شد.",
    "مربی تیم پس از بازی گفت که بازیکنانش با تلاش فراوان به این نتیجه رسیدند.",
    "گل اول در دقیقه {minute} به ثمر رسید.",
    "دیدار بعدی این تیم هفته آینده برگزار می" ZW "شود.",
    "هواداران دو تیم پس از پایان بازی با هم عکس یادگاری گرفتند.",
    "بازیکنان جوان تیم در این فصل پیشرفت خوبی داشته" ZW "اند.",
};
static const char *const fa_science[] = {
    "دانش" ZW "آموزان امسال {nn} طرح درباره انرژی، آب و محیط زیست ارائه کردند.",
    "داوران از خلاقیت دانش" ZW "آموزان قدردانی کردند.",
    "یکی از طرح" ZW "ها دستگاهی ساده برای صرفه" ZW "جویی در مصرف آب بود.",
    "مدیر مدرسه گفت که برنامه" ZW "های مشابهی در سال آینده نیز برگزار خواهد شد.",
    "بازدید از نمایشگاه برای همه رایگان است.",
    "خانواده" ZW "ها و معلمان زیادی از غرفه" ZW "های دانش" ZW "آموزان دیدن کردند.",
};
static const char *const fa_civic[] = {
    "به گفته مسئولان شهرداری {town}، این طرح با همکاری ساکنان محلی اجرا شده است.",
    "هزینه این طرح از بودجه محلی تأمین شده است.",
    "برگزارکنندگان از همه خانواده" ZW "ها دعوت کرده" ZW "اند که در این برنامه شرکت کنند.",
    "ساکنان می" ZW "توانند تا پایان ماه نظرات خود را به شهرداری بفرستند.",
    "گروهی از داوطلبان {town2} نیز در این برنامه کمک کردند.",
    "این مکان هر روز از ساعت ۸ صبح تا ۸ شب باز است.",
};
static const struct topic_text fa_topics[] = {
    [TOPIC_BOOKS] = {"در {town} برنامه" ZW "ای تازه برای دوستداران کتاب آغاز شد.",
                     LIST(fa_books)},
    [TOPIC_WEATHER] = {"اداره هواشناسی {town} گزارش تازه" ZW
                       "ای درباره وضعیت هوا منتشر کرد.",
                       LIST(fa_weather)},
    [TOPIC_FOOTBALL] = {"تیم فوتبال {town} این هفته در دیداری تماشایی به میدان رفت.",
                        LIST(fa_football)},
    [TOPIC_SCIENCE] = {"نمایشگاه علمی دانش" ZW "آموزان {town} این هفته برگزار شد.",
                       LIST(fa_science)},
    [TOPIC_CIVIC] = {"شهرداری {town} از برنامه" ZW
                     "ای تازه برای بهبود خدمات شهری خبر داد.",
                     LIST(fa_civic)},
};

static const char *const fa_quotes[] = {
    "«از استقبال گرم مردم {town} بسیار خوشحالیم.»",
    "«امیدواریم این برنامه هر سال تکرار شود.»",
};

static const char *const fa_subheads[] = {
    "جزئیات بیشتر",
    "برنامه" ZW "های آینده",
};

static const char *const fa_authors[] = {
    "سارا نیک" ZW "پور",
    "امید روشن" ZW "دل",
    "لیلا آذرمهر",
};

static const char *const ar_towns[] = {
    "وادي السنابل", "تل الريحان",   "مرج الزهور",  "عين النسيم",   "بئر الياسمين",
    "جبل الصنوبر",  "سهل الأقحوان", "رأس المرجان", "وادي الغزلان", "تل البنفسج",
    "عين الورد",    "مرج السوسن",   "سهل القمح",   "بئر الفيروز",
};

static const struct title_tpl ar_titles[] = {
    {"افتتاح مكتبة جديدة في {town} تضم {nn} ألف كتاب", TAG_CULTURE},
    {"درجة الحرارة في {town} تصل إلى {deg} درجة", TAG_CLIMATE},
    {"فريق {town} يفوز على {town2} بنتيجة {score}", TAG_SPORT},
    {"مشاركة {nn} طالبًا في معرض العلوم المدرسي في {town}", TAG_SCIENCE},
    {"افتتاح الحديقة العامة في {town} بعد صيانة استمرت {nn} يومًا", TAG_WORLD},
    {"انطلاق معرض كتاب الأطفال في {town} بمشاركة {nn} دار نشر", TAG_CULTURE},
    {"افتتاح سوق للمنتجات المحلية في {town} بمشاركة {nn} مزارعًا", TAG_BUSINESS},
    {"توقعات بهطول أمطار على {town} و{town2} خلال الأيام المقبلة", TAG_CLIMATE},
};

/* Arabic sentences after the first open with "و", as news prose does. */
static const char *const ar_books[] = {
    "وتهدف هذه الفعالية إلى تشجيع الأطفال والشباب على القراءة.",
    "وخصص جناح خاص للأطفال والشباب.",
    "ويمكن للزوار الحضور من السبت إلى الخميس، من الثامنة صباحًا حتى الثامنة مساءً.",
    "وسيقرأ عدد من الكتّاب المحليين قصصًا للأطفال.",
    "ويأمل المسؤولون أن يسهم المشروع في زيادة الإقبال على المطالعة.",
    "والدخول مجاني للجميع.",
};
static const char *const ar_weather[] = {
    "ويتوقع خبراء الأرصاد الجوية أن يصبح الطقس أكثر اعتدالًا في الأيام المقبلة.",
    "وساعدت الأمطار الأخيرة على رفع منسوب المياه في السد الصغير بالمنطقة.",
    "ومن المتوقع أن تصل درجة الحرارة إلى نحو {deg} درجة في نهاية الأسبوع.",
    "ونصحت السلطات السائقين بالقيادة بحذر في الأيام الممطرة.",
    "ورحب المزارعون في المنطقة بهذه الأمطار لري أراضيهم.",
    "وتنشر دائرة الأرصاد الجوية نشرة جديدة كل صباح.",
};
static const char *const ar_football[] = {
    "وحضر المباراة عدد كبير من المشجعين، وجرت في أجواء ودية.",
    "وقال مدرب الفريق بعد المباراة إن اللاعبين بذلوا جهدًا كبيرًا لتحقيق هذه النتيجة.",
    "وجاء الهدف الأول في الدقيقة {minute}.",
    "ويلعب الفريق مباراته المقبلة الأسبوع القادم.",
    "والتقط مشجعو الفريقين صورًا تذكارية بعد نهاية المباراة.",
    "وقد حقق اللاعبون الشباب تقدمًا ملحوظًا هذا الموسم.",
};
static const char *const ar_science[] = {
    "وقدم الطلاب هذا العام مشاريع عن الطاقة والمياه والبيئة.",
    "وأشادت لجنة التحكيم بإبداع الطلاب.",
    "وكان أحد المشاريع جهازًا بسيطًا لترشيد استهلاك المياه.",
    "وأكد مدير المدرسة أن فعاليات مماثلة ستقام في العام المقبل.",
    "والدخول إلى المعرض مجاني للجميع.",
    "وزار كثير من الأهالي والمعلمين أجنحة الطلاب.",
};
static const char *const ar_civic[] = {
    "وقال مسؤولون في بلدية {town} إن المشروع نفذ بالتعاون مع السكان المحليين.",
    "وتم تمويل المشروع من الميزانية المحلية.",
    "ودعا المنظمون جميع العائلات إلى الزيارة.",
    "ويمكن للسكان إرسال آرائهم إلى البلدية حتى نهاية الشهر.",
    "وساعد متطوعون من {town2} في التحضير لهذا الحدث.",
    "ويفتح المكان أبوابه يوميًا من الثامنة صباحًا حتى الثامنة مساءً.",
};
static const struct topic_text ar_topics[] = {
    [TOPIC_BOOKS] = {"انطلقت في {town} فعالية جديدة لمحبي الكتب.", LIST(ar_books)},
    [TOPIC_WEATHER] = {"أصدرت دائرة الأرصاد الجوية في {town} نشرة جديدة عن حالة الطقس.",
                       LIST(ar_weather)},
    [TOPIC_FOOTBALL] = {"خاض فريق {town} لكرة القدم هذا الأسبوع مباراة ممتعة.",
                        LIST(ar_football)},
    [TOPIC_SCIENCE] = {"أقيم معرض العلوم المدرسي في {town} هذا الأسبوع.",
                       LIST(ar_science)},
    [TOPIC_CIVIC] = {"أعلنت بلدية {town} عن خطة جديدة لتحسين الخدمات العامة.",
                     LIST(ar_civic)},
};

static const char *const ar_quotes[] = {
    "«نحن سعداء جدًا بإقبال سكان {town}»، قال أحد المنظمين.",
    "«نأمل أن تتكرر هذه الفعالية كل عام»، قالت إحدى المشاركات.",
};

static const char *const ar_subheads[] = {
    "مزيد من التفاصيل",
    "الخطوات المقبلة",
};

static const char *const ar_authors[] = {
    "سلمى الوردي",
    "هادي البستاني",
    "ريم العطار",
};

/* An empty list; a macro, since a const object is not a constant expression
 * in standard C (clang refuses it as an initializer). */
#define NONE {NULL, 0}

const struct lang_data gz_demo_langs[] = {
    [LANG_EN] = {"en", LIST(en_towns), en_titles, GZ_COUNTOF(en_titles), LIST(en_authors),
                 LIST(en_leads), LIST(en_sentences), LIST(en_summaries), NULL,
                 LIST(en_quotes), LIST(en_subheads), NULL, 0, "–"},
    /* U+06F0..U+06F9, the extended Arabic-Indic digits Persian uses */
    [LANG_FA] = {"fa", LIST(fa_towns), fa_titles, GZ_COUNTOF(fa_titles), LIST(fa_authors),
                 NONE, NONE, NONE, fa_topics, LIST(fa_quotes), LIST(fa_subheads), "\xdb",
                 0xb0, " بر "},
    /* U+0660..U+0669, Arabic-Indic digits */
    [LANG_AR] = {"ar", LIST(ar_towns), ar_titles, GZ_COUNTOF(ar_titles), LIST(ar_authors),
                 NONE, NONE, NONE, ar_topics, LIST(ar_quotes), LIST(ar_subheads), "\xd9",
                 0xa0, " مقابل "},
};

/* Named word slots usable in any template as {name}. */
const struct word_slot gz_demo_word_slots[] = {
    {"adj", LIST(en_adjs)},         {"verb", LIST(en_verbs)},
    {"month", LIST(en_months)},     {"day", LIST(en_days)},
    {"weather", LIST(en_weather)},  {"field", LIST(en_fields)},
    {"finding", LIST(en_findings)}, {"sector", LIST(en_sectors)},
    {"trend", LIST(en_trends)},     {"health", LIST(en_health)},
    {"tech", LIST(en_tech)},        {"climate", LIST(en_climate)},
    {"culture", LIST(en_culture)},  {"match", LIST(en_matches)},
    {"role", LIST(en_roles)},
};
const size_t gz_demo_nword_slots = GZ_COUNTOF(gz_demo_word_slots);

/* Numeric slots {name}: a uniform integer in [lo, hi]. Arabic grammar wants
 * 11-99 after "طالبًا" and the like, hence {nn} and {deg} start at 11. */
const struct num_slot gz_demo_num_slots[] = {
    {"small", 2, 9, 0}, {"num", 2, 60, 0},     {"nn", 11, 99, 0},
    {"pct", 2, 35, 0},  {"big", 120, 9800, 1}, {"id", 1000, 99999, 0},
    {"deg", 11, 38, 0}, {"minute", 3, 89, 0},  {"year", 2030, 2045, 0},
};
const size_t gz_demo_nnum_slots = GZ_COUNTOF(gz_demo_num_slots);
