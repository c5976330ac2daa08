"""Real-world queries against the goodbooks-10k catalogue, each with the book a reader meant.

Shared by the relevance test (tests/search/test_relevance.py) and the benchmark
(bench/search.py). Titles are as `import_catalog` stores them (series split off).
"""

QUERIES: list[tuple[str, str]] = [
    # Misspellings
    ("harry poter chamber", "Harry Potter and the Chamber of Secrets"),
    ("hunger gmes", "The Hunger Games"),
    ("tolkein", "The Hobbit"),
    ("hary potter prisoner azkaban", "Harry Potter and the Prisoner of Azkaban"),
    ("catcher in the ry", "The Catcher in the Rye"),
    ("to kill a mokingbird", "To Kill a Mockingbird"),
    ("pride and predjudice", "Pride and Prejudice"),
    ("the grate gatsby", "The Great Gatsby"),
    ("fault in our stras", "The Fault in Our Stars"),
    ("girl with the dragon tatoo", "The Girl with the Dragon Tattoo"),
    ("da vinci cod", "The Da Vinci Code"),
    ("lord of the flys", "Lord of the Flies"),
    ("hitchikers guide galaxy", "The Hitchhiker's Guide to the Galaxy"),
    ("wuthering hights", "Wuthering Heights"),
    ("crime and punishmnet", "Crime and Punishment"),
    ("the kite runer", "The Kite Runner"),
    # Partial titles
    ("goblet of fire", "Harry Potter and the Goblet of Fire"),
    ("deathly hallows", "Harry Potter and the Deathly Hallows"),
    ("mockingjay", "Mockingjay"),
    ("catching fire", "Catching Fire"),
    ("fellowship ring", "The Fellowship of the Ring"),
    ("lion witch wardrobe", "The Lion, the Witch, and the Wardrobe"),
    ("sorcerers stone", "Harry Potter and the Sorcerer's Stone"),
    ("perks of being a wallflower", "The Perks of Being a Wallflower"),
    ("hundred years of solitude", "One Hundred Years of Solitude"),
    ("game of thrones", "A Game of Thrones"),
    ("secret life of bees", "The Secret Life of Bees"),
    ("1984", "1984"),
    # Author only (the author's best-known book)
    ("suzanne collins", "The Hunger Games"),
    ("harper lee", "To Kill a Mockingbird"),
    ("jk rowling", "Harry Potter and the Sorcerer's Stone"),
    ("stephenie meyer", "Twilight"),
    ("fitzgerald", "The Great Gatsby"),
    ("khaled hosseini", "The Kite Runner"),
    ("john green", "The Fault in Our Stars"),
    ("george orwell", "1984"),
    ("dostoyevsky", "Crime and Punishment"),
    # Series
    ("twilight saga", "Twilight"),
    ("percy jackson", "The Lightning Thief"),
    ("mortal instruments", "City of Bones"),
    ("inheritance cycle", "Eragon"),
    ("his dark materials", "The Golden Compass"),
    # ISBN-10 and ISBN-13
    ("0439023483", "The Hunger Games"),
    ("0-7432-7356-7", "The Great Gatsby"),
    ("9780618260300", "The Hobbit"),
    ("978-0-06-112008-4", "To Kill a Mockingbird"),
    # Non-ASCII, typed with or without accents
    ("les miserables", "Les Misérables"),
    ("Les Misérables", "Les Misérables"),
    ("shogun", "Shōgun"),
    ("gabriel garcia marquez", "One Hundred Years of Solitude"),
    ("bronte jane eyre", "Jane Eyre"),
    ("miss peregrines home", "Miss Peregrine’s Home for Peculiar Children"),
]
