"""Words for the demo world: review bodies, titles, list notes and private shelf notes.

Reviews are assembled from a few sentences chosen by the rating's tone and the book's genre,
so they read as plausible short reviews without pretending to say anything specific (or
untrue) about a real book. Spoiler reviews get a line that is marked as a spoiler but names no
actual plot point.
"""

import random
from decimal import Decimal

OPENERS = {
    "rave": [
        "I finished {title} at two in the morning and immediately wanted to start again.",
        "Every so often a book rearranges the furniture in your head; {title} did that for me.",
        "Five pages in I knew {title} was going to be one of those books.",
        "I can see why people still press {title} into friends' hands.",
    ],
    "good": [
        "{title} was a very good read, even if it took me a few chapters to settle in.",
        "Solid, satisfying, and better than I expected from the hype around {title}.",
        "I enjoyed {title} a lot, with a couple of reservations.",
        "A book I'll remember fondly: {title} earns most of its reputation.",
    ],
    "mixed": [
        "I wanted to love {title} more than I did.",
        "{title} has wonderful moments and long stretches where I drifted.",
        "Half of {title} worked for me; the other half really didn't.",
        "I can see what others get from {title}, but it only partly landed for me.",
    ],
    "poor": [
        "I pushed through {title} and I'm not sure it was worth it.",
        "{title} and I were not meant to be.",
        "Sorry to everyone who recommended {title} to me.",
        "I gave {title} a fair chance; it never gave one back.",
    ],
}

GENRE_LINES = {
    "fantasy": [
        "The world-building is generous without drowning the story.",
        "The magic has rules, and the book respects them.",
    ],
    "science-fiction": [
        "The ideas are big, and for once the people are as interesting as the ideas.",
        "It asks a 'what if' and then follows it honestly to the end.",
    ],
    "dystopian": [
        "The world is bleak in a way that felt uncomfortably close to the news.",
        "The politics of the setting are sketched quickly but sharply.",
    ],
    "classics": [
        "It's remarkable how modern some of it feels.",
        "The prose takes a little getting used to, then it carries you.",
    ],
    "literary-fiction": [
        "The sentences are worth slowing down for.",
        "Not much happens, and somehow everything does.",
    ],
    "historical-fiction": [
        "The period detail is vivid without turning into a history lecture.",
        "I kept stopping to look things up, which is the best compliment I can give.",
    ],
    "mystery": [
        "The clues are fair, and I still didn't see it coming.",
        "The detective work is patient and satisfying.",
    ],
    "thriller": [
        "Short chapters, long nights: the pacing is relentless.",
        "It's a page-turner in the most literal sense.",
    ],
    "horror": [
        "The dread builds slowly and never quite lets go.",
        "I read the last third with every light in the flat on.",
    ],
    "romance": [
        "The chemistry between the leads carries the whole book.",
        "The banter is great and the slow burn is worth it.",
    ],
    "young-adult": [
        "It captures being sixteen, the intensity and the certainty, really well.",
        "I'd have devoured this as a teenager, and I mostly devoured it now.",
    ],
    "childrens": [
        "It works read aloud, which is the real test.",
        "My class asked for it again the next day.",
    ],
    "memoir": [
        "It's honest in a way that must have cost the author something.",
        "The voice is so distinctive I could hear it.",
    ],
    "popular-science": [
        "It explains difficult ideas without talking down to the reader.",
        "I've been repeating its examples to anyone who will listen.",
    ],
    "history": [
        "It makes the past feel both strange and familiar.",
        "Meticulously researched, and it reads like a novel.",
    ],
    "humor": ["I laughed out loud on the train more than once."],
    "plays": ["It reads well on the page, but I want to see it staged."],
    "poetry": ["Short enough to read in one sitting, good enough to read again."],
    "true-crime": ["It never forgets that the victims were people."],
}
GENERIC_LINES = [
    "The characters stayed with me for days afterwards.",
    "The structure is cleverer than it first appears.",
    "The middle sags a little, but the ending pulls it together.",
]

CLOSERS = {
    "rave": ["Highly recommended.", "An easy five.", "Already lending my copy out."],
    "good": ["Recommended.", "I'll read more by this author.", "A good one for book club."],
    "mixed": ["Worth a try, with managed expectations.", "Your mileage may vary."],
    "poor": ["Not for me.", "I'll pass on the sequel.", "On to the next one."],
}

SPOILER_LINES = [
    "Spoiler: the final chapter recasts everything before it, and I'm still thinking about it.",
    "Spoiler: I did not expect who survives, and the last scene between them is devastating.",
    "Spoiler: the twist in the last act made me go back and reread the opening.",
]

DNF_LINES = [
    "Stopped at about a third. Life's too short, and my to-read pile is too tall.",
    "I may come back to it one day, but not this year.",
    "The writing wasn't for me; gave up after a few chapters.",
]

TITLES = {
    "rave": ["Unputdownable", "A new favourite", "Believe the hype", "Wow"],
    "good": ["Really enjoyed this", "Worth it", "A good one"],
    "mixed": ["Mixed feelings", "Not quite", "Parts of it"],
    "poor": ["Not for me", "Disappointed", "I tried"],
}

LIST_NOTES = [
    "Start here.",
    "The one I reread most.",
    "Read it in one sitting.",
    "Better than the film.",
    "Trust me on this one.",
    "For a long train journey.",
    "Give it fifty pages.",
    "My book club's favourite.",
]

SHELF_NOTES = [
    "Borrowed from the library: due back soon.",
    "Recommended by my sister.",
    "Bought second-hand, someone else's notes in the margins.",
    "Reading this one slowly, a chapter a night.",
]


def tone(value: Decimal) -> str:
    if value >= Decimal("4.5"):
        return "rave"
    if value >= Decimal("3.5"):
        return "good"
    if value >= Decimal("2.5"):
        return "mixed"
    return "poor"


def review_text(
    rng: random.Random, title: str, genres: tuple[str, ...], value: Decimal, spoiler: bool
) -> tuple[str, str]:
    """A `(title, body)` for a review of `title` rated `value`; the title may be empty."""
    mood = tone(value)
    genre_lines = [line for genre in genres for line in GENRE_LINES.get(genre, [])]
    sentences = [
        rng.choice(OPENERS[mood]).format(title=title),
        rng.choice(genre_lines or GENERIC_LINES),
    ]
    if rng.random() < 0.5:
        sentences.append(rng.choice(GENERIC_LINES))
    if spoiler:
        sentences.append(rng.choice(SPOILER_LINES))
    sentences.append(rng.choice(CLOSERS[mood]))
    heading = rng.choice(TITLES[mood]) if rng.random() < 0.6 else ""
    return heading, " ".join(sentences)


def dnf_text(rng: random.Random, title: str) -> tuple[str, str]:
    return "Did not finish", f"{rng.choice(OPENERS['poor']).format(title=title)} " + rng.choice(
        DNF_LINES
    )
