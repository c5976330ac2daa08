"""The demo's readers: a dozen people with distinct tastes and habits, plus the `demo` login.

Each reader's taste (favourite genres, how generously they rate, whether they use half stars,
how much they read and review) drives what lands on their shelves, so browsing the demo shows
a science-fiction fan's shelves looking different from a classics reader's. Domains are
`.example` (reserved, never anyone's real site).
"""

from dataclasses import dataclass

from apps.core.models import Privacy

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "booknest-demo"  # noqa: S105 -- the documented demo login, for local use
DEMO_EMAIL = "demo@booknest.example"


@dataclass(frozen=True)
class ListPlan:
    """A reading list a reader keeps: where its books come from, and who may see it.

    `source` is "loved" (read and rated 4+), "want" (the want-to-read shelf) or
    "genre:<slug>" (anything shelved in that genre).
    """

    name: str
    description: str
    privacy: str
    source: str
    size: int = 8


@dataclass(frozen=True)
class Reader:
    username: str
    display_name: str
    bio: str
    location: str
    genres: tuple[str, ...]  # favourite genre slugs, most loved first
    interests: tuple[str, ...]  # free-text interests
    links: tuple[tuple[str, str], ...]  # (platform, url)
    lists: tuple[ListPlan, ...]
    privacy: str = Privacy.PUBLIC
    website: str = ""
    generosity: float = 3.8  # the rating they give a book they neither love nor hate
    half_stars: bool = True
    books_read: int = 30
    review_rate: float = 0.3
    goal: str = "books"  # what their yearly goal counts: "books", "pages" or "both"
    joined_days_before: int = 700


PUBLIC, FOLLOWERS, PRIVATE = Privacy.PUBLIC, Privacy.FOLLOWERS, Privacy.PRIVATE

DEMO = Reader(
    username=DEMO_USERNAME,
    display_name="Demo Reader",
    bio="The account you are logged in as. A bit of everything: classics, fantasy, thrillers, "
    "and a guilty pleasure or two. Staff, so the admin is yours to explore.",
    location="Somewhere with good light",
    website="https://demo.booknest.example",
    genres=("fantasy", "classics", "science-fiction", "mystery"),
    interests=("book clubs", "reading challenges", "annotating in pencil"),
    links=(
        ("mastodon", "https://mastodon.example/@demo"),
        ("storygraph", "https://storygraph.example/demo"),
    ),
    lists=(
        ListPlan("All-time favourites", "The books I push on everyone.", PUBLIC, "loved", 10),
        ListPlan(
            "Book club 2026",
            "What the Thursday club is reading this year.",
            FOLLOWERS,
            "genre:classics",
            6,
        ),
        ListPlan("Holiday reading", "Saving these for the long evenings.", PRIVATE, "want", 6),
    ),
    generosity=3.9,
    books_read=48,
    review_rate=0.4,
    goal="both",
    joined_days_before=760,
)

READERS: tuple[Reader, ...] = (
    Reader(
        username="ada",
        display_name="Ada Okafor",
        bio="Software engineer by day, starship navigator by night. I read science fiction to "
        "remember that the future is negotiable.",
        location="Lagos, Nigeria",
        website="https://ada.example",
        genres=("science-fiction", "dystopian", "fantasy"),
        interests=("hard SF", "first-contact stories"),
        links=(
            ("mastodon", "https://mastodon.example/@ada"),
            ("bluesky", "https://bsky.example/ada"),
        ),
        lists=(
            ListPlan(
                "Gateway sci-fi",
                "For friends who say they don't like science fiction.",
                PUBLIC,
                "loved",
            ),
            ListPlan("Next up", "", PRIVATE, "want", 5),
        ),
        generosity=3.9,
        books_read=34,
        review_rate=0.35,
    ),
    Reader(
        username="ben",
        display_name="Benedikt Vogel",
        bio="Retired schoolteacher, working through the classics I pretended to have read.",
        location="Berlin, Germany",
        genres=("classics", "literary-fiction", "plays"),
        interests=("19th-century novels", "translations"),
        links=(("goodreads", "https://goodreads.example/ben"),),
        lists=(
            ListPlan("Worth the doorstop", "Long classics that repay the effort.", PUBLIC, "loved"),
            ListPlan("Rereads for winter", "", FOLLOWERS, "genre:classics", 5),
        ),
        generosity=3.6,
        half_stars=False,
        books_read=40,
        review_rate=0.4,
        goal="both",
        joined_days_before=720,
    ),
    Reader(
        username="chloe",
        display_name="Chloé Martin",
        bio="Romance and YA, unapologetically. A happy ending is a genre promise, not a flaw.",
        location="Montréal, Canada",
        website="https://chloe-reads.example",
        genres=("romance", "young-adult", "contemporary"),
        interests=("slow burn", "audiobooks on the metro"),
        links=(
            ("instagram", "https://instagram.example/chloereads"),
            ("tiktok", "https://tiktok.example/@chloereads"),
        ),
        lists=(
            ListPlan("Comfort reads", "For when the week has been too long.", PUBLIC, "loved"),
            ListPlan("Book club shortlist", "", PRIVATE, "want", 5),
        ),
        generosity=4.3,
        books_read=38,
        review_rate=0.45,
        joined_days_before=540,
    ),
    Reader(
        username="dev",
        display_name="Devansh Rao",
        bio="Product manager. Mostly nonfiction about how things work, and why people believe "
        "what they believe.",
        location="Bengaluru, India",
        genres=("popular-science", "history", "biography", "self-help"),
        interests=("behavioural economics", "history of medicine"),
        links=(("x", "https://x.example/devrao"),),
        lists=(
            ListPlan(
                "Ideas that stuck",
                "Books that changed how I think about something.",
                PUBLIC,
                "loved",
                6,
            ),
            ListPlan("Airport reads", "", PUBLIC, "want", 5),
        ),
        generosity=3.7,
        books_read=26,
        review_rate=0.25,
        joined_days_before=610,
    ),
    Reader(
        username="elena",
        display_name="Elena Petrova",
        bio="Translator (Russian and English into Bulgarian). Literary fiction, the big "
        "Russians, and anything with a difficult narrator.",
        location="Sofia, Bulgaria",
        website="https://elena-petrova.example",
        genres=("literary-fiction", "classics", "historical-fiction"),
        interests=("literature in translation", "unreliable narrators"),
        links=(
            ("website", "https://elena-petrova.example/notes"),
            ("mastodon", "https://mastodon.example/@elena"),
        ),
        lists=(
            ListPlan(
                "Great translations",
                "Where the translator deserves a cover credit.",
                PUBLIC,
                "loved",
            ),
            ListPlan("Slow reads", "", FOLLOWERS, "want", 5),
        ),
        generosity=3.5,
        books_read=36,
        review_rate=0.5,
        goal="pages",
        joined_days_before=690,
    ),
    Reader(
        username="farah",
        display_name="Farah Haddad",
        bio="Crime fiction addict. I guess the killer by chapter three and I'm still "
        "disappointed when I'm right.",
        location="Amman, Jordan",
        genres=("mystery", "thriller", "true-crime"),
        interests=("locked-room mysteries", "Nordic noir"),
        links=(("storygraph", "https://storygraph.example/farah"),),
        lists=(
            ListPlan("Twists that got me", "No spoilers in the notes, promise.", PUBLIC, "loved"),
            ListPlan("Cosy crimes for later", "", PRIVATE, "want", 5),
        ),
        generosity=3.8,
        half_stars=False,
        books_read=32,
        joined_days_before=480,
    ),
    Reader(
        username="gus",
        display_name="Gus Lindqvist",
        bio="Horror and weird fiction. Working through Stephen King in no particular order.",
        location="Uppsala, Sweden",
        genres=("horror", "thriller", "fantasy"),
        interests=("Stephen King", "folk horror"),
        links=(("youtube", "https://youtube.example/@gusreadshorror"),),
        lists=(
            ListPlan("Read with the lights on", "", PUBLIC, "genre:horror", 6),
            ListPlan("Backlog", "", PUBLIC, "want", 5),
        ),
        generosity=3.9,
        books_read=28,
        joined_days_before=400,
    ),
    Reader(
        username="hana",
        display_name="Hana Sato",
        bio="Fantasy maps, magic systems, thousand-page sagas. Also cats.",
        location="Osaka, Japan",
        genres=("fantasy", "young-adult", "science-fiction"),
        interests=("epic fantasy", "found family"),
        links=(("bluesky", "https://bsky.example/hana"), ("other", "https://hana-maps.example")),
        lists=(
            ListPlan(
                "Epic fantasy starter pack",
                "Start with the first; you'll know.",
                PUBLIC,
                "genre:fantasy",
            ),
            ListPlan("Series to finish", "", FOLLOWERS, "want", 5),
        ),
        generosity=4.1,
        books_read=36,
        review_rate=0.35,
        joined_days_before=650,
    ),
    Reader(
        username="isla",
        display_name="Isla MacLeod",
        bio="Librarian. Historical fiction, and then the history behind it.",
        location="Edinburgh, Scotland",
        privacy=FOLLOWERS,
        genres=("historical-fiction", "history", "classics"),
        interests=("Tudor England", "the Second World War at home"),
        links=(("website", "https://isla-macleod.example"),),
        lists=(
            ListPlan("Past lives", "Novels that made a century feel close.", FOLLOWERS, "loved"),
            ListPlan("To research", "", PRIVATE, "want", 5),
        ),
        generosity=4.0,
        books_read=34,
        joined_days_before=580,
    ),
    Reader(
        username="jonah",
        display_name="Jonah Brooks",
        bio="Memoirs, true crime, and the occasional comfort reread. Keeping this one quiet.",
        location="Portland, Oregon",
        privacy=PRIVATE,
        genres=("memoir", "true-crime", "biography"),
        interests=("long-form journalism", "recovery memoirs"),
        links=(),
        lists=(
            ListPlan("Lives worth reading", "", PRIVATE, "loved", 6),
            ListPlan("Maybe", "", PRIVATE, "want", 4),
        ),
        generosity=3.7,
        half_stars=False,
        books_read=24,
        joined_days_before=300,
    ),
    Reader(
        username="kemi",
        display_name="Kemi Adeyemi",
        bio="Primary school teacher. I test picture books on a tough audience of seven-year-olds.",
        location="Bristol, England",
        genres=("childrens", "young-adult", "poetry"),
        interests=("read-alouds", "building a classroom library"),
        links=(("instagram", "https://instagram.example/missadeyemireads"),),
        lists=(
            ListPlan(
                "Read-alouds that work", "Tested on Year 3. Survived.", PUBLIC, "genre:childrens"
            ),
            ListPlan("Classroom library wish list", "", PUBLIC, "want", 6),
        ),
        generosity=4.4,
        half_stars=False,
        books_read=30,
        joined_days_before=450,
    ),
    Reader(
        username="luis",
        display_name="Luis Ortega",
        bio="Magical realism, the Latin American boom, and Shakespeare on weekends (amateur "
        "theatre, mostly the gravedigger).",
        location="Mexico City, Mexico",
        website="https://luis-ortega.example",
        genres=("literary-fiction", "plays", "classics"),
        interests=("magical realism", "amateur theatre"),
        links=(
            ("mastodon", "https://mastodon.example/@luis"),
            ("goodreads", "https://goodreads.example/luis"),
        ),
        lists=(
            ListPlan("Plays to read aloud", "", PUBLIC, "genre:plays", 5),
            ListPlan("Boom and after", "Novels I keep lending out.", PUBLIC, "loved", 6),
            ListPlan("Presents to buy", "", PRIVATE, "want", 4),
        ),
        generosity=3.8,
        books_read=30,
        review_rate=0.4,
        joined_days_before=520,
    ),
)

EVERYONE: tuple[Reader, ...] = (DEMO, *READERS)
USERNAMES: tuple[str, ...] = tuple(reader.username for reader in EVERYONE)
