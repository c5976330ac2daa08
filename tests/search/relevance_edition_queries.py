"""Queries the works-and-editions issue asks search to answer on the goodbooks-10k catalogue:
a book by its original-language title, by series and number, by the title or the ISBN of one of
its other editions (added by `tests/search/test_relevance_editions.py`), each with the book
meant. Titles are as `import_catalog` stores them (series split off)."""

ORIGINAL_TITLES: list[tuple[str, str]] = [
    ("cien años de soledad", "One Hundred Years of Solitude"),
    ("cien anos de soledad", "One Hundred Years of Solitude"),
    ("la sombra del viento", "The Shadow of the Wind"),
    ("o alquimista", "The Alchemist"),
    ("nineteen eighty-four", "1984"),
    ("nineteen eighty four", "1984"),
    ("le petit prince", "The Little Prince"),
    ("die verwandlung", "The Metamorphosis"),
    ("el amor en los tiempos del colera", "Love in the Time of Cholera"),
    ("il nome della rosa", "The Name of the Rose"),
    ("la casa de los espiritus", "The House of the Spirits"),
    ("cronica de una muerte anunciada", "Chronicle of a Death Foretold"),
    ("man som hatar kvinnor", "The Girl with the Dragon Tattoo"),
    ("le comte de monte-cristo", "The Count of Monte Cristo"),
    ("l'etranger", "The Stranger"),
    ("les trois mousquetaires", "The Three Musketeers"),
    ("das parfum", "Perfume: The Story of a Murderer"),
    ("der prozess", "The Trial"),
    ("le fantome de l'opera", "The Phantom of the Opera"),
    ("le tour du monde en quatre-vingts jours", "Around the World in Eighty Days"),
    ("der vorleser", "The Reader"),
    ("nesnesitelna lehkost byti", "The Unbearable Lightness of Being"),
    ("il principe", "The Prince"),
]

SERIES_NUMBERS: list[tuple[str, str]] = [
    ("hunger games 3", "Mockingjay"),
    ("hunger games 2", "Catching Fire"),
    ("harry potter 7", "Harry Potter and the Deathly Hallows"),
    ("harry potter 3", "Harry Potter and the Prisoner of Azkaban"),
    ("twilight 2", "New Moon"),
    ("twilight 4", "Breaking Dawn"),
    ("percy jackson 2", "The Sea of Monsters"),
    ("divergent 3", "Allegiant"),
    ("divergent 2", "Insurgent"),
    ("song of ice and fire 3", "A Storm of Swords"),
    ("mortal instruments 2", "City of Ashes"),
    ("maze runner 2", "The Scorch Trials"),
    ("lord of the rings 2", "The Two Towers"),
    ("his dark materials 3", "The Amber Spyglass"),
    ("inheritance cycle 2", "Eldest"),
    ("fifty shades 2", "Fifty Shades Darker"),
    ("millennium 3", "The Girl Who Kicked the Hornet's Nest"),
    ("harry potter 1", "Harry Potter and the Sorcerer's Stone"),
]

# (edition title, ISBN-13, language, book title): editions the test adds to famous books.
EXTRA_EDITIONS: list[tuple[str, str, str, str]] = [
    ("Der Hobbit", "9783423715690", "de", "The Hobbit"),
    ("Los juegos del hambre", "9788427202122", "es", "The Hunger Games"),
    (
        "Harry Potter à l'école des sorciers",
        "9782070584628",
        "fr",
        "Harry Potter and the Sorcerer's Stone",
    ),
    ("Stolz und Vorurteil", "9783730601648", "de", "Pride and Prejudice"),
    ("Matar a un ruiseñor", "9788490628218", "es", "To Kill a Mockingbird"),
]

EDITION_TITLES: list[tuple[str, str]] = [
    ("der hobbit", "The Hobbit"),
    ("los juegos del hambre", "The Hunger Games"),
    ("harry potter a lecole des sorciers", "Harry Potter and the Sorcerer's Stone"),
    ("stolz und vorurteil", "Pride and Prejudice"),
    ("matar a un ruisenor", "To Kill a Mockingbird"),
]

EDITION_ISBNS: list[tuple[str, str]] = [
    ("978-3-423-71569-0", "The Hobbit"),
    ("9788427202122", "The Hunger Games"),
    ("9782070584628", "Harry Potter and the Sorcerer's Stone"),
]

QUERIES = ORIGINAL_TITLES + SERIES_NUMBERS + EDITION_TITLES + EDITION_ISBNS
